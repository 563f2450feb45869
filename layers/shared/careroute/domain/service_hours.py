"""The service-hour ledger: hours delivered per elder, provider, programme and month, so "hours
of home service provided" is a figure the system states and an official exports.

Pure: no AWS. The ledger is recomputed from the raw records every time (never kept as a
counter): completed home-service orders (free ones under the monthly free-minute quota,
self-paid ones) by their service date, each with its service's minutes (an imported order:
the minutes served), and served home care bed visits by their day. Each row is one (elder,
provider, programme) of the month with its minutes and services.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from careroute.domain.bed_visits import BedVisit, BedVisitOutcome
from careroute.domain.orders import Order, OrderStatus, Payment


class Programme(StrEnum):
    FREE_HOURS = "free_hours"
    """Home-service orders charged to the elder's free minutes (the pilot's free hours)."""
    SELF_PAID = "self_paid"
    """Home-service orders the elder paid for."""
    HOME_CARE_BED = "home_care_bed"
    """Regular service visits at a home care bed (家庭养老床位)."""


@dataclass(frozen=True)
class LedgerRow:
    month: str
    elder_id: str
    provider_id: str
    programme: Programme
    community_id: str
    street_id: str
    district_id: str
    minutes: int
    services: int

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 2)


COLUMNS = (
    "month",
    "district_id",
    "street_id",
    "community_id",
    "elder_id",
    "provider_id",
    "programme",
    "services",
    "minutes",
    "hours",
)


def _in_month(day: date, month: str) -> bool:
    return f"{day:%Y-%m}" == month


def ledger(month: str, orders: Iterable[Order], visits: Iterable[BedVisit]) -> list[LedgerRow]:
    """The month's rows, sorted by district, community, elder, provider and programme."""
    sums: dict[tuple[str, str, Programme], list[int]] = {}
    places: dict[str, tuple[str, str, str]] = {}
    for order in orders:
        if order.status is not OrderStatus.COMPLETED or not _in_month(order.service_date, month):
            continue
        free = order.payment is Payment.FREE
        programme = Programme.FREE_HOURS if free else Programme.SELF_PAID
        key = (order.elder_id, order.provider_id, programme)
        total = sums.setdefault(key, [0, 0])
        total[0] += order.delivered_minutes
        total[1] += 1
        places[order.elder_id] = (order.community_id, order.street_id, order.district_id)
    for visit in visits:
        if visit.outcome is not BedVisitOutcome.SERVED or visit.month != month:
            continue
        key = (visit.elder_id, visit.provider_id, Programme.HOME_CARE_BED)
        total = sums.setdefault(key, [0, 0])
        total[0] += visit.minutes
        total[1] += 1
        places[visit.elder_id] = (visit.community_id, visit.street_id, visit.district_id)
    rows = [
        LedgerRow(month, elder, provider, programme, *places[elder], minutes, services)
        for (elder, provider, programme), (minutes, services) in sums.items()
    ]
    rows.sort(key=lambda r: (r.district_id, r.community_id, r.elder_id, r.provider_id, r.programme))
    return rows


@dataclass(frozen=True)
class LedgerTotals:
    minutes: int
    services: int
    elders: int
    by_programme: dict[str, float]
    """Hours per programme."""
    by_provider: dict[str, float]
    """Hours per provider."""


def totals(rows: Iterable[LedgerRow]) -> LedgerTotals:
    rows = list(rows)
    programme: dict[str, int] = {p.value: 0 for p in Programme}
    provider: dict[str, int] = {}
    for row in rows:
        programme[row.programme.value] += row.minutes
        provider[row.provider_id] = provider.get(row.provider_id, 0) + row.minutes
    return LedgerTotals(
        minutes=sum(r.minutes for r in rows),
        services=sum(r.services for r in rows),
        elders=len({r.elder_id for r in rows}),
        by_programme={k: round(v / 60, 1) for k, v in programme.items()},
        by_provider={k: round(v / 60, 1) for k, v in sorted(provider.items())},
    )


def ledger_csv(rows: Iterable[LedgerRow]) -> str:
    """The rows as CSV (UTF-8 text, a header line, ids only: no names or addresses)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow(
            (r.month, r.district_id, r.street_id, r.community_id, r.elder_id, r.provider_id,
             r.programme.value, r.services, r.minutes, f"{r.hours:.2f}")
        )  # fmt: skip
    return out.getvalue()
