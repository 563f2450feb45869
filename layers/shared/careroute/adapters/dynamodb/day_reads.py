"""A community's day as the solver reads it, in one BatchGetItem: the community, the steward
and its routes of the day before and of the plan date (consistently: a re-plan stores its
route only over the one it read). The port is `DayReading` (service_layer/ports/plan_reads.py)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from careroute.adapters.dynamodb.batch_requests import until_processed
from careroute.adapters.dynamodb.errors import storage_errors
from careroute.adapters.dynamodb.raw_items import ItemView
from careroute.adapters.dynamodb.registry import (
    COMMUNITY_COLUMNS,
    STEWARD_COLUMNS,
    CommunityModel,
    StewardModel,
)
from careroute.adapters.dynamodb.routes import RouteModel, document_of, route_key
from careroute.adapters.dynamodb.tables import SDK_ERRORS, client_of, typed_key
from careroute.domain.errors import NotFoundError
from careroute.service_layer.ports.plan_reads import DayReads


def day_reads(community_id: str, steward_id: str, plan_date: date) -> DayReads:
    communities, routes = CommunityModel.Meta.table_name, RouteModel.Meta.table_name
    stewards = StewardModel.Meta.table_name
    yesterday, today = plan_date - timedelta(days=1), plan_date
    request: dict[str, Any] = {
        communities: {"Keys": [typed_key({CommunityModel.community_id.attr_name: community_id})]},
        stewards: {"Keys": [typed_key({StewardModel.steward_id.attr_name: steward_id})]},
        routes: {
            "Keys": [typed_key(route_key(steward_id, day)) for day in (yesterday, today)],
            "ConsistentRead": True,
        },
    }
    found: dict[str, list[dict[str, Any]]] = {communities: [], stewards: [], routes: []}
    action = "read a community's day"
    send = client_of(RouteModel).batch_get_item
    with storage_errors(action, caught=SDK_ERRORS):
        for answer in until_processed(
            lambda r: send(RequestItems=r), request, "UnprocessedKeys", action
        ):
            for table, items in answer["Responses"].items():
                found[table].extend(items)
    if not found[communities]:
        raise NotFoundError(f"community {community_id} not found")
    by_date = {item[RouteModel.plan_date.attr_name]["S"]: item for item in found[routes]}
    steward = found[stewards][0] if found[stewards] else None
    return DayReads(
        COMMUNITY_COLUMNS.read(ItemView(CommunityModel, found[communities][0])),
        None if steward is None else STEWARD_COLUMNS.read(ItemView(StewardModel, steward)),
        _document(by_date.get(yesterday.isoformat())),
        _document(by_date.get(today.isoformat())),
    )


def _document(item: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if item is None else document_of(item)
