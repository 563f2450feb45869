"""Who covers the visits of absent or overloaded stewards: at night for the plan date
(`plan_cover`, called by the fan-out) and on the morning of a sick call (`cover_now`).

The visits that cannot wait go to the nearest stewards at work with spare minutes, then to
the street's relief post, then to neighbours whose own day holds a visit due that day, then to
the district's (careroute.planning.absence_cover).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from careroute.domain.due import WorkCalendar
from careroute.domain.policy import Policy
from careroute.domain.vocabulary import Community, Elder, GeoPoint, Steward
from careroute.messages.visits import CoverItem
from careroute.planning.absence_cover import (
    CoverPlan,
    CoverVisit,
    Workload,
    assign_cover,
    helper_day,
    helpers_of,
    visits_to_cover,
    visits_to_offload,
)
from careroute.planning.capacity import first_try_share
from careroute.service_layer.night_plan_date import holidays_near
from careroute.service_layer.nightly_ports import NightlyPlanning, plan_job
from careroute.service_layer.overflow_look_back import (
    NightMarks,
    night_marks,
    overloaded_communities,
    short_of_hours,
)
from careroute.service_layer.ports import ElderRepository, RouteRepository
from careroute.service_layer.route_cover import HANDED_OUT, cover_items, hold_cover, route_cover
from careroute.service_layer.route_plan import day_capacity


def absent_on(
    steward: Steward, day: date, holidays: frozenset[date], workdays: frozenset[date] = frozenset()
) -> bool:
    """On leave on a day the steward would otherwise work."""
    regular = WorkCalendar(steward.days_off, holidays, workdays)
    return regular.works_on(day) and day in steward.leave


def _at_work(
    stewards: dict[str, Steward],
    communities: dict[str, Community],
    day: date,
    holidays: frozenset[date],
    excluded: set[str],
    workdays: frozenset[date] = frozenset(),
) -> list[str]:
    """Communities (of those given, less `excluded`) whose steward works on the day."""
    return [
        c
        for c, s in stewards.items()
        if c in communities
        and c not in excluded
        and WorkCalendar.of(s, holidays, workdays).works_on(day)
    ]


def _workload(
    elders_of: ElderRepository,
    community: Community,
    steward: Steward,
    policy: Policy,
    short_of_hours_on: tuple[date, frozenset[date], frozenset[date]] | None = None,
) -> Workload:
    """The community's elders and its steward's day. With `short_of_hours_on` (the plan date,
    holidays and make-up days), the day as the solver plans it then: a community short of
    hours for the rest of the month fills only a share of it with first tries."""
    elders = elders_of.elders_of_community(community.community_id)
    share = 1.0
    if short_of_hours_on is not None:
        day, holidays, workdays = short_of_hours_on
        share = first_try_share(community, steward, elders, day, policy, holidays, workdays)
    capacity = day_capacity(community, steward, elders, policy, share)
    return Workload(community, steward, elders, capacity)


def plan_cover(
    ports: NightlyPlanning,
    communities: dict[str, Community],
    stewards: dict[str, Steward],
    plan_date: date,
    holidays: frozenset[date],
    policy: Policy,
    workdays: frozenset[date] = frozenset(),
    marks: NightMarks | None = None,
) -> CoverPlan:
    """Who covers which visits of absent or overloaded stewards on the plan date. `marks`:
    the night's marks when the caller read them (a fan-out deciding district by district)."""
    needs: dict[str, list[CoverVisit]] = {}
    points: dict[str, GeoPoint] = {}
    marks = marks or night_marks(ports.overflow, plan_date, holidays)
    overloaded = marks.overloaded
    # A day pinned full the night before may have lost a visit's margin to today's retries:
    # looked at too, and kept from helping only when it has overflow to hand out now.
    looked_at = overloaded | marks.pinned
    if marks.none:  # no route of the last days marked anything: the planner's first night
        on = (plan_date, holidays, workdays)
        looked_at = short_of_hours(ports.elders, communities, stewards, policy, on)
    for community_id, steward in stewards.items():
        community = communities.get(community_id)
        if community is None:
            continue
        if absent_on(steward, plan_date, holidays, workdays):
            workload = _workload(ports.elders, community, steward, policy)
            needs[community_id] = visits_to_cover(workload, plan_date, holidays, policy, workdays)
        elif community_id in looked_at:
            solved_as = (plan_date, holidays, workdays)
            workload = _workload(ports.elders, community, steward, policy, solved_as)
            needs[community_id] = visits_to_offload(workload, plan_date, holidays, policy, workdays)
        else:
            continue
        points.update({e.elder_id: e.location for e in workload.elders})
    needs = {c: v for c, v in needs.items() if v}
    at_work = _at_work(
        stewards, communities, plan_date, holidays, overloaded | set(needs), workdays
    )
    pace = _pace(stewards, policy)
    helpers = helpers_of(needs, communities, at_work, pace)
    spare, after_post = _spare(
        ports, helpers, communities, stewards, plan_date, policy, holidays, workdays
    )
    return assign_cover(
        needs,
        communities,
        at_work,
        points,
        spare=spare,
        day=plan_date,
        pace=pace,
        places=_post_places(helpers, communities, stewards),
        after_post=after_post,
    )


def _post_places(
    helpers: set[str], communities: dict[str, Community], stewards: dict[str, Steward]
) -> dict[str, int]:
    """A relief post's daily cap of cover: its steward's whole day of visits (it has no
    elders of its own), where a neighbour takes at most `COVER_PER_STEWARD`."""
    return {
        c: stewards[c].max_visits_per_day for c in sorted(helpers) if not communities[c].residential
    }


def _pace(stewards: dict[str, Steward], policy: Policy) -> dict[str, float]:
    """Each community's steward's minutes per metre: the mode's speed on the streets."""
    return {
        community_id: policy.circuity * 60 / (policy.speed_kmh[steward.mode] * 1000)
        for community_id, steward in stewards.items()
    }


def _spare(
    ports: NightlyPlanning,
    helpers: set[str],
    communities: dict[str, Community],
    stewards: dict[str, Steward],
    day: date,
    policy: Policy,
    holidays: frozenset[date],
    workdays: frozenset[date],
) -> tuple[dict[str, float], set[str]]:
    """The spare minutes of the day of each steward who may be asked to cover, and those whose
    own day holds a visit due that day (asked after the street's relief post)."""
    days = {
        c: helper_day(
            _workload(ports.elders, communities[c], stewards[c], policy, (day, holidays, workdays)),
            day,
            holidays,
            policy,
            workdays,
        )
        for c in sorted(helpers)
    }
    return {c: d.spare for c, d in days.items()}, {c for c, d in days.items() if d.own_deadline}


def cover_now(
    steward_id: str, day: date, run_id: str, policy: Policy, ports: NightlyPlanning
) -> int:
    """Cover a steward who is away on a day already planned (e.g. sick this morning).

    The nightly plan could not know: the absent steward's visits for the day that cannot
    wait, and the cover its route held for other communities, go to the nearest stewards at
    work, whose routes for the day are planned again with that cover added to the cover they
    already had. Returns the visits handed out.
    """
    absent = ports.stewards.get_steward(steward_id, consistent=True)
    holidays = holidays_near(ports.holidays.holidays(), day)
    workdays = holidays_near(ports.holidays.workdays(), day)
    if not absent_on(absent, day, holidays, workdays):
        return 0
    communities = {c.community_id: c for c in ports.communities.all_communities()}
    stewards = {s.community_id: s for s in ports.stewards.all_stewards()}
    workload = _workload(ports.elders, communities[absent.community_id], absent, policy)
    route = ports.routes.find_route(absent.steward_id, day)
    handed = set((route or {}).get(HANDED_OUT, []))  # the night gave these to neighbours
    to_cover = visits_to_cover(workload, day, holidays, policy, workdays)
    needs = {absent.community_id: [v for v in to_cover if v.elder_id not in handed]}
    points = {e.elder_id: e.location for e in workload.elders}
    walk = workload.capacity.travel_minutes_per_visit
    held_by_absent = [] if route is None else route_cover(route, walk, policy)
    for visit, elder in _handed_back(held_by_absent, ports):
        needs.setdefault(visit.community_id, []).append(visit)
        points[elder.elder_id] = elder.location
    # Excluded by name too: the stewards scan may not show the new leave yet. Overloaded
    # stewards help nobody, as at night.
    busy = {absent.community_id} | overloaded_communities(ports.overflow, day, holidays)
    at_work = _at_work(stewards, communities, day, holidays, busy, workdays)
    pace = _pace(stewards, policy)
    helpers = helpers_of(needs, communities, at_work, pace)
    spare, after_post = _spare(
        ports, helpers, communities, stewards, day, policy, holidays, workdays
    )
    # What a helper's route already holds (the night's cover, an earlier call's) takes its
    # minutes and places first: a second call of the morning does not pile onto it.
    holding = {c: _cover_held(ports.routes, stewards[c], day, walk, policy) for c in helpers}
    for community_id, held in holding.items():
        spare[community_id] = max(0.0, spare[community_id] - sum(v.minutes for v in held))
    held_places = {c: len(held) for c, held in holding.items()}
    cover = assign_cover(
        needs,
        communities,
        at_work,
        points,
        spare=spare,
        day=day,
        holding=held_places,
        pace=pace,
        places=_post_places(helpers, communities, stewards),
        after_post=after_post,
    )
    hold_cover(ports.routes, stewards, day, cover.assigned)
    jobs = [
        plan_job(
            community_id,
            day,
            run_id,
            holidays,
            cover_items(visits),
            workdays,
            keep_cover=True,
            steward_id=stewards[community_id].steward_id,
        )
        for community_id, visits in sorted(cover.assigned.items())
    ]
    ports.plan_jobs.send(jobs)
    return sum(len(visits) for visits in cover.assigned.values())


def _cover_held(
    routes: RouteRepository, steward: Steward, day: date, walk: float, policy: Policy
) -> list[CoverVisit]:
    """The cover a helper's stored route for the day holds (none without a route)."""
    route = routes.find_route(steward.steward_id, day)
    return [] if route is None else route_cover(route, walk, policy)


def _handed_back(held: list[CoverVisit], ports: NightlyPlanning) -> list[tuple[CoverVisit, Elder]]:
    """The cover an absent helper's route held for other communities (`_cover_held`), with
    its elders, to hand out again (it was theirs to do today: each keeps the deadline and
    tier the route gave it)."""
    if not held:
        return []
    by_elder = {visit.elder_id: visit for visit in held}
    return [(by_elder[e.elder_id], e) for e in cover_elders(ports.elders, cover_items(held))]


def cover_elders(elders: ElderRepository, items: list[CoverItem]) -> list[Elder]:
    wanted: dict[str, list[str]] = defaultdict(list)
    for item in items:
        if item.elder_id not in wanted[item.community_id]:  # once each
            wanted[item.community_id].append(item.elder_id)
    found: list[Elder] = []
    for community_id, elder_ids in sorted(wanted.items()):
        found.extend(elders.get_elders(community_id, elder_ids).values())
    return found
