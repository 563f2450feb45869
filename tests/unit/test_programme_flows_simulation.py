"""The month simulation's care flows (careroute_local.programme_sim) on the memory engine:
stewards ask for needs assessments and help elders apply for benefits on the visits the
engine recorded, the street office decides the same day (or late, counted so), the month
is paid on its last day; every figure of the report is recounted from raw/ by `--check`
(and a figure that disagrees is named); a home care bed closes when the registry says its
elder died; institutions' ratings follow their inspections where inspections run, and the
memory engine says it runs none."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
from careroute_synthetic.city import generate_city
from careroute_synthetic.meals import order_share
from rich.console import Console

from careroute.domain.beds import BedStatus
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import Category, ElderStatus, Registry
from careroute.service_layer.inspections import record_result
from careroute_local.programme_sim import MOST_ORDER_SHARE, ProgrammeDays
from careroute_local.rating_sim import InstitutionRatings
from careroute_local.sim_city import SimMonth
from careroute_local.simulation import SimulationConfig, check_directory, run_simulation
from careroute_local.simulation.state import ElderState
from tests.unit.conftest import STREET_AS_OF
from tests.unit.conftest import STREET_TEN_AM as NOW
from tests.unit.test_inspection_use_cases import a_result, stores

POLICY = load_policy()
WEEK = 7


@pytest.fixture(scope="module")
def month(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A week of December 2026 on the memory engine over two communities of D13."""
    out = tmp_path_factory.mktemp("sim")
    config = SimulationConfig(month="2026-12", engine="memory", districts=("D13",), scale=0.2,
                              days=WEEK, out=out, workers=1)  # fmt: skip
    city = generate_city(config.city_seed, as_of=config.first, districts=config.districts,
                         scale=config.scale)  # fmt: skip
    run_simulation(config, city, POLICY, Console(quiet=True), "test")
    return out


def _read(path: Path) -> Any:
    return json.loads(path.read_text("utf-8"))


def test_claims_are_applied_on_the_stewards_visits_and_decided_by_their_day(month: Path) -> None:
    claims = _read(month / "raw" / "benefit_claims.json")
    recorded = _read(month / "raw" / "recorded.json")
    figures = _read(month / "report.json")["programmes"]["benefit_claims"]
    applied = [c for c in claims if c["applied_at"]]
    assert len(applied) == figures["claims_applied_on_visits"] > 10
    for claim in applied:
        visit = recorded[claim["visit_id"]]
        assert (visit["elder_id"], visit["outcome"]) == (claim["elder_id"], "visited")
        assert datetime.fromisoformat(claim["applied_at"]) == datetime.fromisoformat(
            visit["visited_at"]
        )
    decided = [c for c in claims if c["decided_at"] and c["applied_at"]]
    late = [c for c in decided if not c["decided_on_time"]]
    assert figures["decided"] == len(decided) > len(late) > 0  # one in twenty decided late
    assert figures["decided_on_time"] == len(decided) - len(late)
    assert all(c["decided_at"][:10] > c["applied_at"][:10] for c in late)
    means_refused = figures.get("claims_refused_means_test", 0)
    assert figures["claims_approved"] + means_refused == len(decided)
    paid = [c for c in claims if "2026-12" in c["paid_months"]]
    assert figures["by_status"].get("approved", 0) == 0  # every approved claim was paid
    assert figures["yuan_paid"] == sum(c["yuan"] for c in paid) > 0


def test_assessments_are_asked_on_visits_and_graded_by_the_instrument(month: Path) -> None:
    results = _read(month / "raw" / "assessments.json")
    figures = _read(month / "report.json")["programmes"]["assessments"]
    assert figures["assessment_requests_opened_on_visits"] > 0
    assert figures["results_in_month"] == len(results) == figures["done"] > 0
    for result in results:
        grade = POLICY.assessment.grade(result["scores"])
        assert (grade.care_level.value, grade.ability.value, grade.bed_eligible) == (
            result["level"], result["ability_level"], result["bed_eligible"],
        )  # fmt: skip
    opened = figures["assessment_requests_opened_on_visits"] + figures["assessment_backlog_open"]
    assert figures["open"] + figures["done"] == opened


def test_the_memory_engines_month_rates_institutions_from_its_inspections(month: Path) -> None:
    """The month's inspections run through the use cases on the memory adapters too, and
    each institution inspected is rated from the result recorded."""
    programmes = _read(month / "report.json")["programmes"]
    ratings, inspections = programmes["institution_ratings"], programmes["inspections"]
    assert ratings.get("simulated") is not False
    assert inspections["inspections_posted"] == inspections["inspections_planned"] > 0
    rows = _read(month / "raw" / "institutions.json")
    inspected = [r for r in rows if (r["last_inspected"] or "")[:7] == "2026-12"]
    assert ratings["inspected_in_month"] == len(inspected) > 0
    rubric = POLICY.inspections.rating
    assert all(r["stars"] == rubric.stars(r["scores"], r["rectifications"]) for r in rows)
    text = (month / "report.md").read_text("utf-8")
    assert "institution ratings: not simulated" not in text
    assert f"{inspections['inspections_done']:,} done" in text
    assert "benefit claims:" in text


def test_the_check_recounts_the_programmes_and_names_a_figure_that_disagrees(
    month: Path, tmp_path: Path
) -> None:
    assert check_directory(month, POLICY) == (0, [])
    copy = tmp_path / "copy"
    (copy / "raw").mkdir(parents=True)
    for path in month.rglob("*"):
        if path.is_file():
            (copy / path.relative_to(month)).write_bytes(path.read_bytes())
    report = _read(copy / "report.json")
    report["programmes"]["benefit_claims"]["decided_on_time"] += 1
    report["programmes"]["home_care_beds"]["visits_served"] += 1
    report["programmes"]["meals"]["subsidy_yuan"] += 3
    report["programmes"]["service_hours"]["hours_by_programme"]["home_care_bed"] += 1
    report["programmes"]["day_care"]["respite_nights_booked"] -= 1
    (copy / "report.json").write_text(json.dumps(report), "utf-8")
    results = _read(copy / "raw" / "assessments.json")
    results[0]["level"] = "self" if results[0]["level"] != "self" else "disabled"
    (copy / "raw" / "assessments.json").write_text(json.dumps(results), "utf-8")
    code, problems = check_directory(copy, POLICY)
    assert code == 1
    assert any(p.startswith("benefit claims decided_on_time") for p in problems)
    assert any(p.startswith("home care beds visits_served") for p in problems)
    assert any(p.startswith("meals subsidy_yuan") for p in problems)
    assert any(p.startswith("service hours of home care beds") for p in problems)
    assert any(p.startswith("day care respite_nights_booked") for p in problems)
    assert any(p.startswith(f"assessment {results[0]['request_id']}") for p in problems)


@dataclass
class EngineMonth:
    """What ProgrammeDays reads of the engine's month (simulation.state.Run)."""

    elders: dict[str, ElderState] = field(default_factory=dict)
    recorded: dict[str, dict[str, Any]] = field(default_factory=dict)


def test_the_bed_of_an_elder_who_died_is_closed_and_visited_no_more() -> None:
    first = date(2026, 12, 1)
    city = generate_city(7, as_of=first, districts=["D13"], scale=0.2)
    engine = EngineMonth()
    month = SimMonth(city, POLICY, seed=1, city_seed=7, first=first)
    programmes = ProgrammeDays(month, engine, first + timedelta(days=3))  # type: ignore[arg-type]
    beds = programmes.beds
    bed = next(b for d in ("D13",) for b in beds.beds.beds_of_district(d)
               if b.status is BedStatus.ACCEPTED)  # fmt: skip
    for elder in city.elders:
        engine.elders[elder.elder_id] = ElderState(elder.elder_id, elder.community_id,
                                                   elder.status)  # fmt: skip
    programmes.day(first)
    engine.elders[bed.elder_id].status = ElderStatus.DECEASED
    programmes.day(first + timedelta(days=1))
    closed, _ = beds.beds.get_bed(bed.bed_id)
    assert (closed.status, closed.closed_on) == (BedStatus.CLOSED, first + timedelta(days=1))
    assert programmes.counts["beds_closed_elder_left_care"] == 1
    elder = beds.ports.elders.get_elder(bed.community_id, bed.elder_id)
    assert elder.status is ElderStatus.DECEASED
    programmes.day(first + timedelta(days=2))
    later = beds.ports.visits.visits_of_district(
        "D13", first + timedelta(days=2), first + timedelta(days=3)
    )
    assert bed.bed_id not in {v.bed_id for v in later}
    assert beds.beds.open_bed_of(bed.elder_id) is None


def test_ratings_follow_the_months_inspections_where_they_run(one_street: Registry) -> None:
    s = stores(one_street)
    first = STREET_AS_OF + timedelta(days=1)
    month = SimMonth(one_street, POLICY, seed=1, city_seed=11, first=first)
    ratings = InstitutionRatings(month, inspected=True)
    fives = dict.fromkeys(("fire_safety", "hygiene", "care_quality", "staffing", "records"), 5)
    full = a_result(s, scores=fives, rectifications=[])
    record_result(s.inspector, full, "k-full", NOW, POLICY, s.ports)
    figures = ratings.figures_from(s.ports, "2026-12", first)
    row = next(r for r in ratings.rows if r["target_id"] == full.target_id)
    assert (row["stars"], row["scores"], row["last_inspected"]) == (5, fives, str(STREET_AS_OF))
    assert row["stars_at_start"] == ratings.before[full.target_id]
    up = 1 if row["stars_at_start"] < 5 else 0
    assert (figures["inspected_in_month"], figures["rated_up"]) == (1, up)
    assert figures["by_stars"] == [
        sum(1 for r in ratings.rows if r["stars"] == n) for n in range(6)
    ]
    assert sum(figures["by_stars_at_start"]) == figures["institutions"] == len(ratings.rows) > 0

    later = NOW + timedelta(hours=2)
    vetoed = a_result(s, scores=fives | {"fire_safety": 1}, inspected_at=later)
    record_result(s.inspector, vetoed, "k-veto", later, POLICY, s.ports)
    figures = ratings.figures_from(s.ports, "2026-12", first)
    row = next(r for r in ratings.rows if r["target_id"] == full.target_id)
    assert (row["stars"], row["rectifications"]) == (1, 1)
    assert figures["rated_down"] == (1 if row["stars_at_start"] > 1 else 0)

    not_run = InstitutionRatings(month, inspected=False)
    assert not_run.figures("2026-12", first)["simulated"] is False


@pytest.mark.parametrize("age", [70, 79, 80, 95])
def test_no_elders_lunch_share_is_above_the_bound_the_days_skip_by(age: int) -> None:
    """Given every set of categories and an age either side of 80, when an elder's share of
    ordering lunch is worked out, then it is never above MOST_ORDER_SHARE (a draw at or above
    the bound skips the elder without it), and the bound is reached by someone."""
    elder = generate_city(3, as_of=date(2026, 12, 1), districts=["Heping"], scale=0.02).elders[0]
    day = date(2026, 12, 1)
    born = date(day.year - age, 6, 1)
    shares = [
        order_share(replace(elder, categories=frozenset(chosen), birth_date=born), day)
        for n in range(len(Category) + 1)
        for chosen in combinations(Category, n)
    ]
    assert len(shares) == 2 ** len(Category) and max(shares) <= MOST_ORDER_SHARE
    if age >= 80:
        assert max(shares) == MOST_ORDER_SHARE
