"""The service-hour ledger: hours per elder, provider, programme and month from completed
orders (free-hour quota or self-paid) and served bed visits, never from anything else; the
totals an official reads and the CSV they export; another scope's official is refused."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any, cast

import pytest

from careroute.adapters import memory, memory_beds
from careroute.domain.access import Caller, Role
from careroute.domain.bed_visits import BedVisit, BedVisitOutcome
from careroute.domain.errors import ForbiddenError, ValidationError
from careroute.domain.orders import Order, OrderStatus, Payment, ServiceType
from careroute.domain.service_hours import Programme, ledger, ledger_csv, totals
from careroute.domain.vocabulary import CHINA_TZ, GeoPoint, TimeWindow
from careroute.service_layer.service_hours import HourKeeping, ledger_rows, ledger_summary
from tests.builders import BASE, a_community

NOV_10 = datetime(2026, 11, 10, 9, 0, tzinfo=CHINA_TZ)


def an_order(oid: str, elder: str, service: ServiceType, day: date, **changes: Any) -> Order:
    order = Order(
        order_id=oid, elder_id=elder, community_id="C1", street_id="S1", district_id="D1",
        service=service, service_date=day, window=TimeWindow.parse("08:00", "18:00"),
        location=GeoPoint(41.8, 123.4), placed_at=NOV_10 - timedelta(days=3), placed_by="fam",
        payment=Payment.FREE, status=OrderStatus.COMPLETED, provider_id="P1", worker_id="K1",
    )  # fmt: skip
    return replace(order, **changes)


def a_bed_visit(vid: str, elder: str, day: date, outcome: BedVisitOutcome) -> BedVisit:
    at = datetime.combine(day, datetime.min.time(), CHINA_TZ) + timedelta(hours=10)
    minutes = 60 if outcome is BedVisitOutcome.SERVED else 0
    return BedVisit(vid, f"B-{elder}", elder, "P2", "K5", "C1", "S1", "D1", at, outcome,
                    minutes, at)  # fmt: skip


ORDERS = [
    an_order("o1", "E1", ServiceType.CLEANING, date(2026, 11, 10)),  # 90 free
    an_order("o2", "E1", ServiceType.BATHING, date(2026, 11, 12)),  # 60 free
    an_order("o3", "E1", ServiceType.ESCORT, date(2026, 11, 13), payment=Payment.SELF_PAID),
    an_order("o4", "E2", ServiceType.CLEANING, date(2026, 11, 14), status=OrderStatus.CANCELLED),
    an_order("o5", "E2", ServiceType.CLEANING, date(2026, 12, 1)),  # next month
]
VISITS = [
    a_bed_visit("v1", "E2", date(2026, 11, 3), BedVisitOutcome.SERVED),
    a_bed_visit("v2", "E2", date(2026, 11, 17), BedVisitOutcome.SERVED),
    a_bed_visit("v3", "E2", date(2026, 11, 24), BedVisitOutcome.NOT_HOME),
    a_bed_visit("v4", "E2", date(2026, 10, 30), BedVisitOutcome.SERVED),
]


def test_the_ledger_counts_completed_orders_by_programme_and_served_bed_visits_only() -> None:
    rows = ledger("2026-11", ORDERS, VISITS)
    assert [(r.elder_id, r.provider_id, r.programme, r.services, r.minutes) for r in rows] == [
        ("E1", "P1", Programme.FREE_HOURS, 2, 150),
        ("E1", "P1", Programme.SELF_PAID, 1, 180),
        ("E2", "P2", Programme.HOME_CARE_BED, 2, 120),
    ]
    sums = totals(rows)
    assert (sums.minutes, sums.services, sums.elders) == (450, 5, 2)
    assert sums.by_programme == {"free_hours": 2.5, "self_paid": 3.0, "home_care_bed": 2.0}
    assert sums.by_provider == {"P1": 5.5, "P2": 2.0}


def test_the_csv_export_has_one_line_per_row_with_ids_and_hours() -> None:
    text = ledger_csv(ledger("2026-11", ORDERS, VISITS))
    lines = list(csv.DictReader(io.StringIO(text)))
    assert [(r["elder_id"], r["programme"], r["minutes"], r["hours"]) for r in lines] == [
        ("E1", "free_hours", "150", "2.50"),
        ("E1", "self_paid", "180", "3.00"),
        ("E2", "home_care_bed", "120", "2.00"),
    ]


class FakeOrders:
    """Only what the ledger reads: a district's orders placed in a span."""

    def __init__(self, orders: list[Order]) -> None:
        self.orders = orders

    def of_district(self, district_id: str, since: datetime, until: datetime) -> Iterator[Order]:
        return iter(
            o for o in self.orders if o.district_id == district_id and since <= o.placed_at < until
        )


@pytest.fixture
def ports() -> HourKeeping:
    communities = memory.MemoryCommunities()
    communities.save_communities([a_community(location=BASE)])
    visits = memory_beds.MemoryBedVisits()
    for visit in VISITS:
        visits.add_visit(visit, "")
    orders = cast(Any, FakeOrders(ORDERS))
    return HourKeeping(orders, visits, communities, memory.MemoryScopes(communities))


def test_an_official_reads_the_scopes_hours_and_another_scope_is_refused(
    ports: HourKeeping,
) -> None:
    official = Caller("street-sub", Role.STREET_OFFICIAL, "S1")
    summary = ledger_summary(official, "street:S1", "2026-11", ports)
    assert (summary["hours"], summary["services"], summary["elders"], summary["rows"]) == (
        7.5, 5, 2, 3,
    )  # fmt: skip
    assert len(ledger_rows(official, "community:C1", "2026-11", ports)) == 3
    with pytest.raises(ForbiddenError):
        ledger_summary(Caller("x", Role.STREET_OFFICIAL, "S9"), "street:S1", "2026-11", ports)
    with pytest.raises(ValidationError, match="month"):
        ledger_summary(official, "street:S1", "2026-00", ports)
