"""The service-hour ledger an official reads or exports: a scope's month of hours delivered per
elder, provider and programme, recomputed from the completed orders and the served bed
visits (domain/service_hours.py). Officials read their own scope and those inside it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from careroute.domain.access import Caller
from careroute.domain.service_hours import LedgerRow, ledger, totals
from careroute.domain.vocabulary import CHINA_TZ
from careroute.service_layer.month_param import month_days
from careroute.service_layer.ports import CommunityRepository, OrderRepository, ScopeDirectory
from careroute.service_layer.ports.beds import BedVisitRepository
from careroute.service_layer.scope_access import districts_in, readable_scope

ORDER_LEAD_DAYS = 31
"""An order is placed at most this many days before its service date (orders.py)."""


@dataclass(frozen=True)
class HourKeeping:
    """The ports the ledger reads."""

    orders: OrderRepository
    visits: BedVisitRepository
    communities: CommunityRepository
    scopes: ScopeDirectory


def ledger_rows(who: Caller, scope: str, month: str, ports: HourKeeping) -> list[LedgerRow]:
    """The scope's ledger rows of the month (the caller must be able to read the scope)."""
    where = readable_scope(who, scope, ports.scopes)
    first, last = month_days(month)
    since = datetime.combine(first - timedelta(days=ORDER_LEAD_DAYS), datetime.min.time(), CHINA_TZ)
    until = datetime.combine(last + timedelta(days=1), datetime.min.time(), CHINA_TZ)
    orders, visits = [], []
    for district_id in districts_in(where, ports.communities):
        orders += [o for o in ports.orders.of_district(district_id, since, until) if where.holds(o)]
        visits += [v for v in ports.visits.visits_of_district(district_id, first, last)
                   if where.holds(v)]  # fmt: skip
    return ledger(month, orders, visits)


def ledger_summary(who: Caller, scope: str, month: str, ports: HourKeeping) -> dict[str, Any]:
    """The month's hours in a scope: totals, hours per programme and per provider."""
    rows = ledger_rows(who, scope, month, ports)
    sums = totals(rows)
    return {
        "scope": str(readable_scope(who, scope, ports.scopes)),
        "month": month,
        "hours": round(sums.minutes / 60, 1),
        "services": sums.services,
        "elders": sums.elders,
        "hours_by_programme": sums.by_programme,
        "hours_by_provider": sums.by_provider,
        "rows": len(rows),
    }
