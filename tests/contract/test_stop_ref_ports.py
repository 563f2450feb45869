"""One contract, two adapters: a route keeps its stops' references as it is stored or replaced,
and a visit recorded from a reference is stored only while the reference is on the steward's
route of the visit's day and the elder is as it says (memory and DynamoDB alike)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import Any

from careroute.domain.vocabulary import CHINA_TZ, Category, Elder, Registry, Tier, VisitRecord
from careroute.planning.stop_elder import ELDER_FACTS, stop_elder_facts
from careroute.planning.stop_ref import route_stop_refs, stop_ref
from tests.builders import a_visit_to
from tests.conftest import PLAN_DATE
from tests.contract.conftest import Backend

MORNING = datetime.combine(PLAN_DATE, time(10), CHINA_TZ)


def a_stop(elder: Elder, cover: bool = False) -> dict[str, Any]:
    return {
        "elder_id": elder.elder_id,
        "community_id": elder.community_id,
        "lat": elder.location.lat,
        "lng": elder.location.lng,
        "window": {"start": "08:00", "end": "17:00"},
        "cover": cover,
        "tier": "T2",
        ELDER_FACTS: stop_elder_facts(elder),
    }


def a_route(city: Registry, elders: list[Elder]) -> dict[str, Any]:
    steward = city.stewards[0]
    return {
        "steward_id": steward.steward_id,
        "community_id": steward.community_id,
        "date": PLAN_DATE.isoformat(),
        "stops": [a_stop(e) for e in elders] + [{"elder_id": "E-urgent", "cover": False}],
    }


def home_elders(city: Registry, count: int) -> list[Elder]:
    home = city.stewards[0].community_id
    elders = [e for e in city.elders if e.community_id == home][:count]
    assert len(elders) == count
    return elders


def a_record(city: Registry, elder: Elder, visit_id: str) -> VisitRecord:
    steward = city.stewards[0].steward_id
    return a_visit_to(elder, visit_id, MORNING, steward_id=steward, tier=Tier.T2)


def test_a_route_keeps_its_stops_references_when_stored_and_when_replaced(
    backend: Backend, small_city: Registry
) -> None:
    routes = backend.holding(small_city).routes
    stop_refs = routes.stop_refs  # type: ignore[attr-defined]
    steward = small_city.stewards[0].steward_id
    first = a_route(small_city, home_elders(small_city, 3))
    routes.save_route(first)
    refs = [stop_ref(s, first["community_id"]) for s in first["stops"][:3]]
    assert None not in refs and len(set(refs)) == 3
    assert stop_refs(steward, PLAN_DATE) == route_stop_refs(first) == set(refs)

    second = {**first, "stops": first["stops"][1:]}
    assert routes.replace_route(second, routes.find_route(steward, PLAN_DATE))
    assert stop_refs(steward, PLAN_DATE) == set(refs[1:])
    routes.save_route({**first, "stops": []})
    assert stop_refs(steward, PLAN_DATE) == frozenset()
    assert stop_refs(steward, PLAN_DATE + timedelta(days=1)) == frozenset()


def test_a_visit_on_a_stops_reference_is_stored_once_and_only_while_the_route_has_it(
    backend: Backend, small_city: Registry
) -> None:
    backend.holding(small_city)
    visits, routes = backend.visits, backend.routes
    kept, dropped = home_elders(small_city, 2)
    route = a_route(small_city, [kept, dropped])
    routes.save_route(route)
    ref_kept, ref_dropped = (stop_ref(s, route["community_id"]) for s in route["stops"][:2])
    assert ref_kept is not None and ref_dropped is not None
    routes.save_route({**route, "stops": route["stops"][:1]})  # re-planned without `dropped`

    record = a_record(small_city, kept, "a" * 32)
    assert visits.save_visit_on_route(record, "h1", kept, ref_kept) == (record, True)
    assert visits.save_visit_on_route(record, "h1", kept, ref_kept) == (record, False)

    stale = a_record(small_city, dropped, "b" * 32)
    assert visits.save_visit_on_route(stale, "h2", dropped, ref_dropped) is None
    forged = ref_kept[:-2] + ("AA" if not ref_kept.endswith("AA") else "BB")
    assert (
        visits.save_visit_on_route(a_record(small_city, kept, "c" * 32), "h3", kept, forged) is None
    )
    other_steward = replace(a_record(small_city, kept, "d" * 32), steward_id="W-other")
    assert visits.save_visit_on_route(other_steward, "h4", kept, ref_kept) is None
    changed = replace(kept, categories=kept.categories ^ {Category.LIVING_ALONE})
    assert (
        visits.save_visit_on_route(a_record(small_city, changed, "e" * 32), "h5", changed, ref_kept)
        is None
    )
    assert [v.visit_id for v in visits.all_visits()] == [record.visit_id]
