"""Home-services table: providers, workers, pilot communities, each provider's day plan and
each elder's monthly quota use, in one table keyed (pk, sk):

    district#<district>  provider#<provider>   a provider serving the district
    provider#<provider>  worker#<worker>       a worker with skills and shift
    pilot                <community>           a pilot community (free minutes apply)
    plan#<provider>      <YYYY-MM-DD>          the provider's day: workers' order sequences
    quota#<elder>        <YYYY-MM>             free minutes used in the month

The plan carries a version; the dispatcher replaces it only if the version it read is still
there (orders.py), so two dispatches of the same day cannot overwrite each other.
Quota use changes only inside the transactions that place or cancel an order.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UnicodeSetAttribute

from careroute.adapters.dynamodb.columns import SharedKeys, location_columns
from careroute.adapters.dynamodb.errors import storage_errors
from careroute.adapters.dynamodb.tables import (
    TableModel,
    find_item,
    save_if,
    starting_with,
    write_all,
)
from careroute.domain.providers import Provider, ServiceMarket, ServiceWorker
from careroute.domain.vocabulary import GeoPoint, TimeWindow
from careroute.planning.provider_day import DayPlan
from careroute.planning.urgent_holds import UrgentHold

PILOT = "pilot"


class HomeServiceModel(TableModel, SharedKeys):
    district_id = UnicodeAttribute(null=True)
    provider_id = UnicodeAttribute(null=True)
    skills = UnicodeSetAttribute(null=True)
    lat = NumberAttribute(null=True)
    lng = NumberAttribute(null=True)
    shift_start = NumberAttribute(null=True)
    shift_end = NumberAttribute(null=True)
    lunch_start = NumberAttribute(null=True)
    lunch_end = NumberAttribute(null=True)
    version = NumberAttribute(null=True)
    routes = UnicodeAttribute(null=True)
    held = UnicodeAttribute(null=True)
    """On a plan: urgent visits held on workers' days (careroute.planning.urgent_holds), as JSON."""
    used_minutes = NumberAttribute(null=True)


def plan_key(provider_id: str, day: date) -> tuple[str, str]:
    return f"plan#{provider_id}", day.isoformat()


def quota_key(elder_id: str, month: str) -> tuple[str, str]:
    return f"quota#{elder_id}", month


def _provider_items(p: Provider) -> HomeServiceModel:
    return HomeServiceModel(
        f"district#{p.district_id}",
        f"provider#{p.provider_id}",
        district_id=p.district_id,
        provider_id=p.provider_id,
        skills=set(p.skills),
        **location_columns(p.base),
    )


def _worker_item(w: ServiceWorker) -> HomeServiceModel:
    return HomeServiceModel(
        f"provider#{w.provider_id}",
        f"worker#{w.worker_id}",
        provider_id=w.provider_id,
        skills=set(w.skills),
        shift_start=w.shift.start,
        shift_end=w.shift.end,
        lunch_start=w.lunch.start if w.lunch else None,
        lunch_end=w.lunch.end if w.lunch else None,
    )


def save_market(market: ServiceMarket) -> int:
    """Write providers, workers and pilots (idempotent: same keys, same items)."""
    items: list[HomeServiceModel] = [_provider_items(p) for p in market.providers]
    items += [_worker_item(w) for w in market.workers]
    items += [HomeServiceModel(PILOT, c) for c in sorted(market.pilots)]
    return write_all(HomeServiceModel, items, "save home-service providers")


def _provider(i: HomeServiceModel) -> Provider:
    return Provider(
        str(i.provider_id),
        str(i.district_id),
        GeoPoint(float(i.lat or 0), float(i.lng or 0)),
        frozenset(i.skills or ()),
    )


def _worker(provider_id: str, i: HomeServiceModel) -> ServiceWorker:
    lunch = None
    if i.lunch_start is not None:
        lunch = TimeWindow(int(i.lunch_start), int(i.lunch_end or 0))
    return ServiceWorker(
        i.sk.removeprefix("worker#"),
        provider_id,
        frozenset(i.skills or ()),
        TimeWindow(int(i.shift_start or 0), int(i.shift_end or 0)),
        lunch,
    )


def providers_of(district_id: str) -> list[Provider]:
    """The district's providers, in id order (the dispatcher tries them in this order)."""
    pk = f"district#{district_id}"
    items = starting_with(HomeServiceModel, pk, "provider#", "list providers")
    return [_provider(i) for i in items]


def workers_of(provider_id: str) -> list[ServiceWorker]:
    pk = f"provider#{provider_id}"
    items = starting_with(HomeServiceModel, pk, "worker#", "list workers")
    return [_worker(provider_id, i) for i in items]


def is_pilot(community_id: str) -> bool:
    with storage_errors("read a pilot community"):
        return HomeServiceModel.count(PILOT, HomeServiceModel.sk == community_id) > 0


def pilot_communities() -> list[str]:
    """The pilot communities' ids, in order."""
    with storage_errors("list pilot communities"):
        return [item.sk for item in HomeServiceModel.query(PILOT)]


def pilot_count() -> int:
    with storage_errors("count pilot communities"):
        return HomeServiceModel.count(PILOT)


def get_plan(provider_id: str, day: date) -> DayPlan:
    """The provider's stored day (consistent read: the dispatcher builds on it)."""
    key = plan_key(provider_id, day)
    item = find_item(HomeServiceModel, *key, action="read a day plan", consistent=True)
    if item is None:
        return DayPlan(provider_id, day, 0, {})
    raw = json.loads(item.routes or "{}")
    routes = {w: [(str(o), int(s)) for o, s in stops] for w, stops in raw.items()}
    held = tuple(UrgentHold.from_json(h) for h in json.loads(item.held or "[]"))
    return DayPlan(provider_id, day, int(item.version or 0), routes, held)


def plan_item(plan: DayPlan) -> HomeServiceModel:
    return HomeServiceModel(
        *plan_key(plan.provider_id, plan.day),
        version=plan.version,
        routes=json.dumps(plan.routes, separators=(",", ":")),
        held=json.dumps([h.as_json() for h in plan.held], separators=(",", ":"))
        if plan.held
        else None,
    )


def plan_condition(plan: DayPlan) -> Any:
    """`plan` (version n) may replace only the version n - 1 it was built on."""
    version = HomeServiceModel.version
    return version.does_not_exist() if plan.version == 1 else version == plan.version - 1


def replace_plan(plan: DayPlan) -> bool:
    """Store the provider's day `plan` over the version it was built on; False when another
    writer changed the day meanwhile (read again, redo the change)."""
    return save_if(plan_item(plan), plan_condition(plan), "save a day plan")


def used_minutes(elder_id: str, month: str) -> int:
    key = quota_key(elder_id, month)
    item = find_item(HomeServiceModel, *key, action="read quota use", consistent=True)
    return int(item.used_minutes or 0) if item else 0


def used_by(keys: Iterable[tuple[str, str]]) -> int:
    """Total minutes used over (elder id, month) pairs (for oversight)."""
    wanted = [quota_key(e, m) for e, m in set(keys)]
    total = 0
    with storage_errors("read quota use"):
        for i in range(0, len(wanted), 100):
            for item in HomeServiceModel.batch_get(wanted[i : i + 100]):
                total += int(item.used_minutes or 0)
    return total
