"""Lunch booked through the API (老年助餐): the family, the steward or the call centre books an
elder's lunch at the community's canteen, dine-in or delivered (a delivery becomes the
canteen day's order the delivery routes plan); officials read each canteen's month of meals
and the subsidy owed to it, recomputed from the bookings.

Bad input is refused naming the field and nothing is written: a day in the past, too far
ahead or today after the cut-off, too many meals, a delivery without a hand-over window
inside the delivery hours (or a dine-in with one), an elder not active, a community no
canteen serves. A second, different lunch for the elder that day is a conflict; the same
booking posted again answers with what was stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from careroute.domain.access import Caller
from careroute.domain.coverage import Scope, scopes_of
from careroute.domain.errors import ConflictError, ValidationError
from careroute.domain.meals import CanteenMonth, MealBooking, MealMode, MealPolicy
from careroute.domain.scope_ids import elder_scope_ids
from careroute.domain.vocabulary import CHINA_TZ, TimeWindow, china_date, parse_clock
from careroute.planning.meals import Canteen, MealRules
from careroute.service_layer.month_param import month_days
from careroute.service_layer.ordering_for import orderable_elder
from careroute.service_layer.ports import (
    CanteenRepository,
    ElderRepository,
    ScopeDirectory,
    StewardRepository,
)
from careroute.service_layer.ports.meal_bookings import MealBookings
from careroute.service_layer.scope_access import readable_scope
from careroute.service_layer.views import json_fields

DELIVERY_RULES = MealRules()
"""The delivery hours: a hand-over window lies between the first departure and the return."""
SHORTEST_WINDOW = 30 * 60


@dataclass(frozen=True)
class LunchBooking:
    """The ports booking lunches and counting their subsidy read and write."""

    bookings: MealBookings
    canteens: CanteenRepository
    elders: ElderRepository
    stewards: StewardRepository
    scopes: ScopeDirectory


@dataclass(frozen=True)
class LunchRequest:
    """A validated POST /meals/bookings body."""

    elder_id: str
    community_id: str
    day: date
    mode: MealMode
    meals: int = 1
    window_start: str | None = None
    window_end: str | None = None


def booking_view(booking: MealBooking) -> dict[str, Any]:
    """A booking as the API shows it (ids, day, mode, meals, subsidy; no name or address)."""
    return {
        **json_fields(booking, "booking_id", "elder_id", "community_id", "canteen_id"),
        **json_fields(booking, "day", "mode", "meals"),
        "window": str(booking.window) if booking.window else None,
        **json_fields(booking, "subsidy_per_meal", "subsidy_yuan"),
    }


def _check_day(day: date, now: datetime, policy: MealPolicy) -> None:
    today = china_date(now)
    if day < today:
        raise ValidationError(f"day: {day} is in the past")
    if day > today + timedelta(days=policy.days_ahead):
        raise ValidationError(f"day: at most {policy.days_ahead} days ahead")
    local = now.astimezone(CHINA_TZ)
    if day == today and local.hour * 3600 + local.minute * 60 >= policy.cutoff_seconds:
        raise ValidationError(f"day: today's lunch is booked until {policy.same_day_until}")


def _window(request: LunchRequest) -> TimeWindow | None:
    given = request.window_start is not None or request.window_end is not None
    if request.mode is MealMode.DINE_IN:
        if given:
            raise ValidationError("window_start/window_end: a dine-in lunch has no hand-over")
        return None
    if request.window_start is None or request.window_end is None:
        raise ValidationError("window_start/window_end: a delivery needs a hand-over window")
    try:
        window = _parsed_window(request.window_start, request.window_end)
    except ValueError as exc:
        raise ValidationError(f"window_start/window_end: {exc}") from exc
    first, last = DELIVERY_RULES.departures[0], DELIVERY_RULES.return_by
    if window.start < first or window.end > last or window.seconds < SHORTEST_WINDOW:
        hours = TimeWindow(first, last)
        raise ValidationError(
            f"window_start/window_end: {window} must lie within the delivery hours {hours} "
            f"and last at least {SHORTEST_WINDOW // 60} minutes"
        )
    return window


@lru_cache(maxsize=64)
def _parsed_window(start: str, end: str) -> TimeWindow:
    """A hand-over window from its text, parsed once: a few windows serve every booking."""
    return TimeWindow(parse_clock(start), parse_clock(end))


def canteen_of(community_id: str, canteens: CanteenRepository) -> Canteen:
    for canteen in canteens.all_canteens():
        if community_id in canteen.community_ids:
            return canteen
    raise ValidationError(f"community_id: no canteen serves community {community_id}")


def book_lunch(
    who: Caller, request: LunchRequest, now: datetime, policy: MealPolicy, ports: LunchBooking
) -> tuple[MealBooking, bool]:
    """Book the elder's lunch; True when booked now, False when this very booking was stored
    before (a retried POST)."""
    _check_day(request.day, now, policy)
    if not 1 <= request.meals <= policy.max_meals:
        raise ValidationError(f"meals: 1 to {policy.max_meals} a booking")
    window = _window(request)
    elder = orderable_elder(
        who, request.community_id, request.elder_id, ports.elders, ports.stewards, "book"
    )
    canteen = canteen_of(elder.community_id, ports.canteens)
    booking = MealBooking(
        **elder_scope_ids(elder),
        canteen_id=canteen.canteen_id,
        day=request.day,
        mode=request.mode,
        meals=request.meals,
        subsidy_per_meal=policy.subsidy_per_meal(elder.age_on(request.day)),
        placed_by=who.subject,
        placed_at=now,
        location=elder.location,
        window=window,
    )
    if ports.bookings.book(booking):
        return booking, True
    stored = ports.bookings.find_booking(canteen.canteen_id, request.day, elder.elder_id)
    same = stored is not None and (stored.mode, stored.meals, stored.window, stored.placed_by) == (
        booking.mode, booking.meals, booking.window, booking.placed_by,
    )  # fmt: skip
    if stored is None or not same:
        raise ConflictError(f"the elder has a lunch on {request.day} already")
    return stored, False


def meal_subsidies(who: Caller, scope: str, month: str, ports: LunchBooking) -> dict[str, Any]:
    """The month's booked lunches per canteen of the scope: meals delivered and dine-in, the
    elders, and the subsidy owed (each meal's, fixed when booked), from the canteens' month
    totals kept with each booking (one read for the city, not a query per canteen)."""
    where = readable_scope(who, scope, ports.scopes)
    first, _last = month_days(month)
    canteens = [c for c in ports.canteens.all_canteens() if where in _scopes_of(c)]
    places = {c.canteen_id: (c.district_id, c.street_id) for c in canteens}
    rows = [
        CanteenMonth(
            canteen_id=t.canteen_id,
            district_id=places[t.canteen_id][0],
            street_id=places[t.canteen_id][1],
            bookings=t.bookings,
            meals_delivered=t.meals_delivered,
            meals_dine_in=t.meals_dine_in,
            subsidy_yuan=t.subsidy_yuan,
            elders=len(t.elders),
        )
        for t in ports.bookings.month_totals(first)
        if t.canteen_id in places
    ]
    return {
        "scope": str(where),
        "month": month,
        "canteens": len(canteens),
        "meals_delivered": sum(r.meals_delivered for r in rows),
        "meals_dine_in": sum(r.meals_dine_in for r in rows),
        "subsidy_yuan": sum(r.subsidy_yuan for r in rows),
        "by_canteen": [r.__dict__ for r in rows],
    }


def _scopes_of(canteen: Canteen) -> tuple[Scope, ...]:
    """The scopes a canteen is in: its street's, its district's and the city (no community's:
    it serves several)."""
    return scopes_of("", canteen.street_id, canteen.district_id)
