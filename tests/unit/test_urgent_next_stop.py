"""An urgent visit is the responder's next stop, whatever its deadline leaves room for: the
routine visits give way. So a more severe event minutes later (a fall after a no-movement
alarm) still finds the responder on the way, free to make the tighter deadline."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from careroute_synthetic.city import generate_city

from careroute.domain.vocabulary import CHINA_TZ, Community, Elder, Steward, parse_clock
from careroute.planning.travel import HaversineTravel
from careroute.planning.urgent_route import (
    NEXT_STOP_SLACK_SECONDS,
    UrgentVisit,
    insert_urgent,
    without_urgent,
)
from careroute.service_layer.route_plan import plan_day
from tests.builders import free_after_visit
from tests.unit.urgent_day import DAY, POLICY

NO_MOVEMENT_MINUTES, FALL_MINUTES, ON_SITE_MINUTES = 45, 20, 30


def at(seconds: int) -> datetime:
    return datetime.combine(DAY, datetime.min.time(), CHINA_TZ) + timedelta(seconds=seconds)


def days() -> list[tuple[dict[str, Any], Community, Steward, list[Elder]]]:
    """Each steward's planned day in a small Heping, with the community and its elders."""
    city = generate_city(11, as_of=DAY, districts=["Heping"], scale=0.05)
    found = []
    for steward in city.stewards:
        community = next(c for c in city.communities if c.community_id == steward.community_id)
        elders = [e for e in city.elders if e.community_id == community.community_id]
        planned = plan_day(community, steward, elders, DAY, POLICY)
        assert planned is not None
        found.append((planned.document, community, steward, elders))
    return found


@pytest.fixture(scope="module")
def planned_days() -> list[tuple[dict[str, Any], Community, Steward, list[Elder]]]:
    return days()


@pytest.mark.parametrize("by", ["09:30", "10:40", "14:30"])
def test_the_urgent_visit_comes_before_any_routine_visit_not_yet_begun(
    planned_days: list[tuple[dict[str, Any], Community, Steward, list[Elder]]], by: str
) -> None:
    for document, community, steward, elders in planned_days:
        free = free_after_visit(document, by)
        elder = elders[len(elders) // 2]
        alarm = UrgentVisit(
            "in-alarm",
            elder,
            at(free) + timedelta(minutes=NO_MOVEMENT_MINUTES),
            ON_SITE_MINUTES * 60,
        )
        inserted = insert_urgent(document, community, steward, alarm, at(free), POLICY)
        assert inserted is not None
        stops = inserted.document["stops"]
        begun = [s for s in stops if parse_clock(s["service_start"]) <= free]
        assert stops[len(begun)].get("incident_id") == "in-alarm", steward.steward_id
        busy_until = max([free] + [parse_clock(s["service_end"]) for s in begun])
        travel = HaversineTravel(POLICY.speed_kmh[steward.mode], POLICY.circuity)
        straight_there = busy_until + travel.seconds(community.location, elder.location)
        assert inserted.eta <= straight_there + NEXT_STOP_SLACK_SECONDS

        fall_at = busy_until + 2 * 60  # a fall as the responder sets off: due in 20 minutes
        fall = UrgentVisit(
            "in-alarm", elder, at(fall_at) + timedelta(minutes=FALL_MINUTES), ON_SITE_MINUTES * 60
        )
        base = without_urgent(inserted.document, "in-alarm")
        tightened = insert_urgent(base, community, steward, fall, at(fall_at), POLICY)
        assert tightened is not None, steward.steward_id
        assert tightened.eta <= fall_at + FALL_MINUTES * 60
