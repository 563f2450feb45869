"""Build one steward's route for one day: due visits -> router -> validator -> plan document.

Pure (no AWS): the solver handler loads the inputs and stores the document.
The document format is specified in docs/plan-format.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from careroute import routing
from careroute.domain.due import (
    DueVisit,
    WorkCalendar,
    due_visit,
    month_end,
    working_days_between,
)
from careroute.domain.policy import Policy
from careroute.domain.visit_records import stay_to_dict
from careroute.domain.vocabulary import (
    TIER_WEIGHT,
    Community,
    Elder,
    ElderStatus,
    Steward,
    Tier,
    TimeWindow,
    format_clock,
)
from careroute.planning.horizon import (
    DayCapacity,
    DayPart,
    HorizonPlan,
    PlannedVisit,
    at_last_chance,
    pinned_full,
    plan_horizon,
)
from careroute.planning.retry_window import retry_window
from careroute.planning.route_contacts import stop_contacts
from careroute.planning.route_document import route_head
from careroute.planning.stop_elder import ELDER_FACTS, stop_elder_facts
from careroute.planning.travel import HaversineTravel
from careroute.planning.urgent_route import held_stop
from careroute.routing import (
    RouteProblem,
    RouteResult,
    SolveLimits,
    Stop,
    validate_route,
)

CAPACITY_HEADROOM = 0.9
"""The horizon fills a day to this share of the shift: windows and walks rarely pack tighter."""
RETRY_URGENCY = 6
"""A retry weighs as if its deadline were this many working days nearer: it waited already."""
AHEAD_DAYS = 3
"""The next working days' first tries that would leave no day for a retry, and monthly-only
first tries, are offered to the router too, as fillers: the day's own visits come first, and
time they leave over brings a first try forward, so a not-home found early still has a day
(for monthly-only visits, the month's later days) for its retries."""
MAX_FILLERS = 8
"""At most this many fillers a day: a spare hour holds two or three, and a larger search
costs time for nothing."""


class PlanRejected(RuntimeError):
    """The validator found the router's plan broken; it is not stored."""


@dataclass(frozen=True)
class Candidate:
    """A visit offered to the router for the day."""

    elder: Elder
    tier: Tier
    deadline: date
    slack_days: int
    """Working days between the plan date and the deadline (0 = today)."""
    window: TimeWindow
    cover: bool = False
    """The elder belongs to an absent neighbour's community."""
    retry: bool = False
    """A failed attempt (not home, refused) came before: the window avoids its time of day."""
    ahead: bool = False
    """Planned for a later day: taken today only where the day has time left over."""

    @property
    def mandatory(self) -> bool:
        """On its deadline: whoever has the elder today (its own steward or a neighbour
        covering) must visit. A filler never is: its day is a later one."""
        return self.slack_days <= 0 and not self.ahead


@dataclass(frozen=True)
class PlannedDay:
    document: dict[str, Any]
    result: RouteResult


def visit_penalty(candidate: Candidate) -> int | None:
    """None (mandatory) on the deadline; otherwise a penalty that grows as the deadline nears.

    Penalties are in the objective's unit (seconds of travel) and dwarf any detour inside a
    community, so the router drops the least urgent visits only when the day is full.
    """
    if candidate.mandatory:
        return None
    if candidate.ahead:  # below every visit of the day's own
        return 3600 * (1 + int(candidate.slack_days <= 1)) * TIER_WEIGHT[candidate.tier]
    urgency = max(0, 10 - candidate.slack_days) + (RETRY_URGENCY if candidate.retry else 0)
    return 3600 * (2 + urgency) * TIER_WEIGHT[candidate.tier]


def day_capacity(
    community: Community,
    steward: Steward,
    elders: list[Elder],
    policy: Policy,
    first_try_share: float = 1.0,
) -> DayCapacity:
    """A day's room for the horizon's visits: shift minus break (the share of it the horizon
    may plan), the same for the parts before and after the break, and the walk that comes
    with each visit."""
    travel = HaversineTravel(policy.speed_kmh[steward.mode], policy.circuity)
    shift = steward.shift.seconds - (steward.lunch_break.seconds if steward.lunch_break else 0)
    walks = [travel.seconds(community.location, e.location) for e in elders] or [0]
    share = CAPACITY_HEADROOM * first_try_share
    return DayCapacity(
        visits=steward.max_visits_per_day,
        minutes=int(shift / 60 * share),
        travel_minutes_per_visit=sum(walks) / len(walks) / 60,
        parts=tuple(DayPart(part, int(part.seconds / 60 * share)) for part in _day_parts(steward)),
    )


def _day_parts(steward: Steward) -> list[TimeWindow]:
    """The shift before and after the lunch break (none without a break inside the shift)."""
    shift, lunch = steward.shift, steward.lunch_break
    if lunch is None or not shift.start < lunch.start <= lunch.end < shift.end:
        return []
    return [TimeWindow(shift.start, lunch.start), TimeWindow(lunch.end, shift.end)]


def _candidate(
    visit: DueVisit | PlannedVisit, slack: int, cover: bool = False, ahead: bool = False
) -> Candidate:
    retry = retry_window(visit.elder)
    return Candidate(
        elder=visit.elder,
        tier=visit.tier,
        deadline=visit.deadline,
        slack_days=slack,
        window=retry or visit.elder.window,
        cover=cover,
        retry=retry is not None,
        ahead=ahead,
    )


def _ahead(
    plan: HorizonPlan, plan_date: date, calendar: WorkCalendar, policy: Policy
) -> list[Candidate]:
    """The next `AHEAD_DAYS` working days' first tries worth bringing forward, earliest day
    first: those planned on their deadline (a cadence visit pushed there by full days), then
    this month's monthly-only ones. Overflow is left out: the nightly planner hands it to
    neighbours."""
    days = calendar.working_days(plan_date + timedelta(days=1), plan.last_day)[:AHEAD_DAYS]
    later = [v for day in days for v in plan.on(day) if v.occurrence == 0 and not v.overflow]
    tight = [v for v in later if v.mandatory]
    monthly = [
        v
        for v in later
        if not v.mandatory
        and policy.tiers[v.tier].cadence_days is None
        and v.deadline <= month_end(plan_date)  # next month's visit done now would not count
    ]
    return [
        _candidate(v, working_days_between(plan_date, v.deadline, calendar), ahead=True)
        for v in (tight + monthly)[:MAX_FILLERS]
    ]


def candidates_for(
    plan: HorizonPlan,
    plan_date: date,
    calendar: WorkCalendar,
    cover: list[Elder],
    policy: Policy,
) -> list[Candidate]:
    """The horizon's visits for the day and the overflow whose last day with a retry is today
    (`_last_chance`), then the absent neighbours' elders given to us (in elder id order: a
    batch read returns them in any order, and the route must not depend on it), then the next
    days' first tries as fillers (`_ahead`). No elder comes twice: a first try has one day in
    the plan, and cover elders belong to other communities."""
    on_duty = calendar.with_duty()
    own = [
        _candidate(
            v,
            working_days_between(
                plan_date, v.deadline, on_duty if v.tier in policy.holiday_duty.tiers else calendar
            ),
        )
        for v in plan.on(plan_date)
    ]
    covered = [
        _candidate(d, d.slack_days, cover=True)
        for d in (
            due_visit(e, calendar, plan_date, policy)
            for e in sorted(cover, key=lambda elder: elder.elder_id)
            if e.status is ElderStatus.ACTIVE
        )
    ]
    if calendar.on_duty(plan_date):  # a holiday duty day is for the tiers on duty only
        return own + covered
    return (
        own
        + _last_chance(plan, plan_date, calendar, policy)
        + covered
        + _ahead(plan, plan_date, calendar, policy)
    )


def _last_chance(
    plan: HorizonPlan, plan_date: date, calendar: WorkCalendar, policy: Policy
) -> list[Candidate]:
    """Overflow first tries for which the plan date is the last day that keeps their tier's
    retries, placed by the horizon on a later day (today looked full): offered as the day's
    own, so the router makes room by moving a visit that can wait. Those the nightly planner
    handed to a neighbour are left out by the caller."""
    return [
        _candidate(v, working_days_between(plan_date, v.deadline, calendar))
        for v in plan.overflow()
        if v.day != plan_date and at_last_chance(v, plan_date, calendar, policy)
    ]


def _window(start: int, end: int) -> dict[str, str]:
    return {"start": format_clock(start), "end": format_clock(end)}


def steward_calendar(
    steward: Steward,
    policy: Policy,
    holidays: frozenset[date] = frozenset(),
    workdays: frozenset[date] = frozenset(),
) -> WorkCalendar:
    """The steward's days: working days, and the holiday duty days of long closures."""
    duty = policy.duty_dates(steward.days_off, holidays, workdays)
    return WorkCalendar.of(steward, holidays, workdays, duty)


def plan_day(
    community: Community,
    steward: Steward,
    elders: list[Elder],
    plan_date: date,
    policy: Policy,
    limits: SolveLimits | None = None,
    seed: int = 0,
    warm_start: tuple[str, ...] = (),
    holidays: frozenset[date] = frozenset(),
    cover: list[Elder] | None = None,
    urgent: list[dict[str, Any]] | None = None,
    workdays: frozenset[date] = frozenset(),
    first_try_share: float = 1.0,
    handed_out: frozenset[str] = frozenset(),
) -> PlannedDay | None:
    """The steward's validated route for `plan_date`, or None when the steward is off.

    The day's visits are the ones the horizon planner gives to `plan_date`, plus `cover`:
    elders of absent neighbours handed to this steward by the nightly planner.
    `warm_start` (e.g. yesterday's route, elder ids in order) seeds the search where the
    same elders are candidates again. `urgent`: urgent stops already on the stored route
    (careroute.planning.urgent_route), kept as mandatory stops inside their windows.
    `workdays`: make-up working days (调休) the steward works although they are days off.
    `first_try_share`: the share of each day the horizon plans; the route fills the rest of
    the shift as it fills any spare time (careroute.planning.capacity.first_try_share).
    `handed_out`: the community's elders the nightly planner gave to neighbours for the day.
    """
    calendar = steward_calendar(steward, policy, holidays, workdays)
    if not (calendar.works_on(plan_date) or calendar.on_duty(plan_date)):
        return None
    capacity = day_capacity(community, steward, elders, policy, first_try_share)
    horizon = plan_horizon(elders, calendar, plan_date, policy, capacity)
    due = [
        d
        for d in candidates_for(horizon, plan_date, calendar, cover or [], policy)
        if d.cover or d.elder.elder_id not in handed_out
    ]
    by_id = {d.elder.elder_id: d for d in due}
    travel = HaversineTravel(policy.speed_kmh[steward.mode], policy.circuity)

    problem = RouteProblem(
        depot=community.location,
        shift=steward.shift,
        lunch_break=steward.lunch_break,
        stops=tuple(
            Stop(
                stop_id=d.elder.elder_id,
                location=d.elder.visit_point,
                window=d.window,
                service_seconds=policy.service_seconds(d.tier),
                penalty=visit_penalty(d),
            )
            for d in due
        )
        + tuple(held_stop(s) for s in urgent or ()),
        travel=travel,
        max_stops=steward.max_visits_per_day + len(urgent or ()),
        warm_start=warm_start,
    )
    result = routing.solve(problem, limits or routing.default_limits(len(problem.stops)), seed=seed)
    violations = validate_route(problem, result)
    if violations:
        raise PlanRejected(
            f"route for steward {steward.steward_id} on {plan_date} failed validation: "
            + "; ".join(violations[:5])
        )
    held = {held_stop(s).stop_id: s for s in urgent or ()}
    document = _document(
        community, steward, plan_date, result, by_id, held, policy.retries.book_appointment
    )
    document["stats"]["horizon"] = _horizon_stats(horizon, policy)
    return PlannedDay(document, result)


def _horizon_stats(plan: HorizonPlan, policy: Policy) -> dict[str, Any]:
    next_day = min((day for day in plan.loads if day > plan.first_day), default=None)
    return {
        "last_day": plan.last_day.isoformat(),
        "visits": len(plan.visits),
        "today": len(plan.on(plan.first_day)),
        "overflow": len(plan.overflow()),
        "overloaded_days": [day.isoformat() for day in plan.overloaded_days()],
        "next_day_pinned": next_day is not None and pinned_full(plan, next_day, policy),
    }


def _document(
    community: Community,
    steward: Steward,
    plan_date: date,
    result: RouteResult,
    due: dict[str, Candidate],
    held: dict[str, dict[str, Any]] | None = None,
    book_retries: bool = False,
) -> dict[str, Any]:
    held = held or {}
    stops = []
    for planned in result.stops:
        if planned.stop_id in held:  # an urgent stop kept: same stop, new times
            stops.append(
                {
                    **held[planned.stop_id],
                    "sequence": planned.sequence,
                    "arrival": format_clock(planned.arrival),
                    "service_start": format_clock(planned.service_start),
                    "service_end": format_clock(planned.service_end),
                    "travel_minutes": round(planned.travel_seconds / 60, 1),
                }
            )
            continue
        d = due[planned.stop_id]
        stops.append(
            {
                "sequence": planned.sequence,
                "elder_id": planned.stop_id,
                "community_id": d.elder.community_id,
                # Only the steward reads routes: stored with the route (encrypted, expiring)
                # so the morning's read is one item; exports leave them out.
                "name": d.elder.name,
                "address": d.elder.address,
                **stop_contacts(d.elder),
                # What an outcome's record takes from the elder: the API records it from
                # the route it keeps, checked by the write (planning/stop_elder.py).
                ELDER_FACTS: stop_elder_facts(d.elder),
                "tier": d.tier.value,
                "lat": d.elder.visit_point.lat,
                "lng": d.elder.visit_point.lng,
                # In hospital: the visit is made there, and its outcome says so (`stay`).
                "stay": stay_to_dict(d.elder.staying_at),
                "window": _window(d.window.start, d.window.end),
                "arrival": format_clock(planned.arrival),
                "service_start": format_clock(planned.service_start),
                "service_end": format_clock(planned.service_end),
                "travel_minutes": round(planned.travel_seconds / 60, 1),
                "deadline": d.deadline.isoformat(),
                "mandatory": d.mandatory,
                "cover": d.cover,
                "retry": d.retry,
                # The contact task of a failed attempt: the steward phones the elder (or the
                # registered contact) ahead and books the visit inside `window`.
                "appointment": d.retry and book_retries,
                # e.g. a benefit the elder newly qualifies for, to tell them about at the door
                "tasks": sorted(d.elder.benefit_tasks),
            }
        )
    unassigned = [
        {
            "elder_id": u.stop_id,
            "community_id": due[u.stop_id].elder.community_id,
            "tier": due[u.stop_id].tier.value,
            "reason": u.reason.value,
            "mandatory": u.mandatory,
            "deadline": due[u.stop_id].deadline.isoformat(),
            "cover": due[u.stop_id].cover,
        }
        for u in result.unassigned
        if u.stop_id not in held and not due[u.stop_id].ahead
    ]
    unassigned += [
        {**held[u.stop_id], "reason": u.reason.value}
        for u in result.unassigned
        if u.stop_id in held
    ]
    return {
        **route_head(community, steward, plan_date),
        "depart": format_clock(result.depot_departure),
        "return": format_clock(result.depot_return),
        "stops": stops,
        "unassigned": unassigned,
        "stats": {
            "candidates": len(due),
            "cover": sum(1 for d in due.values() if d.cover),
            "retries": sum(1 for d in due.values() if d.retry),
            "ahead": sum(1 for d in due.values() if d.ahead),
            "planned": len(stops),
            "travel_minutes": round(result.travel_seconds / 60, 1),
            "solve_ms": result.solve_ms,
            "status": result.status.value,
            "notes": list(result.notes),
        },
    }
