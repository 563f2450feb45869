"""A stop's reference (`planning.stop_ref`): made from the route's stop (ids and the tier,
none for a cover stop), and an outcome sent with it, in a container that has not kept the
route, recorded without reading the route, the steward or the elder; one that does not hold
is recorded as without it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from careroute.adapters.memory import MemoryElders
from careroute.adapters.memory_visits import MemoryVisits
from careroute.domain.vocabulary import Tier
from careroute.planning.stop_elder import ELDER_FACTS
from careroute.planning.stop_ref import StopClaim, stop_claim, stop_ref
from careroute.service_layer.route_elders import drop_route
from careroute.service_layer.visits import VisitRecording, record_visit
from tests.unit.test_due import STEWARD
from tests.unit.test_route_elders import (
    FORTNIGHTLY,
    NOW,
    OFF_ROUTE,
    POLICY,
    TUESDAY,
    WEEKLY,
    CountedElders,
    CountedRoutes,
    CountedStewards,
    outcome,
)
from tests.unit.test_route_elders import route as route


@pytest.fixture
def ports(route: dict[str, Any]) -> VisitRecording:
    stored = MemoryElders()
    stored.save_elders([WEEKLY, FORTNIGHTLY, OFF_ROUTE])
    stewards = CountedStewards()
    stewards.save_stewards([STEWARD])
    visits = MemoryVisits(stored, stewards)
    recording = VisitRecording(stewards, CountedElders(stored), CountedRoutes(), visits)
    recording.routes.save_route(route)
    drop_route(STEWARD.steward_id, TUESDAY)  # a container that has not seen it
    return recording


def ref_of(route: dict[str, Any], elder_id: str) -> str:
    ref = stop_ref(next(s for s in route["stops"] if s["elder_id"] == elder_id))
    assert ref is not None
    return ref


def test_a_stops_reference_is_its_ids_and_tier_and_a_cover_stop_has_none(
    route: dict[str, Any],
) -> None:
    stop = next(s for s in route["stops"] if s["elder_id"] == FORTNIGHTLY.elder_id)
    ref = ref_of(route, FORTNIGHTLY.elder_id)
    assert stop_claim(ref) == StopClaim(
        FORTNIGHTLY.community_id, FORTNIGHTLY.street_id, FORTNIGHTLY.district_id, Tier.T2
    )
    assert stop_ref({**stop, "cover": True}) is None
    assert stop_ref({k: v for k, v in stop.items() if k != ELDER_FACTS}) is None
    for forged in ("", "C.S.D.T4", "C.S.T2", "C.S.D.T2.x", "C/1.S.D.T2", f"{ref}\n"):
        assert stop_claim(forged) is None


def test_an_outcome_with_its_reference_reads_nothing_and_is_stored_as_without(
    ports: VisitRecording, route: dict[str, Any]
) -> None:
    ref = ref_of(route, FORTNIGHTLY.elder_id)
    by_ref, created = record_visit(outcome(FORTNIGHTLY), "key-ref-1", NOW, POLICY, ports, ref)
    assert created and by_ref.tier is Tier.T2
    assert isinstance(ports.routes, CountedRoutes) and ports.routes.reads == 0
    assert isinstance(ports.elders, CountedElders) and sum(ports.elders.reads.values()) == 0
    drop_route(STEWARD.steward_id, TUESDAY)
    by_route, _ = record_visit(outcome(FORTNIGHTLY), "key-ref-2", NOW, POLICY, ports)
    assert ports.routes.reads == 1
    assert replace(by_ref, visit_id=by_route.visit_id) == by_route
    replayed = record_visit(outcome(FORTNIGHTLY), "key-ref-1", NOW, POLICY, ports)
    assert replayed == (by_ref, False)


def test_a_kept_route_is_used_and_the_reference_left_alone(
    ports: VisitRecording, route: dict[str, Any]
) -> None:
    record_visit(outcome(WEEKLY), "key-kept-1", NOW, POLICY, ports)  # reads and keeps it
    forged = ref_of(route, FORTNIGHTLY.elder_id).replace(".T2", ".T3")
    record, _ = record_visit(outcome(FORTNIGHTLY), "key-kept-2", NOW, POLICY, ports, forged)
    assert record.tier is Tier.T2
    assert isinstance(ports.routes, CountedRoutes) and ports.routes.reads == 1


@pytest.mark.parametrize(
    "change",
    [
        lambda ref: ref.replace(".T2", ".T3"),  # another tier
        lambda ref: ref.replace(FORTNIGHTLY.street_id, "S-ELSEWHERE"),
        lambda ref: ref.replace(FORTNIGHTLY.community_id, "C-ELSEWHERE"),
        lambda ref: "not a reference",
    ],
)
def test_a_reference_that_does_not_hold_is_recorded_as_without(
    ports: VisitRecording, route: dict[str, Any], change: Any
) -> None:
    ref = change(ref_of(route, FORTNIGHTLY.elder_id))
    record, created = record_visit(outcome(FORTNIGHTLY), "key-bad-1", NOW, POLICY, ports, ref)
    assert created and record.tier is Tier.T2
    assert record.street_id == FORTNIGHTLY.street_id
    assert isinstance(ports.routes, CountedRoutes) and ports.routes.reads == 1
    assert len(list(ports.visits.all_visits())) == 1


def test_a_steward_moved_since_the_plan_is_recorded_by_the_route(
    ports: VisitRecording, route: dict[str, Any]
) -> None:
    """The reference names the route's community, which the steward no longer serves: the
    write refuses it, and the route's path records the elder as planned (as without it)."""
    ports.stewards.save_stewards([replace(STEWARD, community_id="C-ELSEWHERE")])
    ref = ref_of(route, WEEKLY.elder_id)
    record, created = record_visit(outcome(WEEKLY), "key-moved-1", NOW, POLICY, ports, ref)
    assert created and record.community_id == WEEKLY.community_id and record.tier is Tier.T1
    assert isinstance(ports.routes, CountedRoutes) and ports.routes.reads == 1
