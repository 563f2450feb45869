"""`careroute simulate` as a user runs it: a few days of a tiny city through the real
pipeline, the report, the independent check, and the checker catching a tampered counter."""

from __future__ import annotations

import csv
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from careroute_local.simulation.causes import excused
from tests.built_once import built_once
from tests.e2e.cli import careroute


@dataclass(frozen=True)
class Simulation:
    """What one `careroute simulate` run left: its output folder, report.json and exit code."""

    out: Path
    report: dict[str, Any]
    exit_code: int

    def misses(self) -> list[dict[str, str]]:
        with (self.out / "misses.csv").open(encoding="utf-8") as handle:
            return list(csv.DictReader(handle))

    def markdown(self) -> str:
        return (self.out / "report.md").read_text("utf-8")


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> Simulation:
    """Two Heping communities, Tuesday 1 to Friday 4 December; half the daily batches are
    sent twice (a phone retrying with the same idempotency keys). Simulated once for the
    whole run (both test workers read the same folder)."""
    cwd = built_once(tmp_path_factory, "simulation", simulate)
    out = cwd / "report"
    report = json.loads((out / "report.json").read_text("utf-8"))
    return Simulation(out, report, int((cwd / "exit_code").read_text("utf-8")))


def simulate(cwd: Path) -> None:
    result = careroute(
        "simulate", "--month", "2026-12", "--days", "4", "--seed", "3",
        "--districts", "Heping", "--scale", "0.01", "--resend", "0.5", "--out", str(cwd / "report"),
        cwd=cwd,
    )  # fmt: skip
    assert result.returncode in (0, 1), result.stderr
    assert "day 2026-12-04: planned" in result.stderr
    (cwd / "exit_code").write_text(str(result.returncode), "utf-8")


def test_the_simulation_writes_the_month_report(
    simulated: Simulation,
) -> None:
    out, report = simulated.out, simulated.report
    for name in ("report.md", "report.json", "coverage.csv", "misses.csv", "workload.csv"):
        assert (out / name).stat().st_size > 0, name
    assert report["verdict"]["exit_code"] == simulated.exit_code
    assert report["parameters"]["through"] == "2026-12-04"
    totals = report["totals"]
    assert totals["visits_planned"] >= totals["visits_attempted"] > 0
    assert totals["visits_attempted"] >= totals["visits_completed"] > 0
    with (out / "coverage.csv").open(encoding="utf-8") as handle:
        scopes = {row["scope"] for row in csv.DictReader(handle)}
    assert scopes == {"city", "district", "street", "community"}
    with (out / "workload.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    city = report["city"]
    assert city["communities"] == 2 and city["relief_posts"] >= 1
    assert city["stewards"] == city["communities"] + city["relief_posts"]
    assert len(rows) == city["stewards"] * 4  # each steward, relief posts' too: four working days
    wall = report["wall_seconds"]
    assert wall["total"] >= wall["planning"] + wall["solving"] + wall["api"] + wall["projection"]


def test_every_finding_opens_one_ticket_and_stewards_close_them(
    simulated: Simulation,
) -> None:
    totals = simulated.report["totals"]
    assert totals["tickets_from_findings"] == totals["findings"]  # resent: none twice
    assert totals["tickets_closed"] <= totals["tickets_opened"]
    assert totals["tickets_closed_on_time"] <= totals["tickets_closed"]
    assert "follow-up tickets:" in simulated.markdown()


def test_home_service_orders_are_placed_dispatched_and_completed_and_every_step_recorded(
    simulated: Simulation,
) -> None:
    h = simulated.report["home_services"]
    placed, assigned = h["home_service_orders_placed"], h["home_service_orders_assigned"]
    completed = h.get("home_service_orders_completed", 0)
    assert placed > 0
    assert completed <= assigned <= placed
    # What oversight reads from the orders table is what the simulation did.
    assert h["home_service_oversight_orders"] == placed
    assert h["home_service_oversight_status"].get("completed", 0) == completed
    assert sum(h["home_service_oversight_status"].values()) == placed
    assert h["home_service_event_mismatches"] == 0  # each order's steps match its status
    never = h.get("home_service_orders_not_assigned_on_the_day", 0)
    assert sum(h["home_service_unassigned_reasons"].values()) == never
    # An order whose window passed is expired (not retried on): the family saw it expire.
    expired = h.get("home_service_orders_expired", 0)
    assert h["home_service_oversight_status"].get("expired", 0) == expired <= never
    assert 0 <= h["home_service_wait_p50_s"] <= h["home_service_wait_p90_s"]
    free_orders = placed - h["home_service_orders_self_paid"]
    assert 0 < h["home_service_free_minutes_used"] <= 180 * free_orders
    assert "- home-service orders:" in simulated.markdown()


def test_the_benefit_scan_runs_daily_and_ticket_sla_comes_from_the_coverage_report(
    simulated: Simulation,
) -> None:
    report = simulated.report
    totals = report["totals"]
    assert totals["benefit_scans"] == 4
    assert totals["benefit_notified"] <= totals["benefit_found"]
    assert totals["benefit_backlog_notified"] > 0  # the first run finds everyone qualifying
    assert totals["tickets_from_benefit_scan"] >= totals["benefit_backlog_notified"]
    sla = report["tickets_sla"]
    assert sla["closed_on_time"] <= sla["closed"] <= sla["opened"]
    assert sla["open_now"] + totals["tickets_closed"] == totals["tickets_opened"]
    text = simulated.markdown()
    assert "- ticket SLA compliance (GET /coverage, city):" in text
    assert "- benefit scan" in text


def test_the_checker_agrees_exactly_with_the_projector_and_the_api(
    simulated: Simulation,
) -> None:
    checks = simulated.report["checks"]
    assert checks["passed"], checks
    assert checks["checker_vs_projector"] == []
    assert checks["coverage_check_drift"] == []
    assert checks["checker_vs_simulation"] == []


def test_resent_batches_store_nothing_twice(
    simulated: Simulation,
) -> None:
    report = simulated.report
    totals = report["totals"]
    assert totals["resent_items"] > 0
    assert totals["resend_mismatches"] == 0
    # One visit record per outcome posted, however many times its batch was sent.
    assert totals["visit_records"] == totals["visits_attempted"]
    city = report["coverage_city"]["ALL"]
    assert city["elders_visited"] <= totals["visits_completed"]


def test_the_offline_check_recomputes_the_report_and_catches_a_changed_counter(
    simulated: Simulation, tmp_path: Path
) -> None:
    out = shutil.copytree(simulated.out, tmp_path / "report")  # the other tests read the original
    agreed = careroute("simulate", "--check", str(out), cwd=tmp_path)
    assert agreed.returncode == 0, agreed.stderr
    assert "every figure agrees" in agreed.stderr

    counters_path = out / "raw" / "counters.json"
    counters = json.loads(counters_path.read_text("utf-8"))
    key = next(k for k in sorted(counters) if k.startswith("city|"))
    counters[key]["visits_made"] += 1  # one visit counted twice by the projector
    counters_path.write_text(json.dumps(counters), "utf-8")
    drifted = careroute("simulate", "--check", str(out), cwd=tmp_path)
    assert drifted.returncode == 1
    assert "visits_made: checker" in drifted.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--month", "2026-13"], "YYYY-MM"),
        (["--month", "2026-12", "--not-home", "1.5"], "must be in [0, 1]"),
        (["--month", "2026-12", "--districts", "Atlantis"], "unknown district"),
        (["--month", "2026-12", "--days", "40"], "--days must be between 1 and 31"),
        ([], "--month YYYY-MM is required"),
    ],
)
def test_bad_arguments_exit_2_with_a_clear_message(
    args: list[str], message: str, tmp_path: Path
) -> None:
    result = careroute("simulate", *args, cwd=tmp_path)
    assert result.returncode == 2
    assert message in " ".join(result.stderr.split())


def test_the_report_holds_the_capacity_forecast_against_the_misses_of_ours(
    simulated: Simulation,
) -> None:
    held = simulated.report["forecast"]
    ours = {m["community_id"] for m in simulated.misses() if not excused(m["cause"])}
    assert held["communities_with_misses_ours"] == len(ours)
    flagged = set(held["flagged"])
    assert held["flagged_communities"] == len(flagged)
    assert held["of_those_flagged"] == len(ours & flagged)
    assert held["missed_not_flagged"] == sorted(ours - flagged)
    assert "- capacity forecast before the month, at these rates:" in simulated.markdown()
