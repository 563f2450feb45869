"""A community's day as the solver stores it at once (`DayWriting`), memory against DynamoDB:
the route stored or replaced, the day marks set and cleared as the separate writes do, a
mark never set cleared without a trace; and on DynamoDB the stored items are the items the
separate writes store, expiry included."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from careroute.adapters.dynamodb import day_writes, overflow_marks, routes
from careroute.adapters.dynamodb.coverage import CoverageModel
from careroute.adapters.dynamodb.routes import RouteModel
from careroute.adapters.dynamodb.tables import client_of
from careroute.adapters.memory_day_writes import MemoryDayWrites
from careroute.domain import clock
from careroute.domain.clock import SimulatedClock
from careroute.service_layer.ports.plan_writes import DayWriting
from careroute.service_layer.ports.visits import DayMark
from careroute_local.pump import EventPump
from tests.conftest import PLAN_DATE
from tests.contract.conftest import Backend, dynamodb_backend
from tests.contract.test_day_reads_ports import route


def writer(backend: Backend) -> DayWriting:
    return backend.either(
        lambda: MemoryDayWrites(backend.routes, backend.overflow), lambda: day_writes
    )


def test_a_day_stores_the_route_and_sets_and_clears_the_communitys_marks(
    backend: Backend,
) -> None:
    writes, marks = writer(backend), backend.overflow
    first = route("W0001", "C0001", PLAN_DATE, "first")
    writes.store_day("C0001", PLAN_DATE, {DayMark.OVERFLOW: True, DayMark.PINNED: False}, first)
    writes.store_day("C0002", PLAN_DATE, {DayMark.OVERFLOW: True, DayMark.PINNED: True}, None)
    assert backend.routes.find_route("W0001", PLAN_DATE) == first
    assert backend.routes.find_route("W0001", PLAN_DATE - timedelta(days=1)) is None
    assert marks.overflowing_on(PLAN_DATE) == {"C0001", "C0002"}
    assert marks.overflowing_on(PLAN_DATE, DayMark.PINNED) == {"C0002"}

    again = route("W0001", "C0001", PLAN_DATE, "again")  # a re-plan of the day replaces the route
    writes.store_day("C0001", PLAN_DATE, {DayMark.OVERFLOW: False, DayMark.PINNED: True}, again)
    writes.store_day("C0002", PLAN_DATE, {DayMark.PINNED: False}, None)  # only the kinds given
    assert backend.routes.find_route("W0001", PLAN_DATE) == again
    assert marks.overflowing_on(PLAN_DATE) == {"C0002"}
    assert marks.overflowing_on(PLAN_DATE, DayMark.PINNED) == {"C0001"}
    assert marks.overflowing_on(PLAN_DATE + timedelta(days=1)) == set()
    writes.store_day("C0003", PLAN_DATE, {}, None)  # nothing to write
    assert backend.routes.find_route("W0003", PLAN_DATE) is None


def _stored(steward_id: str, community_ids: list[str]) -> list[dict[str, Any] | None]:
    """The route's item and each community's two mark items as DynamoDB holds them."""
    client = client_of(RouteModel)
    keys = [(RouteModel, {"steward_id": {"S": steward_id}, "plan_date": {"S": str(PLAN_DATE)}})]
    for community_id in community_ids:
        for kind in DayMark:
            pk = f"{kind.value}#{PLAN_DATE.isoformat()}"
            keys.append((CoverageModel, {"pk": {"S": pk}, "sk": {"S": community_id}}))
    return [
        client.get_item(TableName=model.Meta.table_name, Key=key).get("Item") for model, key in keys
    ]


def test_on_dynamodb_the_items_are_those_of_the_separate_writes(session_pump: EventPump) -> None:
    document = route("W0001", "C0001", PLAN_DATE, "one")
    on = {DayMark.OVERFLOW: True, DayMark.PINNED: False}
    noon = datetime.combine(PLAN_DATE - timedelta(days=1), time(12), UTC)
    with clock.use(SimulatedClock(noon)):  # the marks' expiry: the same on both
        dynamodb_backend(session_pump)
        routes.save_route(document)
        for kind, set_it in on.items():
            overflow_marks.mark_overflow(PLAN_DATE, "C0001", set_it, kind)
        separate = _stored("W0001", ["C0001"])
        dynamodb_backend(session_pump)
        day_writes.store_day("C0001", PLAN_DATE, on, document)
        at_once = _stored("W0001", ["C0001"])
    assert at_once == separate
    assert separate[0] is not None and separate[1] is not None and separate[2] is None
