"""Who can respond to an urgent incident now, and the responder's day for today.

Responders are the stewards on shift of the elder's community and of the nearest other
communities, and the home-service workers on shift of the providers serving the elder's
district. A steward's day is their route (routes table); a worker's day is their part of
their provider's day plan (home-services table). Whichever the kind, a change of the day is
worked out first (`plan_visit`) and stored by one conditional write (`RoutePlan.store`), so
a lost race is read again and a repeated delivery finds the visit already placed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from careroute.domain.due import WorkCalendar
from careroute.domain.incidents import Incident, ResponderOption
from careroute.domain.orders import ON_A_ROUTE
from careroute.domain.policy import Policy
from careroute.domain.providers import Provider, ServiceWorker
from careroute.domain.vocabulary import (
    CHINA_TZ,
    Elder,
    Steward,
    TravelMode,
    china_date,
    parse_clock,
)
from careroute.planning.provider_day import DayPlan
from careroute.planning.travel import HaversineTravel, haversine_m
from careroute.planning.urgent_holds import is_urgent, urgent_stop_id
from careroute.planning.urgent_route import (
    UrgentVisit,
    insert_urgent,
    seconds_of_day,
    without_urgent,
)
from careroute.planning.urgent_workers import WorkerDay, insert_for_worker, without
from careroute.service_layer.responding import DIRECTORY_TTL_SECONDS as DIRECTORY_TTL_SECONDS
from careroute.service_layer.responding import Responding as Responding
from careroute.service_layer.responding import directory


def crew(district_id: str, ports: Responding) -> list[tuple[Provider, ServiceWorker]]:
    """The workers of the providers serving a district, with their provider."""
    found = directory(ports)
    if district_id not in found.crews:
        found.crews[district_id] = [
            (p, w)
            for p in ports.providers.providers_of(district_id)
            for w in ports.providers.workers_of(p.provider_id)
        ]
    return found.crews[district_id]


def on_shift(
    steward: Steward,
    now: datetime,
    holidays: frozenset[date],
    workdays: frozenset[date] = frozenset(),
) -> bool:
    local = now.astimezone(CHINA_TZ)
    seconds = local.hour * 3600 + local.minute * 60
    return WorkCalendar.of(steward, holidays, workdays).works_on(local.date()) and (
        steward.shift.start <= seconds < steward.shift.end
    )


def _bike(policy: Policy) -> HaversineTravel:
    return HaversineTravel(policy.speed_kmh[TravelMode.BIKE], policy.circuity)


def responder_options(
    elder: Elder, now: datetime, policy: Policy, ports: Responding
) -> list[ResponderOption]:
    """Stewards on shift now (the elder's own and those of the nearest other communities)
    and the workers on shift now of the providers serving the elder's district."""
    found = directory(ports)
    home = found.communities.get(elder.community_id)
    if home is None:
        return []
    nearest = sorted(
        (c for c in found.communities.values() if c.community_id != home.community_id),
        key=lambda c: (haversine_m(home.location, c.location), c.community_id),
    )[: policy.urgent.neighbours_tried]
    options = []
    for community in [home, *nearest]:
        steward = found.stewards.get(community.community_id)
        if steward is None or not on_shift(steward, now, found.holidays, found.workdays):
            continue
        travel = HaversineTravel(policy.speed_kmh[steward.mode], policy.circuity)
        options.append(
            ResponderOption(
                steward.steward_id,
                community.community_id,
                travel.seconds(community.location, elder.location),
                own=community is home,
            )
        )
    clock_s = seconds_of_day(now)
    for provider, worker in crew(elder.district_id, ports):
        if worker.shift.start <= clock_s < worker.shift.end:
            seconds = _bike(policy).seconds(provider.base, elder.location)
            options.append(
                ResponderOption(worker.worker_id, "", seconds, False, provider.provider_id)
            )
    return options


@dataclass(frozen=True)
class RoutePlan:
    """A change of a responder's day worked out: store() writes it, False when the day
    changed since it was read."""

    responder_id: str
    eta: int
    """Arrival at the elder, seconds since local midnight."""
    store: Callable[[], bool]


@dataclass(frozen=True)
class PlacedStop:
    """An incident's urgent stop as the responder's day holds it."""

    arrival: int
    window_end: int
    started: bool


def plan_visit(
    option: ResponderOption,
    incident: Incident,
    elder: Elder,
    now: datetime,
    policy: Policy,
    ports: Responding,
    late_seconds: int = 0,
    plans: dict[str, DayPlan] | None = None,
) -> RoutePlan | None:
    """The responder's day for today with the incident's visit in it (placed again if it was
    there already), or None when it cannot fit. `plans`: providers' day plans already read
    while trying several workers (each write is conditional on the version read anyway)."""
    if option.is_worker:
        return _worker_plan(
            option.steward_id,
            incident,
            elder,
            now,
            policy,
            late_seconds,
            plans if plans is not None else {},
            ports,
        )
    found = directory(ports)
    community = found.communities[option.community_id]
    steward = found.stewards[option.community_id]
    previous = ports.routes.find_route(steward.steward_id, china_date(now))
    visit = UrgentVisit.of(incident, elder, late_seconds)
    base = without_urgent(previous, incident.incident_id)
    inserted = insert_urgent(base, community, steward, visit, now, policy)
    if inserted is None:
        return None
    return RoutePlan(
        steward.steward_id,
        inserted.eta,
        lambda: ports.routes.replace_route(inserted.document, previous),
    )


def _worker_day(
    district_id: str, worker_id: str, day: date, plans: dict[str, DayPlan], ports: Responding
) -> tuple[DayPlan, WorkerDay]:
    workers = crew(district_id, ports)
    provider, worker = next((p, w) for p, w in workers if w.worker_id == worker_id)
    if provider.provider_id not in plans:
        plans[provider.provider_id] = ports.plans.get_plan(provider.provider_id, day)
    plan = plans[provider.provider_id]
    mine = tuple(plan.routes.get(worker_id, []))
    booked = ports.orders.get_orders([i for i, _ in mine if not is_urgent(i)])
    return plan, WorkerDay(
        worker,
        provider.base,
        mine,
        tuple(o for o in booked if o.status in ON_A_ROUTE),
        tuple(h for h in plan.held if h.worker_id == worker_id),
    )


def _worker_plan(
    worker_id: str,
    incident: Incident,
    elder: Elder,
    now: datetime,
    policy: Policy,
    late_seconds: int,
    plans: dict[str, DayPlan],
    ports: Responding,
) -> RoutePlan | None:
    day = china_date(now)
    plan, mine = _worker_day(incident.district_id, worker_id, day, plans, ports)
    visit = UrgentVisit.of(incident, elder, late_seconds)
    inserted = insert_for_worker(without(mine, incident.incident_id), visit, now, _bike(policy))
    if inserted is None:
        return None
    others = tuple(h for h in plan.held if h.incident_id != incident.incident_id)
    after = DayPlan(
        plan.provider_id,
        day,
        plan.version + 1,
        {**plan.routes, worker_id: list(inserted.stops)},
        (*others, inserted.hold),
    )
    return RoutePlan(worker_id, inserted.eta, lambda: ports.plans.replace_plan(after))


def placed_stop(incident: Incident, now: datetime, ports: Responding) -> PlacedStop | None:
    """Where the incident's visit is on its responder's day today; None when it is not."""
    day = china_date(now)
    now_s = seconds_of_day(now)
    if incident.responder_provider_id:
        plan = ports.plans.get_plan(incident.responder_provider_id, day)
        start = plan.start_of(urgent_stop_id(incident.incident_id))
        hold = next((h for h in plan.held if h.incident_id == incident.incident_id), None)
        if start is None or hold is None:
            return None
        return PlacedStop(start, hold.window.end, start <= now_s)
    route = ports.routes.find_route(incident.responder_id, day)
    stops = route["stops"] if route else []
    stop = next((s for s in stops if s.get("incident_id") == incident.incident_id), None)
    if stop is None:
        return None
    return PlacedStop(
        parse_clock(stop["arrival"]),
        parse_clock(stop["window"]["end"]),
        parse_clock(stop["service_start"]) <= now_s,
    )


def take_off(incident: Incident, now: datetime, ports: Responding) -> bool:
    """Take the incident's visit off its responder's day (to hand it to someone else);
    True when it is off, False when the day changed meanwhile."""
    day = china_date(now)
    if incident.responder_provider_id:
        plan = ports.plans.get_plan(incident.responder_provider_id, day)
        stop_id = urgent_stop_id(incident.incident_id)
        if plan.start_of(stop_id) is None:
            return True
        after = DayPlan(
            plan.provider_id,
            day,
            plan.version + 1,
            {w: [s for s in stops if s[0] != stop_id] for w, stops in plan.routes.items()},
            tuple(h for h in plan.held if h.incident_id != incident.incident_id),
        )
        return ports.plans.replace_plan(after)
    previous = ports.routes.find_route(incident.responder_id, day)
    document = without_urgent(previous, incident.incident_id)
    if document is None or document is previous:
        return True
    return ports.routes.replace_route(document, previous)


def day_end_seconds(at: datetime, day: date) -> int:
    """Seconds of `day` at `at`, or the end of the day when `at` is later."""
    if china_date(at) > day:
        return 24 * 3600
    return seconds_of_day(at)
