"""Inspections, pure parts: due logic, results and their tickets, the policy table, the
synthetic targets (counts, determinism) and the district day as a fleet problem."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from careroute_synthetic.inspections import generate_inspections

from careroute.domain import inspections
from careroute.domain.inspections import (
    CHECKLIST,
    INSTITUTION_SKILL,
    DueState,
    InspectionPolicy,
    InspectionResult,
    InspectionTarget,
    Inspector,
    ItemScore,
    Rectification,
    TargetKind,
    candidates,
    due_state,
    next_due,
    parse_inspection_policy,
    rectification_tickets,
    result_id,
)
from careroute.domain.policy import PolicyError, load_policy, parse_policy
from careroute.domain.tickets import Level, TicketSource
from careroute.domain.vocabulary import CHINA_TZ, GeoPoint, Registry, TimeWindow
from careroute.planning.inspections import inspection_problem, plan_documents
from careroute.routing import SolveLimits, solve_fleet, validate_fleet

ON = date(2026, 12, 2)  # a Wednesday
NEXT = date(2026, 12, 3)
POLICY = InspectionPolicy()
HERE = GeoPoint(41.79, 123.40)


def target(
    kind: TargetKind = TargetKind.HOME_CARE_BED, due: date | None = ON, **kw: object
) -> InspectionTarget:
    fields: dict[str, object] = {
        "target_id": f"T-{kind.value}-{due}",
        "kind": kind,
        "district_id": "D01",
        "street_id": "S001",
        "community_id": "C0001",
        "location": HERE,
        "window": TimeWindow.parse("09:00", "16:30"),
        "due_date": due,
    }
    return InspectionTarget(**(fields | kw))  # type: ignore[arg-type]


def result(
    kind: TargetKind, *, scores: int = 4, rectify: tuple[Rectification, ...] = ()
) -> InspectionResult:
    return InspectionResult(
        result_id="ir-1",
        target_id="T",
        kind=kind,
        inspector_id="X011",
        district_id="D01",
        inspected_at=datetime(2026, 12, 2, 10, 0, tzinfo=CHINA_TZ),
        scores=tuple(ItemScore(i, scores) for i in CHECKLIST[kind]),
        rectifications=rectify,
        due_date=ON,
    )


@pytest.mark.parametrize(
    ("due", "state"),
    [
        (ON - timedelta(days=1), DueState.OVERDUE),
        (ON, DueState.DUE),
        (ON + timedelta(days=14), DueState.UPCOMING),
        (ON + timedelta(days=15), DueState.NOT_DUE),
        (None, DueState.CLOSED),
    ],
)
def test_a_targets_due_state_follows_its_due_date(due: date | None, state: DueState) -> None:
    assert due_state(target(due=due), ON, POLICY) is state


def test_overdue_and_last_chance_targets_are_mandatory_and_penalties_grow_toward_the_due_date() -> (
    None
):
    friday = date(2026, 12, 4)
    monday = date(2026, 12, 7)
    due_sunday = target(due=date(2026, 12, 6))
    chosen = candidates(
        [
            target(due=friday - timedelta(days=3)),  # overdue
            due_sunday,  # no working day left before it
            target(due=friday + timedelta(days=10)),
            target(due=friday + timedelta(days=5)),
            target(due=friday + timedelta(days=30)),  # too far ahead
            target(due=friday + timedelta(days=1), available_from=friday + timedelta(days=1)),
        ],
        friday,
        monday,
        POLICY,
    )
    assert [c.penalty is None for c in chosen] == [True, True, False, False]
    assert chosen[1].target == due_sunday
    assert chosen[2].penalty is not None and chosen[3].penalty is not None
    assert chosen[2].penalty > chosen[3].penalty  # due sooner: dearer to drop


def test_cadences_advance_from_the_inspection_day_and_an_accepted_adaptation_is_done() -> None:
    day = date(2026, 12, 2)
    assert next_due(
        target(TargetKind.INSTITUTION), result(TargetKind.INSTITUTION), POLICY
    ) == day + timedelta(days=90)
    assert next_due(target(), result(TargetKind.HOME_CARE_BED), POLICY) == day + timedelta(days=180)
    assert next_due(target(TargetKind.ADAPTATION), result(TargetKind.ADAPTATION), POLICY) is None
    fix = Rectification("grab_bars", day + timedelta(days=20))
    failed = result(TargetKind.ADAPTATION, rectify=(fix,))
    assert not failed.passed
    assert next_due(target(TargetKind.ADAPTATION), failed, POLICY) == fix.deadline


def test_a_result_must_score_each_checklist_item_of_its_kind_once() -> None:
    with pytest.raises(ValueError, match="scores: need each of"):
        replace(result(TargetKind.HOME_CARE_BED), scores=(ItemScore("devices_online", 3),))
    with pytest.raises(ValueError, match=r"scores\.hygiene: must be 0\.\.5"):
        result(TargetKind.INSTITUTION, scores=6)
    with pytest.raises(ValueError, match=r"rectifications\[0\]\.deadline"):
        result(TargetKind.INSTITUTION, rectify=(Rectification("hygiene", date(2026, 12, 2)),))
    with pytest.raises(ValueError, match=r"rectifications\[0\]\.item"):
        result(TargetKind.INSTITUTION, rectify=(Rectification("roof", date(2026, 12, 9)),))


def test_each_rectification_item_becomes_one_street_level_ticket_due_at_its_deadline() -> None:
    items = (
        Rectification("hygiene", date(2026, 12, 9)),
        Rectification("records", date(2026, 12, 30)),
    )
    done = result(TargetKind.INSTITUTION, rectify=items)
    opened = rectification_tickets(target(TargetKind.INSTITUTION), done)
    assert [t.due_at.date() for t in opened] == [date(2026, 12, 9), date(2026, 12, 30)]
    assert {t.source for t in opened} == {TicketSource.INSPECTION}
    assert {t.level for t in opened} == {Level.STREET}
    assert len({t.ticket_id for t in opened}) == 2
    assert [t.ticket_id for t in rectification_tickets(target(TargetKind.INSTITUTION), done)] == [
        t.ticket_id for t in opened
    ]  # a retry opens the same ids


def test_result_ids_are_per_inspector_and_key() -> None:
    assert result_id("X011", "k1") == result_id("X011", "k1") != result_id("X012", "k1")


def test_the_inspections_policy_table_is_optional_and_checked() -> None:
    assert load_policy().inspections == InspectionPolicy()
    custom = parse_inspection_policy({"institution_days": 60, "speed_kmh": 30}, "p")
    assert custom.institution_days == 60 and custom.speed_kmh == 30.0
    with pytest.raises(ValueError, match=r"p: unknown keys \['beds'\]"):
        parse_inspection_policy({"beds": 1}, "p")
    with pytest.raises(ValueError, match="institution_days: expected int"):
        parse_inspection_policy({"institution_days": "90"}, "p")
    import tomllib

    from careroute.domain.policy import DEFAULT_POLICY_PATH

    raw = tomllib.loads(DEFAULT_POLICY_PATH.read_text("utf-8"))
    raw["inspections"]["home_care_bed_days"] = 0
    with pytest.raises(PolicyError, match="inspections"):
        parse_policy(raw)


CityWorld = tuple[Registry, inspections.InspectionWorld]


@pytest.fixture(scope="module")
def city_world(full_city: Registry) -> CityWorld:
    """The full city's communities (the same on any as-of date) and their inspections."""
    return full_city, generate_inspections(7, full_city.communities, as_of=ON)


def test_the_full_synthetic_city_has_realistic_target_counts(city_world: CityWorld) -> None:
    city, world = city_world
    assert 190 <= world.count(TargetKind.INSTITUTION) <= 215
    assert 4400 <= world.count(TargetKind.HOME_CARE_BED) <= 4600
    assert 2900 <= world.count(TargetKind.ADAPTATION) <= 3100
    per_district: dict[str, list[Inspector]] = {}
    for i in world.inspectors:
        per_district.setdefault(i.district_id, []).append(i)
    assert len(per_district) == 13
    assert all(2 <= len(v) <= 4 for v in per_district.values())
    assert all(any(INSTITUTION_SKILL in i.skills for i in v) for v in per_district.values())
    by_id = {c.community_id: c for c in city.communities}
    for t in world.targets:
        assert by_id[t.community_id].district_id == t.district_id
    on_time = [t for t in world.targets if t.due_date is not None and t.due_date >= ON]
    assert len(on_time) / len([t for t in world.targets if t.due_date]) > 0.97


def test_synthetic_targets_are_deterministic_and_a_district_is_its_part_of_the_city(
    city_world: CityWorld,
) -> None:
    city, world = city_world
    again = generate_inspections(7, city.communities, as_of=ON)
    assert again == world
    heping = [c for c in city.communities if c.district_id == "D01"]
    part = generate_inspections(7, heping, as_of=ON)
    assert part.targets == tuple(t for t in world.targets if t.district_id == "D01")
    assert generate_inspections(8, heping, as_of=ON).targets != part.targets


def test_a_district_day_becomes_a_fleet_problem_with_skills_windows_and_breaks(
    city_world: CityWorld,
) -> None:
    _city, world = city_world
    targets = [t for t in world.targets if t.district_id == "D06"]
    inspectors = [i for i in world.inspectors if i.district_id == "D06"]
    chosen = candidates(targets, ON, NEXT, POLICY)
    problem = inspection_problem(chosen, inspectors, POLICY, 1.3)
    assert len(problem.stops) == len(chosen) and len(problem.travel) == len(chosen) + 1
    institution = next(s for s in problem.stops if s.stop_id.startswith("INS"))
    assert institution.skills == {INSTITUTION_SKILL}
    assert institution.service_seconds == POLICY.institution_minutes * 60
    assert all(w.break_ == TimeWindow.parse("12:00", "13:00") for w in problem.workers)
    solved = solve_fleet(problem, SolveLimits(time_limit_ms=300), seed=0)
    assert validate_fleet(problem, solved) == []
    plan = plan_documents("D06", ON, "run-1", chosen, problem, solved)
    assert plan.summary["unassigned_mandatory"] == 0
    assert plan.summary["planned"] == sum(len(r["stops"]) for r in plan.routes) > 0
    for route in plan.routes:
        qualified = (
            INSTITUTION_SKILL
            in next(i for i in inspectors if i.inspector_id == route["inspector_id"]).skills
        )
        assert qualified or all(s["kind"] != "institution" for s in route["stops"])
