"""The day-care centres' month totals, memory against DynamoDB: kept with each booking (a
full day or a retried booking adds nothing), each cancel (the places and the booking given
back) and each import (recounted from every stored booking), they equal the totals counted
from the centre's bookings, month by month, a stay over a month's end counted in both."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from careroute.adapters.dynamodb.day_care import DynamoDayCare
from careroute.adapters.memory_day_care import MemoryDayCare
from careroute.domain.day_care import BookingStatus, CareKind, DayCareBooking
from careroute.domain.vocabulary import CHINA_TZ
from careroute.service_layer.ports.day_care import Booked, CentreTotals, DayCareBookings
from tests.contract.conftest import Backend

DECEMBER, JANUARY = date(2026, 12, 1), date(2027, 1, 1)
AT = datetime(2026, 11, 28, 9, 0, tzinfo=CHINA_TZ)
CENTRES = ["F0001", "F0002", "F0003"]


@pytest.fixture
def care(backend: Backend) -> DayCareBookings:
    """The day-care bookings of the same backend (the DynamoDB one is reset with it)."""
    return backend.either(MemoryDayCare, DynamoDayCare)


def a_stay(n: int, centre: str, kind: CareKind, first: date, days: int = 1) -> DayCareBooking:
    return DayCareBooking(f"dc-{n}", centre, f"E{n % 3}", "C0001", "S001", "D01", kind, first,
                          first + timedelta(days=days - 1), "steward", AT)  # fmt: skip


def counted(care: DayCareBookings, first: date) -> dict[str, CentreTotals]:
    """The full computation: each centre's totals from its stored bookings of the month."""
    last = (first + timedelta(days=31)).replace(day=1) - timedelta(days=1)
    found = {c: care.bookings_of(c, first, last) for c in CENTRES}
    return {c: CentreTotals.of(c, mine, first) for c, mine in found.items() if mine}


def test_the_month_totals_kept_with_bookings_cancels_and_imports_are_the_counted_ones(
    care: DayCareBookings,
) -> None:
    assert care.month_totals(CENTRES, DECEMBER) == {}
    over_new_year = a_stay(1, "F0001", CareKind.RESPITE, date(2026, 12, 30), 4)
    stays = [over_new_year, a_stay(2, "F0001", CareKind.DAY_CARE, date(2026, 12, 8)),
             a_stay(3, "F0001", CareKind.DAY_CARE, date(2026, 12, 8)),
             a_stay(4, "F0002", CareKind.DAY_CARE, date(2026, 12, 1))]  # fmt: skip
    assert [care.book(s, 2, f"h{n}") for n, s in enumerate(stays)] == [Booked.BOOKED] * 4
    assert care.book(stays[0], 2, "h0") is Booked.DUPLICATE
    full = a_stay(5, "F0001", CareKind.DAY_CARE, date(2026, 12, 8))
    assert care.book(full, 2, "h5") is Booked.FULL
    assert care.month_totals(CENTRES, DECEMBER) == {
        "F0001": CentreTotals("F0001", 2, 2, frozenset({("E1", "dc-1"), ("E2", "dc-2"),
                                                        ("E0", "dc-3")})),
        "F0002": CentreTotals("F0002", 1, 0, frozenset({("E1", "dc-4")})),
    }  # fmt: skip
    assert care.month_totals(CENTRES, JANUARY) == {
        "F0001": CentreTotals("F0001", 0, 2, frozenset({("E1", "dc-1")}))
    }

    assert care.cancel(stays[2], replace(stays[2], status=BookingStatus.CANCELLED))
    assert not care.cancel(stays[2], replace(stays[2], status=BookingStatus.CANCELLED))
    moved = replace(
        stays[3], centre_id="F0002", first_day=date(2027, 1, 5), last_day=date(2027, 1, 5)
    )
    assert care.import_bookings([moved, a_stay(6, "F0003", CareKind.RESPITE, DECEMBER, 2)]) == 2
    for first in (DECEMBER, JANUARY):
        kept = {c: t for c, t in care.month_totals(CENTRES, first).items() if t.held}
        assert kept == counted(care, first), first
    assert care.month_totals(["F0001"], DECEMBER)["F0001"] == CentreTotals(
        "F0001", 1, 2, frozenset({("E1", "dc-1"), ("E2", "dc-2")})
    )
    assert care.month_totals(["F0002"], JANUARY)["F0002"].held == frozenset({("E1", "dc-4")})
