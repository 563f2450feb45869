"""Urgent responders on the memory adapters: who is on shift near the elder (stewards of
the home and nearest communities, the district's service workers), putting the visit on a
responder's day only over the day read, finding it there and taking it off again."""

from __future__ import annotations

from datetime import timedelta

import pytest

from careroute.adapters import memory
from careroute.domain.incidents import Incident, IncidentStatus, ResponderOption
from careroute.domain.providers import Provider, ServiceMarket, ServiceWorker
from careroute.domain.vocabulary import (
    GeoPoint,
)
from careroute.planning.urgent_holds import urgent_stop_id
from careroute.service_layer.container_cache import ContainerCache
from careroute.service_layer.responders import (
    Responding,
    RoutePlan,
    placed_stop,
    plan_visit,
    responder_options,
    take_off,
)
from tests.builders import an_elder, an_incident
from tests.unit.urgent_day import DAY, POLICY, TEN, a_community, a_steward, memory_responding

ELDER = an_elder()  # E1 of C1 (district D1), at 41.8, 123.4


class Ticking:
    """A monotonic clock a test moves on."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self) -> float:
        return self.seconds


@pytest.fixture
def clock() -> Ticking:
    return Ticking()


@pytest.fixture
def ports(clock: Ticking) -> Responding:
    """Home community C1 with steward W1, a neighbour C2 (W2, on leave on DAY) and C3 (W3),
    and provider P1 of district D1 with worker K1."""
    communities, stewards = memory.MemoryCommunities(), memory.MemoryStewards()
    responding = memory_responding(communities, stewards, ContainerCache(60, monotonic=clock))
    responding.communities.save_communities(
        [a_community("C1", 41.8), a_community("C2", 41.805), a_community("C3", 41.81)]
    )
    responding.stewards.save_stewards(
        [a_steward("W1", "C1"), a_steward("W2", "C2", frozenset({DAY})), a_steward("W3", "C3")]
    )
    responding.providers.save_market(
        ServiceMarket(
            providers=(Provider("P1", "D1", GeoPoint(41.79, 123.4), frozenset({"cleaning"})),),
            workers=(ServiceWorker("K1", "P1", frozenset({"cleaning"})),),
            pilots=frozenset(),
        )
    )
    return responding


def incident_for(responder: ResponderOption) -> Incident:
    """A fall of the elder, due in 45 minutes, chosen for `responder` (not yet on their day)."""
    return an_incident(
        "in-1",
        TEN,
        responder.steward_id,
        status=IncidentStatus.DISPATCHING,
        dispatched_at=None,
        arrive_due_at=TEN + timedelta(minutes=45),
        responder_community_id=responder.community_id,
        responder_provider_id=responder.provider_id,
    )


def may_respond(ports: Responding) -> dict[str, ResponderOption]:
    """The responders who may answer for ELDER at TEN, by id."""
    return {o.steward_id: o for o in responder_options(ELDER, TEN, POLICY, ports)}


def test_the_home_steward_neighbours_on_shift_and_the_district_workers_may_respond(
    ports: Responding,
) -> None:
    options = may_respond(ports)
    assert sorted(options) == ["K1", "W1", "W3"]  # W2 is on leave
    assert (options["W1"].own, options["W3"].own) == (True, False)
    assert (options["K1"].provider_id, options["K1"].is_worker) == ("P1", True)
    assert responder_options(ELDER, TEN.replace(hour=20), POLICY, ports) == []


def test_on_a_public_holiday_only_the_workers_are_on_shift(
    ports: Responding, clock: Ticking
) -> None:
    ports.holidays.save_holidays({DAY: "节日"}, "bureau")
    clock.seconds += 61  # the directory is read again after a container minute
    assert sorted(may_respond(ports)) == ["K1"]


def test_the_directory_is_kept_for_a_container_minute(ports: Responding, clock: Ticking) -> None:
    assert "W1" in may_respond(ports)
    ports.stewards.save_stewards([a_steward("W1", "C1", frozenset({DAY}))])
    clock.seconds += 30
    assert "W1" in may_respond(ports)
    clock.seconds += 31
    assert "W1" not in may_respond(ports)


def planned_for(responder_id: str, ports: Responding) -> tuple[Incident, RoutePlan]:
    """The elder's fall chosen for the responder, and their visit planned over the day read."""
    responder = may_respond(ports)[responder_id]
    incident = incident_for(responder)
    plan = plan_visit(responder, incident, ELDER, TEN, POLICY, ports)
    assert plan is not None and plan.responder_id == responder_id
    return incident, plan


def assert_found_then_taken_off(
    incident: Incident, plan: RoutePlan, started: bool, ports: Responding
) -> None:
    """The visit is found at its planned arrival (`started` or not at TEN), then taken off."""
    placed = placed_stop(incident, TEN, ports)
    assert placed is not None and (placed.arrival, placed.started) == (plan.eta, started)
    assert take_off(incident, TEN, ports) is True
    assert placed_stop(incident, TEN, ports) is None


def test_a_worker_visit_is_stored_on_the_provider_day_found_there_and_taken_off(
    ports: Responding,
) -> None:
    incident, plan = planned_for("K1", ports)
    stale = planned_for("K1", ports)[1]
    assert plan.store() is True
    assert stale.store() is False  # built on the day before the first
    day = ports.plans.get_plan("P1", DAY)
    assert (day.version, day.start_of(urgent_stop_id("in-1"))) == (1, plan.eta)
    [hold] = day.held
    assert (hold.incident_id, hold.worker_id) == ("in-1", "K1")
    assert_found_then_taken_off(incident, plan, False, ports)
    assert ports.plans.get_plan("P1", DAY).held == ()
    assert take_off(incident, TEN, ports) is True  # nothing left to take off


def test_a_steward_visit_is_stored_on_their_route_found_there_and_taken_off(
    ports: Responding,
) -> None:
    incident, plan = planned_for("W1", ports)
    assert plan.store() is True
    route = ports.routes.find_route("W1", DAY)
    assert route is not None
    assert [s["incident_id"] for s in route["stops"] if s.get("incident_id")] == ["in-1"]
    assert_found_then_taken_off(incident, plan, True, ports)  # arrives at ten: begun
