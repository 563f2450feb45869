"""Day care and respite over the API: the family or the steward (on a visit) books a day-care
place or a respite stay at a day-care centre of the elder's district, the booker cancels it
before it starts, anyone signed in reads a centre's free places, officials read each centre's
month of place-days offered and booked.

Bad input is refused naming the field and nothing is written; a day with no place left is a
conflict naming it (nothing is booked, not even the days that had room); a retried POST
(same caller and Idempotency-Key) answers with what the first one stored.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from careroute.domain.access import Caller, Role
from careroute.domain.coverage import ScopeKind
from careroute.domain.day_care import (
    BookingStatus,
    CareKind,
    CentreMonth,
    DayCareBooking,
    DayCarePolicy,
    booking_id,
    stay_problems,
)
from careroute.domain.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from careroute.domain.scope_ids import elder_scope_ids
from careroute.domain.vocabulary import china_date
from careroute.planning.service_circle import Facility, FacilityKind
from careroute.service_layer.month_param import month_days
from careroute.service_layer.ordering_for import orderable_elder
from careroute.service_layer.ports import (
    ElderRepository,
    FacilityRepository,
    ScopeDirectory,
    StewardRepository,
)
from careroute.service_layer.ports.day_care import Booked, CentreTotals, DayCareBookings
from careroute.service_layer.replays import Replayable, stored_before
from careroute.service_layer.scope_access import readable_scope
from careroute.service_layer.views import json_fields

LONGEST_READ_DAYS = 62
"""A centre's places are read for at most this many days at once."""


@dataclass(frozen=True)
class DayCareKeeping:
    """The ports the day-care use cases read and write."""

    bookings: DayCareBookings
    facilities: FacilityRepository
    elders: ElderRepository
    stewards: StewardRepository
    scopes: ScopeDirectory


@dataclass(frozen=True)
class PlaceRequest(Replayable):
    """A validated POST /day-care/bookings body."""

    elder_id: str
    community_id: str
    centre_id: str
    kind: CareKind
    first_day: date
    last_day: date


def booking_view(b: DayCareBooking) -> dict[str, Any]:
    return json_fields(
        b,
        "booking_id",
        "centre_id",
        "elder_id",
        "community_id",
        "kind",
        "first_day",
        "last_day",
        "status",
    )


def centre_of(centre_id: str, facilities: FacilityRepository) -> Facility:
    for facility in facilities.all_facilities():
        if facility.facility_id == centre_id and facility.kind is FacilityKind.DAY_CARE:
            return facility
    raise NotFoundError(f"no day-care centre {centre_id}")


def book_place(
    who: Caller,
    request: PlaceRequest,
    key: str,
    now: datetime,
    policy: DayCarePolicy,
    ports: DayCareKeeping,
) -> tuple[DayCareBooking, bool]:
    """Book the place (or stay) once per (caller, key); True when booked now."""
    bid = booking_id(who.subject, key)
    stored = stored_before(
        lambda: ports.bookings.get_booking(request.centre_id, bid), request.fingerprint(), "booking"
    )
    if stored is not None:
        return stored, False
    problems = stay_problems(
        request.kind, request.first_day, request.last_day, china_date(now), policy
    )
    if problems:
        raise ValidationError("; ".join(problems))
    elder = orderable_elder(
        who, request.community_id, request.elder_id, ports.elders, ports.stewards, "book"
    )
    centre = centre_of(request.centre_id, ports.facilities)
    if centre.district_id != elder.district_id:
        raise ValidationError(f"centre_id: {centre.facility_id} is not in the elder's district")
    booking = DayCareBooking(
        booking_id=bid,
        centre_id=centre.facility_id,
        **elder_scope_ids(elder),
        kind=request.kind,
        first_day=request.first_day,
        last_day=request.last_day,
        booked_by=who.subject,
        booked_at=now,
    )
    outcome = ports.bookings.book(booking, policy.places(request.kind), request.fingerprint())
    if outcome is Booked.FULL:
        full = _full_days(centre.facility_id, booking, policy, ports.bookings)
        raise ConflictError(f"no {request.kind.value} place left on {', '.join(full)}")
    if outcome is Booked.DUPLICATE:
        return book_place(who, request, key, now, policy, ports)
    return booking, True


def _full_days(
    centre_id: str, booking: DayCareBooking, policy: DayCarePolicy, bookings: DayCareBookings
) -> list[str]:
    booked = bookings.booked_places(centre_id, booking.first_day, booking.last_day)
    places = policy.places(booking.kind)
    full = [d.isoformat() for d in booking.days if booked.get((d, booking.kind), 0) >= places]
    return full or ["a day it holds"]


def cancel_place(
    who: Caller, centre_id: str, bid: str, now: datetime, ports: DayCareKeeping
) -> DayCareBooking:
    """The booker (or the city admin) cancels a booking before its first day; its places
    are free again."""
    booking, _ = ports.bookings.get_booking(centre_id, bid)
    if who.role is not Role.CITY_ADMIN and who.subject != booking.booked_by:
        raise ForbiddenError("only whoever booked it may cancel a booking")
    if booking.status is BookingStatus.CANCELLED:
        return booking
    if china_date(now) >= booking.first_day:
        raise ConflictError("a booking can be cancelled only before its first day")
    cancelled = replace(booking, status=BookingStatus.CANCELLED)
    if not ports.bookings.cancel(booking, cancelled):
        raise ConflictError(f"booking {bid} changed meanwhile; read it and try again")
    return cancelled


def centre_places(
    centre_id: str, first: date, last: date, policy: DayCarePolicy, ports: DayCareKeeping
) -> dict[str, Any]:
    """Each day's places and free places of both kinds at the centre (no personal data)."""
    if last < first or (last - first).days >= LONGEST_READ_DAYS:
        raise ValidationError(f"last: from first, at most {LONGEST_READ_DAYS} days")
    centre = centre_of(centre_id, ports.facilities)
    booked = ports.bookings.booked_places(centre.facility_id, first, last)
    days = []
    for n in range((last - first).days + 1):
        day = first + timedelta(days=n)
        row: dict[str, Any] = {"date": day.isoformat()}
        for kind in CareKind:
            taken = booked.get((day, kind), 0)
            row[kind.value] = {"places": policy.places(kind), "booked": taken,
                               "free": max(0, policy.places(kind) - taken)}  # fmt: skip
        days.append(row)
    return {"centre_id": centre.facility_id, "district_id": centre.district_id, "days": days}


def day_care_figures(
    who: Caller, scope: str, month: str, policy: DayCarePolicy, ports: DayCareKeeping
) -> dict[str, Any]:
    """The month's day care and respite per centre of a district (or the city): place-days
    offered and booked, occupancy, bookings and elders, from each centre's month totals kept
    with every booking and cancel (one batch read, not a query per centre)."""
    where = readable_scope(who, scope, ports.scopes)
    if where.kind not in (ScopeKind.DISTRICT, ScopeKind.CITY):
        raise ValidationError("scope: day care is reported per district or for the city")
    first, last = month_days(month)
    centres = [
        f for f in ports.facilities.all_facilities()
        if f.kind is FacilityKind.DAY_CARE
        and (where.kind is ScopeKind.CITY or f.district_id == where.scope_id)
    ]  # fmt: skip
    days = (last - first).days + 1
    totals = ports.bookings.month_totals((c.facility_id for c in centres), first)
    rows = [
        _month_row(c.facility_id, c.district_id, totals.get(c.facility_id), days, policy)
        for c in sorted(centres, key=lambda c: c.facility_id)
    ]
    offered = sum(r.day_places_offered for r in rows)
    booked = sum(r.day_places_booked for r in rows)
    return {
        "scope": str(where),
        "month": month,
        "centres": len(rows),
        "day_places_offered": offered,
        "day_places_booked": booked,
        "day_occupancy": round(booked / offered, 4) if offered else 0.0,
        "respite_nights_offered": sum(r.respite_nights_offered for r in rows),
        "respite_nights_booked": sum(r.respite_nights_booked for r in rows),
        "bookings": sum(r.bookings for r in rows),
        "by_centre": [r.__dict__ | {"day_occupancy": r.day_occupancy} for r in rows if r.bookings],
    }


def _month_row(
    centre_id: str, district_id: str, totals: CentreTotals | None, days: int, policy: DayCarePolicy
) -> CentreMonth:
    """The centre's month from its kept totals (none: nothing booked that month)."""
    held = totals.held if totals else frozenset()
    return CentreMonth(
        centre_id=centre_id,
        district_id=district_id,
        day_places_offered=policy.day_places * days,
        day_places_booked=totals.day_places_booked if totals else 0,
        respite_nights_offered=policy.respite_places * days,
        respite_nights_booked=totals.respite_nights_booked if totals else 0,
        bookings=len(held),
        elders=len({elder for elder, _ in held}),
    )
