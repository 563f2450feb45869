"""A community's day as the solver stores it, in one BatchWriteItem: the steward's route and
the community's day marks (a Put or a Delete each), the items `routes.save_route` and
`overflow_marks.mark_overflow` write. The port is `DayWriting`
(service_layer/ports/plan_writes.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

from careroute.adapters.dynamodb.batch_requests import until_processed
from careroute.adapters.dynamodb.coverage import CoverageModel
from careroute.adapters.dynamodb.errors import storage_errors
from careroute.adapters.dynamodb.overflow_marks import mark_item
from careroute.adapters.dynamodb.routes import RouteModel, route_item
from careroute.adapters.dynamodb.tables import SDK_ERRORS, client_of, typed_key
from careroute.service_layer.ports.plan_writes import DayMarks, Route


def store_day(community_id: str, day: date, marks: DayMarks, route: Route | None) -> None:
    requests: dict[str, list[dict[str, Any]]] = {}
    for kind, on in marks.items():
        item = mark_item(day, community_id, kind)
        mark = {"PutRequest": {"Item": item.serialize()}} if on else _delete(item)
        requests.setdefault(CoverageModel.Meta.table_name, []).append(mark)
    if route is not None:
        put = {"PutRequest": {"Item": route_item(route).serialize()}}
        requests.setdefault(RouteModel.Meta.table_name, []).append(put)
    if not requests:
        return
    action = "store a community's day"
    send = client_of(RouteModel).batch_write_item
    with storage_errors(action, caught=SDK_ERRORS):
        for _ in until_processed(
            lambda r: send(RequestItems=r), requests, "UnprocessedItems", action
        ):
            pass


def _delete(item: CoverageModel) -> dict[str, Any]:
    key = {CoverageModel.pk.attr_name: item.pk, CoverageModel.sk.attr_name: item.sk}
    return {"DeleteRequest": {"Key": typed_key(key)}}
