"""The two simulation engines on one seed: `--engine stack` (the handlers on the local stack,
over HTTP, queues and streams) and `--engine memory` (the same use cases on the memory
adapters) must leave the same month, file for file: the coverage, the misses, the stewards'
days, the raw visit records, the projector's counters, what the API answered, the tickets.

Five Heping communities, Tuesday 1 to Thursday 3 December, stewards falling sick often (leave
registered on a planned day: same-day cover) and half the batches sent twice (idempotency
keys); `--visits-only` leaves inspections and home services out of the stack run too, as the
memory engine has no use case on ports for them yet. (`--workers 2`, solving in forked
processes, gave the same files by hand: docs/simulation.md.)
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.built_once import built_once
from tests.conftest import cli_environment
from tests.e2e.cli import careroute

MONTH = (
    "simulate", "--month", "2026-12", "--seed", "3", "--districts", "Heping", "--scale", "0.03",
    "--sick", "0.1", "--resend", "0.5", "--visits-only", "--workers", "1",
)  # fmt: skip
"""One solver process each: the router stops on a solution limit but also on a time cap, and
two solver processes of each run besides the other tests make a capped search (and a route
that differs) likelier on a busy machine."""
ENGINES = ("stack", "memory")
SAME_FILES = (
    "coverage.csv",
    "misses.csv",
    "workload.csv",
    "raw/visits.jsonl",
    "raw/counters.json",
    "raw/recorded.json",
    "raw/baselines.json",
    "raw/drift.json",
)
SAME_FIGURES = (
    "verdict",
    "coverage_city",
    "misses_by_cause",
    "totals",
    "tickets_by_source",
    "tickets_sla",
    "workload_summary",
    "checks",
    "notes",
)


@pytest.fixture(scope="module")
def months(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each engine's report folder for the same month and seed (simulated once for the whole
    run: both test workers read the same folders)."""
    cwd = built_once(tmp_path_factory, "engines", simulate_on_both_engines)
    return {engine: cwd / engine for engine in ENGINES}


def simulate_on_both_engines(cwd: Path) -> None:
    for engine in ENGINES:
        out = cwd / engine
        result = careroute(*MONTH, "--days", "3", "--engine", engine, "--out", str(out), cwd=cwd)
        assert result.returncode in (0, 1), result.stderr


def _report(folder: Path) -> dict[str, Any]:
    report: dict[str, Any] = json.loads((folder / "report.json").read_text("utf-8"))
    return report


@pytest.mark.parametrize("name", SAME_FILES)
def test_both_engines_write_the_same_file(months: dict[str, Path], name: str) -> None:
    stack = (months["stack"] / name).read_text("utf-8")
    memory = (months["memory"] / name).read_text("utf-8")
    assert stack == memory


def test_both_engines_report_the_same_figures_and_days(months: dict[str, Path]) -> None:
    stack, memory = _report(months["stack"]), _report(months["memory"])
    for name in SAME_FIGURES:
        assert stack[name] == memory[name], name

    def days(report: dict[str, Any]) -> list[dict[str, Any]]:
        return [{k: v for k, v in day.items() if k != "seconds"} for day in report["days"]]

    assert days(stack) == days(memory)
    assert stack["parameters"] == {**memory["parameters"], "engine": "stack"}


def test_the_month_compared_is_not_empty(months: dict[str, Path]) -> None:
    """What the comparison covers actually happened: visits, sickness and cover, resent
    batches, tickets from findings and from the benefit scan, some of them closed."""
    totals = _report(months["memory"])["totals"]
    assert totals["visits_completed"] > 0
    assert totals["sickness_spells"] > 0 and totals["cover_assignments"] > 0
    assert totals["resent_batches"] > 0 and totals["resend_mismatches"] == 0
    by_source = _report(months["memory"])["tickets_by_source"]
    assert by_source["visit"]["opened"] > 0 and by_source["benefit"]["closed"] > 0


def test_the_memory_engine_starts_no_moto(tmp_path: Path) -> None:
    """One day in memory, in a process that would fail on importing moto."""
    blocker = tmp_path / "blocked"
    (blocker / "moto").mkdir(parents=True)
    (blocker / "moto" / "__init__.py").write_text("raise ImportError('moto used')\n")
    env = cli_environment(CAREROUTE_DATA_DIR=str(tmp_path / "var"))
    env["PYTHONPATH"] = ":".join(filter(None, [str(blocker), env.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, "-m", "careroute_local.cli", *MONTH, "--days", "1", "--engine",
         "memory", "--out", str(tmp_path / "out")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode in (0, 1), result.stderr
    assert "day 2026-12-01: planned" in result.stderr
