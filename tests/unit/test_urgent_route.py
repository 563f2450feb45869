"""An urgent visit goes into a responder's day: done stops stay, the rest is re-timed by the
router, and the result passes the validator; devices of the synthetic city."""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from careroute_synthetic.city import generate_city
from careroute_synthetic.devices import generate_devices

from careroute.domain.devices import REPORTS, DeviceKind
from careroute.domain.incidents import EventType
from careroute.domain.vocabulary import (
    Community,
    Elder,
    Registry,
    Steward,
    format_clock,
    parse_clock,
)
from careroute.planning.urgent_route import (
    Insertion,
    UrgentVisit,
    insert_urgent,
    on_route,
    seconds_of_day,
)
from careroute.service_layer.route_plan import plan_day
from tests.builders import free_after_visit
from tests.unit.urgent_day import DAY, POLICY, at


@pytest.fixture(scope="module")
def city() -> Registry:
    return generate_city(11, as_of=DAY, districts=["Heping"], scale=0.05)


@dataclass(frozen=True)
class StewardDay:
    """The first steward's planned day, their community, and its first elder."""

    document: dict[str, Any]
    community: Community
    steward: Steward
    elder: Elder


@pytest.fixture(scope="module")
def planned_day(city: Registry) -> StewardDay:
    """Planned once for the module (an OR-Tools solve); tests take a copy of the route."""
    steward = city.stewards[0]
    community = next(c for c in city.communities if c.community_id == steward.community_id)
    elders = [e for e in city.elders if e.community_id == community.community_id]
    planned = plan_day(community, steward, elders, DAY, POLICY)
    assert planned is not None and len(planned.document["stops"]) >= 4
    return StewardDay(planned.document, community, steward, elders[0])


@pytest.fixture
def day(planned_day: StewardDay) -> StewardDay:
    return replace(planned_day, document=copy.deepcopy(planned_day.document))


def call_out(day: StewardDay, visit: UrgentVisit, now: datetime) -> Insertion | None:
    """The steward's route for the day with the urgent `visit` inserted at `now`, or None."""
    return insert_urgent(day.document, day.community, day.steward, visit, now, POLICY)


def test_the_urgent_visit_is_inserted_on_time_and_the_morning_is_left_alone(
    day: StewardDay,
) -> None:
    document = day.document
    free = free_after_visit(document, "10:40")
    now = at(format_clock(free))
    visit = UrgentVisit("in-1", day.elder, now + timedelta(minutes=20), 30 * 60)
    inserted = call_out(day, visit, now)
    assert inserted is not None
    stops = inserted.document["stops"]
    done_before = [s for s in document["stops"] if parse_clock(s["service_start"]) <= free]
    assert stops[: len(done_before)] == done_before
    urgent = next(s for s in stops if s.get("incident_id") == "in-1")
    assert parse_clock(urgent["arrival"]) <= free + 20 * 60
    assert urgent["service_minutes"] == 30 and urgent["mandatory"]
    assert on_route(inserted.document, "in-1") and not on_route(document, "in-1")
    assert [s["sequence"] for s in stops] == list(range(1, len(stops) + 1))
    # every visit of the day is still planned or listed as bumped by the incident
    before = {s["elder_id"] for s in document["stops"]}
    after = {s["elder_id"] for s in stops if not s.get("incident_id")} | {
        u["elder_id"] for u in inserted.document["unassigned"] if u.get("bumped_by") == "in-1"
    }
    assert before == after
    assert set(inserted.dropped) == {
        u["elder_id"] for u in inserted.document["unassigned"] if u.get("bumped_by")
    }
    for s in stops:  # times move forward along the route
        assert parse_clock(s["service_start"]) <= parse_clock(s["service_end"])


def test_an_emergency_at_lunch_takes_the_break(day: StewardDay) -> None:
    now = at("12:10")
    visit = UrgentVisit("in-2", day.elder, now + timedelta(minutes=15), 20 * 60)
    inserted = call_out(day, visit, now)
    assert inserted is not None
    assert inserted.eta <= parse_clock("12:25")


def test_no_insertion_after_the_shift_and_a_fresh_route_when_nothing_was_planned(
    day: StewardDay,
) -> None:
    community, steward = day.community, day.steward
    late = at("17:30")
    visit = UrgentVisit("in-3", day.elder, late + timedelta(minutes=20), 30 * 60)
    assert insert_urgent(None, community, steward, visit, late, POLICY) is None
    now = at("09:00")
    fresh = insert_urgent(
        None, community, steward, replace(visit, due_at=now + timedelta(minutes=20)), now, POLICY
    )
    assert fresh is not None and [s["incident_id"] for s in fresh.document["stops"]] == ["in-3"]
    assert fresh.document["steward_id"] == steward.steward_id


def test_devices_are_deterministic_and_each_kind_reports_only_its_events(city: Registry) -> None:
    first = generate_devices(city, seed=7, installed_on=DAY)
    assert first == generate_devices(city, seed=7, installed_on=DAY)
    kinds = {d.kind for d in first}
    assert {DeviceKind.CALL_CENTRE, DeviceKind.SMOKE_ALARM, DeviceKind.ONE_KEY_TERMINAL} <= kinds
    assert len([d for d in first if d.kind is DeviceKind.CALL_CENTRE]) == len(city.communities)
    assert len({d.device_id for d in first}) == len(first)
    smoke = next(d for d in first if d.kind is DeviceKind.SMOKE_ALARM)
    assert smoke.reports(EventType.SMOKE_ALARM) and not smoke.reports(EventType.FALL_DETECTED)
    assert REPORTS[DeviceKind.CALL_CENTRE] == frozenset(EventType)


def test_a_deadline_out_of_reach_is_refused_unless_a_late_arrival_is_allowed(
    city: Registry, day: StewardDay
) -> None:
    document, community, steward = day.document, day.community, day.steward
    elder = max(
        (e for e in city.elders if e.community_id == community.community_id),
        key=lambda e: (
            abs(e.location.lat - community.location.lat)
            + abs(e.location.lng - community.location.lng)
        ),
    )
    now = at(format_clock(free_after_visit(document, "10:40")))
    tight = UrgentVisit("in-4", elder, now + timedelta(seconds=30), 30 * 60)
    assert insert_urgent(document, community, steward, tight, now, POLICY) is None
    late = insert_urgent(
        document, community, steward, replace(tight, late_seconds=15 * 60), now, POLICY
    )
    assert late is not None
    now_s = parse_clock(format_clock(seconds_of_day(now)))
    assert now_s < late.eta <= now_s + 15 * 60 + 60
