"""The `careroute` command as a user runs it: generate, reject bad CSVs, plan and export."""

from __future__ import annotations

import csv
import json
import socket
import subprocess
from datetime import date
from pathlib import Path

from careroute.adapters.registry_csv import read_registry
from tests.e2e.cli import careroute


def generate_small_city(cwd: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """`careroute data generate` for a few Heping communities."""
    small = ["--seed", "3", "--districts", "Heping", "--scale", "0.05", "--out", str(out)]
    return careroute("data", "generate", *small, *extra, cwd=cwd)


def test_generate_writes_a_registry_that_import_reads_back(tmp_path: Path) -> None:
    result = generate_small_city(tmp_path, tmp_path / "city", "--as-of", "2026-12-01")
    assert result.returncode == 0, result.stderr
    assert "communities.csv" in result.stderr
    registry = read_registry(tmp_path / "city", as_of=date(2026, 12, 1))
    assert len(registry.communities) == len(registry.stewards) >= 1
    assert len(registry.elders) > 100


def test_import_of_a_bad_csv_names_file_line_and_field_and_writes_nothing(
    tmp_path: Path,
) -> None:
    city = tmp_path / "city"
    generate_small_city(tmp_path, city)
    path = city / "elders.csv"
    rows = list(csv.reader(path.open(encoding="utf-8")))
    header = rows[0]
    rows[5][header.index("lat")] = "north"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    result = careroute("data", "import", "--dir", str(city), cwd=tmp_path)
    assert result.returncode == 2
    assert "elders.csv line 6, field lat" in result.stderr
    assert "nothing was written" in result.stderr


def test_import_without_a_running_stack_says_how_to_start_one(tmp_path: Path) -> None:
    city = tmp_path / "city"
    generate_small_city(tmp_path, city)
    result = careroute("data", "import", "--dir", str(city), cwd=tmp_path)
    assert result.returncode == 2
    assert "make run" in result.stderr


def test_plan_exports_every_route_with_stops_in_order_and_reasons_for_the_rest(
    tmp_path: Path,
) -> None:
    out = tmp_path / "plan.json"
    result = careroute(
        "plan",
        "--date",
        "2026-12-01",
        "--districts",
        "Heping",
        "--scale",
        "0.05",
        "--workers",
        "1",
        "--export",
        str(out),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "visits planned" in result.stderr
    plan = json.loads(out.read_text("utf-8"))
    assert plan["date"] == "2026-12-01"
    assert len(plan["routes"]) == plan["summary"]["communities"] >= 1
    for route in plan["routes"]:
        assert [s["sequence"] for s in route["stops"]] == list(range(1, len(route["stops"]) + 1))
        times = [s["service_start"] for s in route["stops"]]
        assert times == sorted(times)
        assert {"shift", "break", "depart", "return", "unassigned"} <= set(route)
        assert not any({"name", "address"} & set(s) for s in route["stops"])  # no personal data
    assert all(u["reason"] for u in plan["unassigned"])
    assert plan["summary"]["mandatory_unassigned"] == 0


def test_an_unknown_district_is_a_clear_error(tmp_path: Path) -> None:
    result = careroute(
        "data", "generate", "--districts", "Atlantis", "--out", str(tmp_path), cwd=tmp_path
    )
    assert result.returncode == 2
    assert "Atlantis" in result.stderr and "Heping" in result.stderr


def test_run_refuses_a_busy_port_before_doing_any_work(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = careroute("run", "--port", str(port), "--scale", "0.01", cwd=tmp_path)
    assert result.returncode == 2
    assert f"Port {port} on 127.0.0.1 is in use" in result.stderr
    assert "Synthetic Shenyang" not in result.stderr
