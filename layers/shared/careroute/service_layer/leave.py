"""A steward's leave (dates away) through the API: read and replace, with role checks.

Who: the city admin, or a street/district official whose scope contains the steward's
community, may read and replace it; the steward may read their own. The planner sees the
dates through `Steward.works_on` (the registry returns them with the steward).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from careroute.domain.access import Caller, Role, require_scope
from careroute.domain.coverage import Scope, ScopeKind
from careroute.domain.errors import ForbiddenError, ValidationError
from careroute.domain.vocabulary import Steward
from careroute.messages.api import MAX_LEAVE_DAYS, StewardLeave
from careroute.service_layer.ports import ScopeDirectory, StewardRepository

LEAVE_HORIZON = timedelta(days=400)
"""How far from today (either way) a leave date may lie."""


@dataclass(frozen=True)
class LeaveKeeping:
    """The ports reading and replacing a steward's leave read and write."""

    stewards: StewardRepository
    scopes: ScopeDirectory


def _official_of(scopes: ScopeDirectory, who: Caller, steward: Steward) -> None:
    where = Scope(ScopeKind.COMMUNITY, steward.community_id)
    require_scope(who, where, scopes.ancestors(where))


def _view(steward: Steward) -> StewardLeave:
    return StewardLeave(
        steward_id=steward.steward_id,
        community_id=steward.community_id,
        dates=sorted(steward.leave),
    )


def checked_dates(dates: Iterable[date], today: date) -> list[date]:
    """The dates sorted; ValidationError naming `dates` if one repeats, there are too many,
    or one is more than 400 days from `today`."""
    days = list(dates)
    if len(days) > MAX_LEAVE_DAYS:
        raise ValidationError(f"dates: at most {MAX_LEAVE_DAYS} dates, got {len(days)}")
    if len(set(days)) != len(days):
        raise ValidationError("dates: each date may appear once")
    for day in days:
        if abs(day - today) > LEAVE_HORIZON:
            raise ValidationError(
                f"dates: {day.isoformat()} is more than {LEAVE_HORIZON.days} days "
                f"from today ({today.isoformat()})"
            )
    return sorted(days)


def steward_leave(who: Caller, steward_id: str, ports: LeaveKeeping) -> StewardLeave:
    """The steward's leave dates, for the steward themself or an official over them."""
    if who.role is Role.STEWARD:
        if who.scope != steward_id:
            raise ForbiddenError("a steward can only see their own leave")
        return _view(ports.stewards.get_steward(steward_id, consistent=True))
    steward = ports.stewards.get_steward(steward_id, consistent=True)
    _official_of(ports.scopes, who, steward)
    return _view(steward)


def replace_leave(
    who: Caller, steward_id: str, dates: Iterable[date], today: date, ports: LeaveKeeping
) -> tuple[StewardLeave, list[date]]:
    """Replace the steward's leave dates (officials only).

    Returns what is stored and the dates newly away that are already planned (today and
    tomorrow): the caller hands their urgent visits to neighbours now (planning.cover_now).
    """
    if who.role is Role.STEWARD:
        raise ForbiddenError("a steward may read their leave but not change it")
    before = ports.stewards.get_steward(steward_id)
    _official_of(ports.scopes, who, before)
    stored = ports.stewards.set_leave(steward_id, checked_dates(dates, today))
    planned = (today, today + timedelta(days=1))
    newly_away = [day for day in planned if day in stored.leave and day not in before.leave]
    return _view(stored), newly_away
