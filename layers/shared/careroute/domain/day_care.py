"""Day care and respite (日间照料, 短期托养): places at a community day-care centre, booked for
an elder by the family or by the steward on a visit.

Pure: no AWS. A centre offers each day `day_places` day-care places and `respite_places`
respite beds (policy `[day_care]`). A day-care booking holds one place on one day; a respite
stay holds a bed on every day from its first to its last. The storage takes a booking only if
every day it holds still has a place (all or nothing), so a centre is never over-booked; a
cancelled booking gives its places back. A booking's id is derived from the caller and
their Idempotency-Key, so a retried POST books nothing twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from careroute.domain.policy_tables import check_ranges, setting
from careroute.domain.stable_ids import stable_id


class CareKind(StrEnum):
    DAY_CARE = "day_care"
    """日间照料: a place for the day."""
    RESPITE = "respite"
    """短期托养: a bed for a short stay, night and day."""


class BookingStatus(StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class DayCarePolicy:
    """Places per centre and the booking limits (policy `[day_care]`)."""

    day_places: int = setting(30, low=0)
    respite_places: int = setting(4, low=0)
    days_ahead: int = setting(30, 0, 90)
    """A booking starts at most this many days ahead."""
    max_respite_days: int = setting(30, 1, 90)

    def __post_init__(self) -> None:
        check_ranges(self)

    def places(self, kind: CareKind) -> int:
        return self.day_places if kind is CareKind.DAY_CARE else self.respite_places


@dataclass(frozen=True)
class DayCareBooking:
    booking_id: str
    centre_id: str
    elder_id: str
    community_id: str
    street_id: str
    district_id: str
    kind: CareKind
    first_day: date
    last_day: date
    booked_by: str
    booked_at: datetime
    status: BookingStatus = BookingStatus.BOOKED

    def __post_init__(self) -> None:
        if self.booked_at.tzinfo is None:
            raise ValueError("booked_at must carry a time zone")
        if self.last_day < self.first_day:
            raise ValueError("last_day: must not be before first_day")
        if self.kind is CareKind.DAY_CARE and self.last_day != self.first_day:
            raise ValueError("last_day: a day-care booking is for one day (book each day)")

    @property
    def days(self) -> list[date]:
        count = (self.last_day - self.first_day).days + 1
        return [self.first_day + timedelta(days=n) for n in range(count)]


def booking_id(subject: str, idempotency_key: str) -> str:
    """The id of the booking a caller makes with an Idempotency-Key (same key, same id)."""
    return stable_id("dc-", f"day-care\n{subject}\n{idempotency_key}")


def stay_problems(
    kind: CareKind, first: date, last: date, today: date, policy: DayCarePolicy
) -> list[str]:
    """Every way the requested days break the rules, each naming the field."""
    problems = []
    if first < today:
        problems.append(f"first_day: {first} is in the past")
    if first > today + timedelta(days=policy.days_ahead):
        problems.append(f"first_day: at most {policy.days_ahead} days ahead")
    if last < first:
        problems.append("last_day: must not be before first_day")
    elif kind is CareKind.DAY_CARE and last != first:
        problems.append("last_day: a day-care booking is for one day (book each day)")
    elif (last - first).days + 1 > policy.max_respite_days:
        problems.append(f"last_day: a respite stay lasts at most {policy.max_respite_days} days")
    if policy.places(kind) == 0:
        problems.append(f"kind: the policy offers no {kind.value} places")
    return problems


@dataclass(frozen=True)
class CentreMonth:
    """One centre's month: place-days offered and booked, per kind."""

    centre_id: str
    district_id: str
    day_places_offered: int
    day_places_booked: int
    respite_nights_offered: int
    respite_nights_booked: int
    bookings: int
    elders: int

    @property
    def day_occupancy(self) -> float:
        offered = self.day_places_offered
        return round(self.day_places_booked / offered, 4) if offered else 0.0


def centre_month(
    centre_id: str,
    district_id: str,
    bookings: Iterable[DayCareBooking],
    first: date,
    last: date,
    policy: DayCarePolicy,
) -> CentreMonth:
    """The centre's month recomputed from its bookings (cancelled ones hold nothing)."""
    days = (last - first).days + 1
    held = [b for b in bookings if b.status is BookingStatus.BOOKED and b.centre_id == centre_id]
    booked = {kind: 0 for kind in CareKind}
    counted: list[DayCareBooking] = []
    for b in held:
        inside = [d for d in b.days if first <= d <= last]
        booked[b.kind] += len(inside)
        if inside:
            counted.append(b)
    return CentreMonth(
        centre_id=centre_id,
        district_id=district_id,
        day_places_offered=policy.day_places * days,
        day_places_booked=booked[CareKind.DAY_CARE],
        respite_nights_offered=policy.respite_places * days,
        respite_nights_booked=booked[CareKind.RESPITE],
        bookings=len(counted),
        elders=len({b.elder_id for b in counted}),
    )
