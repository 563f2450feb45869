"""A stop's reference carries what a visit record takes from the stop and nothing personal
beyond ids and the elder's facts; an outcome sent with it, before the container keeps the
route, is recorded without reading the route, the steward or the elder, and is the same
record as one sent without. A reference that is not on the route as stored (re-planned,
forged, another elder's) changes nothing: the outcome is recorded as without it."""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from typing import Any

import pytest

from careroute.adapters.memory import MemoryElders
from careroute.adapters.memory_visits import MemoryVisits, what_a_visit_takes
from careroute.domain.vocabulary import VisitRecord
from careroute.planning.stop_elder import elder_on_stop
from careroute.planning.stop_ref import PREFIX, ref_stop, route_stop_refs, stop_ref
from careroute.service_layer import container_cache
from careroute.service_layer.visits import VisitRecording, record_visit
from tests.unit import test_route_elders
from tests.unit.test_route_elders import (
    FORTNIGHTLY,
    NOW,
    OFF_ROUTE,
    POLICY,
    STEWARD,
    WEEKLY,
    CountedElders,
    CountedRoutes,
    CountedStewards,
    outcome,
)

planned_route = test_route_elders.route
"""The fixture: a planned day of two stops (the weekly and the fortnightly elder)."""
PERSONAL = ("name", "address", "phone", "guardian", "guardian_phone", "lat", "lng")


def recording(route_document: dict[str, Any]) -> VisitRecording:
    """Fresh ports holding the three elders, the steward and the route, counting reads."""
    stored = MemoryElders()
    stored.save_elders([WEEKLY, FORTNIGHTLY, OFF_ROUTE])
    routes = CountedRoutes()
    ports = VisitRecording(
        CountedStewards(), CountedElders(stored), routes, MemoryVisits(stored, routes)
    )
    ports.stewards.save_stewards([STEWARD])
    routes.save_route(route_document)
    routes.reads = 0
    return ports


def reads(ports: VisitRecording) -> tuple[int, int, int]:
    """(route reads, steward reads, elder reads) the use case made."""
    assert isinstance(ports.routes, CountedRoutes)
    assert isinstance(ports.stewards, CountedStewards)
    assert isinstance(ports.elders, CountedElders)
    return ports.routes.reads, ports.stewards.reads, sum(ports.elders.reads.values())


def refs_by_elder(route_document: dict[str, Any]) -> dict[str, str]:
    refs = {
        s["elder_id"]: stop_ref(s, route_document["community_id"]) for s in route_document["stops"]
    }
    assert None not in refs.values() and len(refs) == 2
    return {elder_id: ref for elder_id, ref in refs.items() if ref is not None}


def test_a_reference_gives_back_what_a_visit_takes_from_its_stop_and_no_name_or_place(
    planned_route: dict[str, Any],
) -> None:
    route = planned_route
    for stop in route["stops"]:
        ref = stop_ref(stop, route["community_id"])
        assert ref is not None and ref.startswith(PREFIX)
        given = ref_stop(ref)
        planned = elder_on_stop(stop)
        assert given is not None and planned is not None
        assert (given.home, given.cover) == (route["community_id"], stop["cover"])
        assert what_a_visit_takes(given.elder) == what_a_visit_takes(planned)
        text = base64.urlsafe_b64decode(ref[len(PREFIX) :] + "==").decode()
        for field in PERSONAL:
            if stop.get(field) not in (None, ""):
                assert str(stop[field]) not in text, field
    assert route_stop_refs(route) == set(refs_by_elder(route).values())
    assert stop_ref({"elder_id": "E9", "community_id": "C1"}, "C1") is None  # no facts


@pytest.mark.parametrize(
    "ref",
    [
        "",
        "r1.",
        "r2." + base64.urlsafe_b64encode(b"[]").decode(),
        "r1.not base64!",
        "r1." + base64.urlsafe_b64encode(b'{"a": 1}').decode(),
        "r1." + base64.urlsafe_b64encode(json.dumps([1, 2, 3]).encode()).decode(),
        "r1."
        + base64.urlsafe_b64encode(
            json.dumps(["C1", "C1", 7, False, "S1", "D1", "1940-01-01", [], None]).encode()
        ).decode(),
        "r1."
        + base64.urlsafe_b64encode(
            json.dumps(["C1", "C1", "E1", False, "S1", "D1", "soon", [], None]).encode()
        ).decode(),
        "r1." + "A" * 600,
    ],
)
def test_what_is_not_a_reference_gives_no_stop(ref: str) -> None:
    assert ref_stop(ref) is None


def test_a_first_outcome_with_its_reference_reads_nothing_and_is_the_record_sent_without(
    planned_route: dict[str, Any],
) -> None:
    route = planned_route
    refs = refs_by_elder(route)
    with_refs = recording(route)
    by_ref: list[VisitRecord] = []
    for n, elder in enumerate((WEEKLY, FORTNIGHTLY)):
        stored, created = record_visit(
            outcome(elder, 60 - n), f"key-{n}-0001", NOW, POLICY, with_refs, refs[elder.elder_id]
        )
        assert created
        by_ref.append(stored)
    assert reads(with_refs) == (0, 0, 0)
    replayed = record_visit(outcome(WEEKLY, 60), "key-0-0001", NOW, POLICY, with_refs, refs["E1"])
    assert replayed == (by_ref[0], False)

    container_cache.forget_all()
    without = recording(route)
    sent_without = [
        record_visit(outcome(elder, 60 - n), f"key-{n}-0001", NOW, POLICY, without)[0]
        for n, elder in enumerate((WEEKLY, FORTNIGHTLY))
    ]
    assert reads(without) == (1, 0, 0)
    assert by_ref == sent_without
    assert sorted(v.visit_id for v in with_refs.visits.all_visits()) == sorted(
        v.visit_id for v in sent_without
    )


def test_a_reference_not_on_the_route_as_stored_is_recorded_as_without_it(
    planned_route: dict[str, Any],
) -> None:
    ports, route = recording(planned_route), planned_route
    refs = refs_by_elder(route)
    # The day re-planned without the weekly elder: its reference is stale.
    ports.routes.save_route(
        {**route, "stops": [s for s in route["stops"] if s["elder_id"] != "E1"]}
    )
    stale, _ = record_visit(outcome(WEEKLY), "key-stale-01", NOW, POLICY, ports, refs["E1"])
    assert reads(ports)[0] == 1  # fell back: the route read, then the elder (not on it now)
    forged_tier = replace(FORTNIGHTLY, urgent_until=NOW.date())
    forged = stop_ref(
        {
            **next(s for s in route["stops"] if s["elder_id"] == "E2"),
            "elder_facts": {
                **next(s for s in route["stops"] if s["elder_id"] == "E2")["elder_facts"],
                "urgent_until": NOW.date().isoformat(),
            },
        },
        route["community_id"],
    )
    assert forged is not None and forged != refs["E2"]
    recorded, _ = record_visit(outcome(FORTNIGHTLY), "key-forged-1", NOW, POLICY, ports, forged)
    assert recorded.tier == POLICY.tier_of(FORTNIGHTLY, NOW.date())
    assert recorded.tier != POLICY.tier_of(forged_tier, NOW.date())
    other, _ = record_visit(outcome(OFF_ROUTE), "key-other-01", NOW, POLICY, ports, refs["E2"])
    assert other.elder_id == OFF_ROUTE.elder_id  # another elder's reference: as without it

    container_cache.forget_all()
    without = recording({**route, "stops": [s for s in route["stops"] if s["elder_id"] != "E1"]})
    assert record_visit(outcome(WEEKLY), "key-stale-01", NOW, POLICY, without)[0] == stale
