"""`careroute run --data DIR` loads the city's own files and nothing else: every data set in
DIR through the import `careroute data import` uses, a data set without its file left empty
(and said so), no synthetic devices, market, canteens, orders, inspection targets or
assessors drawn beside it, also while the night is planned. Checked by exporting the running
stack (`careroute data export`) and comparing with DIR."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest

from careroute.adapters.data_csv import FILES
from careroute_local.stack import free_port
from tests.conftest import cli_environment
from tests.e2e.cli import CLI, careroute
from tests.e2e.test_cli import generate_small_city

pytestmark = pytest.mark.e2e

LEFT_OUT = (
    "devices.csv",
    "providers.csv",
    "service_workers.csv",
    "pilot_communities.csv",
    "orders.csv",
)
"""Data sets the city's folder does not give: empty after the run, not drawn (the home-service
orders go with the market they name)."""


def data_rows(path: Path) -> int:
    """Rows below the header of a CSV file."""
    return max(len(path.read_text("utf-8-sig").splitlines()) - 1, 0)


def test_run_with_data_loads_exactly_the_folders_data_sets(tmp_path: Path) -> None:
    city = tmp_path / "city"
    assert generate_small_city(tmp_path, city).returncode == 0
    for name in LEFT_OUT:
        (city / name).unlink()
    given = sorted(p.name for p in city.glob("*.csv"))
    absent = sorted({spec.name for spec in FILES} - set(given))
    assert set(LEFT_OUT) <= set(absent) and "inspection_targets.csv" in given

    env = cli_environment(CAREROUTE_DATA_DIR=str(tmp_path / "var"))
    log = (tmp_path / "run.log").open("w")
    run = subprocess.Popen(
        [*CLI, "run", "--data", str(city), "--port", str(free_port()), "--meals", "off",
         "--workers", "1"],
        cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        # Once the night is planned (routes, inspections, assessments), the run serves.
        deadline = time.monotonic() + 480
        while "Ctrl-C stops the stack" not in (tmp_path / "run.log").read_text("utf-8"):
            assert run.poll() is None, (tmp_path / "run.log").read_text("utf-8")
            assert time.monotonic() < deadline, "the run did not start serving"
            time.sleep(1)
        out = tmp_path / "exported"
        exported = careroute("data", "export", "--dir", str(out), cwd=tmp_path)
        assert exported.returncode == 0, exported.stderr
    finally:
        run.send_signal(signal.SIGINT)
        run.wait(timeout=120)
        log.close()
    output = (tmp_path / "run.log").read_text("utf-8")

    for name in given:
        assert (out / name).read_bytes() == (city / name).read_bytes(), name
    for name in absent:
        assert data_rows(out / name) == 0, name
    assert "Empty (no file in" in output and all(name in output for name in absent)
    assert "Urgent events:" not in output and "Home services:" not in output
    assert "Synthetic Shenyang" not in output
