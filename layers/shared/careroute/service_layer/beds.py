"""Home care beds: record one (eligibility checked), build and accept it, plan each provider's
bed visits for a day, record a visit, and the month's bed coverage.

Who may record a bed and step it: officials of the elder's street or district and the city
admin. Who records a visit: a worker of the bed's provider. Who reads routes: the worker
(and the city admin); coverage: officials in their scope. A request that breaks a rule is
refused with the field at fault and nothing is written; a retried POST (same caller and
Idempotency-Key) returns what the first one stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from careroute.domain.access import Caller, Role
from careroute.domain.bed_visits import (
    BedVisit,
    BedVisitOutcome,
    bed_visit_id,
    month_coverage,
)
from careroute.domain.beds import (
    BedAction,
    BedPolicy,
    BedStatus,
    HomeCareBed,
    IllegalBedStep,
    Subsistence,
    bed_id,
    elder_care_level,
    ineligibility,
    step,
)
from careroute.domain.coverage import Scope
from careroute.domain.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from careroute.domain.fingerprints import fingerprint_of
from careroute.domain.providers import Provider
from careroute.domain.scope_ids import elder_scope_ids, scope_ids
from careroute.domain.vocabulary import ElderStatus, china_date
from careroute.service_layer.month_param import month_days
from careroute.service_layer.ports import (
    CommunityRepository,
    ElderRepository,
    ScopeDirectory,
    ServiceProviders,
)
from careroute.service_layer.ports.beds import BedRepository, BedRoutes, BedVisitRepository
from careroute.service_layer.replays import Replayable, stored_before
from careroute.service_layer.scope_access import districts_in, readable_scope, require_official_of
from careroute.service_layer.views import json_fields

HISTORY_DAYS = 62
"""How far back a plan or a month's coverage reads visits: a bed's last service is within
its cadence (at most 31 days) of any day that matters, with a month to spare."""


@dataclass(frozen=True)
class BedKeeping:
    """The ports the bed use cases read and write."""

    beds: BedRepository
    visits: BedVisitRepository
    routes: BedRoutes
    providers: ServiceProviders
    elders: ElderRepository
    communities: CommunityRepository
    scopes: ScopeDirectory


@dataclass(frozen=True)
class BedRequest(Replayable):
    """A validated POST /beds body."""

    elder_id: str
    community_id: str
    provider_id: str
    subsistence: Subsistence


@dataclass(frozen=True)
class BedVisitRequest:
    """A validated POST /beds/{bed_id}/visits body."""

    visited_at: datetime
    outcome: BedVisitOutcome
    minutes: int | None = None
    """Minutes served (the policy's service_minutes when not given); none unless served."""
    note: str = ""

    def fingerprint(self, bed: str) -> str:
        return fingerprint_of({"bed_id": bed, **self.__dict__})


def bed_view(bed: HomeCareBed) -> dict[str, Any]:
    """A bed as the API shows it: ids, status and dates (no name or address)."""
    return {
        **json_fields(bed, "bed_id", "elder_id"),
        **scope_ids(bed),
        **json_fields(bed, "provider_id", "subsistence", "care_level", "status"),
        "equipment": sorted(bed.equipment),
        **json_fields(bed, "applied_on", "built_on", "accepted_on", "closed_on"),
    }


def bed_visit_view(visit: BedVisit) -> dict[str, Any]:
    return {
        **json_fields(visit, "visit_id", "bed_id", "elder_id", "provider_id", "worker_id"),
        "district_id": visit.district_id,
        "visited_at": visit.visited_at.astimezone(UTC).isoformat(),
        **json_fields(visit, "outcome", "minutes"),
    }


def record_bed(
    who: Caller, request: BedRequest, key: str, now: datetime, policy: BedPolicy, ports: BedKeeping
) -> tuple[HomeCareBed, bool]:
    """Record an eligible elder's bed application once per (caller, key); True when stored
    now, False when the same request stored it before."""
    bid = bed_id(who.subject, key)
    existing = stored_before(lambda: ports.beds.get_bed(bid), request.fingerprint(), "bed")
    if existing is not None:
        return existing, False
    try:
        elder = ports.elders.get_elder(request.community_id, request.elder_id)
    except NotFoundError:
        raise NotFoundError(f"elder {request.elder_id} not found in that community") from None
    require_official_of(who, elder.community_id, ports.scopes)
    if elder.status is not ElderStatus.ACTIVE:
        raise ValidationError(f"elder_id: the elder is {elder.status.value}, not active")
    why = ineligibility(elder, request.subsistence, policy)
    level = elder_care_level(elder)
    if why is not None or level is None:
        raise ValidationError(f"elder_id: not eligible for a home care bed: {why}")
    district_providers = {p.provider_id for p in ports.providers.providers_of(elder.district_id)}
    if request.provider_id not in district_providers:
        raise ValidationError(
            f"provider_id: {request.provider_id} is not a provider of {elder.district_id}"
        )
    held = ports.beds.open_bed_of(elder.elder_id)
    if held is not None:  # the table refuses a second one too (two requests at once)
        raise ConflictError(f"elder_id: the elder has a bed already ({held})")
    bed = HomeCareBed(
        bed_id=bid,
        **elder_scope_ids(elder),
        location=elder.location,
        provider_id=request.provider_id,
        subsistence=request.subsistence,
        care_level=level,
        applied_on=china_date(now),
    )
    if not ports.beds.add_bed(bed, request.fingerprint()):
        return record_bed(who, request, key, now, policy, ports)
    return bed, True


def step_bed(
    who: Caller,
    bid: str,
    action: BedAction,
    on: date,
    equipment: frozenset[str],
    now: datetime,
    ports: BedKeeping,
) -> HomeCareBed:
    """Build, accept or close a bed on `on` (not after today); ConflictError for a step its
    status does not allow or a bed changed meanwhile."""
    bed, _ = ports.beds.get_bed(bid)
    require_official_of(who, bed.community_id, ports.scopes)
    if on > china_date(now):
        raise ValidationError(f"date: {on} is in the future")
    try:
        after = step(bed, action, on, equipment)
    except IllegalBedStep as exc:
        raise ConflictError(str(exc)) from exc
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    if not ports.beds.save_bed(bed, after):
        raise ConflictError(f"bed {bid} changed meanwhile; read it and try again")
    return after


def readable_bed(who: Caller, bid: str, ports: BedKeeping) -> HomeCareBed:
    bed, _ = ports.beds.get_bed(bid)
    if who.role is Role.WORKER:
        _require_worker_of(who, bed.provider_id, ports.providers)
    else:
        require_official_of(who, bed.community_id, ports.scopes)
    return bed


def _require_worker_of(who: Caller, provider_id: str, providers: ServiceProviders) -> None:
    """Only a worker of the provider (or the city admin) acts on its beds' visits."""
    if who.role is Role.CITY_ADMIN:
        return
    who.require(Role.WORKER)
    if who.scope not in {w.worker_id for w in providers.workers_of(provider_id)}:
        raise ForbiddenError(f"worker {who.scope} does not work for {provider_id}")


def record_bed_visit(
    who: Caller,
    bid: str,
    request: BedVisitRequest,
    key: str,
    now: datetime,
    policy: BedPolicy,
    ports: BedKeeping,
) -> tuple[BedVisit, bool]:
    """A worker of the bed's provider records a visit once per (worker, key); True when
    stored now, False when the same request stored it before."""
    bed, _ = ports.beds.get_bed(bid)
    _require_worker_of(who, bed.provider_id, ports.providers)
    vid = bed_visit_id(who.subject, key)
    stored = stored_before(lambda: ports.visits.get_visit(vid), request.fingerprint(bid), "visit")
    if stored is not None:
        return stored, False
    if request.visited_at.tzinfo is None:
        raise ValidationError("visited_at: must carry a UTC offset")
    if request.visited_at > now + timedelta(minutes=5):
        raise ValidationError("visited_at: is in the future")
    if request.visited_at < now - timedelta(days=HISTORY_DAYS):
        raise ValidationError(f"visited_at: more than {HISTORY_DAYS} days ago")
    on = china_date(request.visited_at)
    if not bed.in_service_on(on):
        raise ValidationError(f"bed_id: the bed is not in service on {on} ({bed.status.value})")
    served = request.outcome is BedVisitOutcome.SERVED
    minutes = (request.minutes or policy.service_minutes) if served else (request.minutes or 0)
    try:
        visit = BedVisit(
            visit_id=vid,
            bed_id=bed.bed_id,
            provider_id=bed.provider_id,
            worker_id=who.scope if who.role is Role.WORKER else who.subject,
            **elder_scope_ids(bed),
            visited_at=request.visited_at,
            outcome=request.outcome,
            minutes=minutes,
            recorded_at=now,
            note=request.note,
        )
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    if not ports.visits.add_visit(visit, request.fingerprint(bid)):
        return record_bed_visit(who, bid, request, key, now, policy, ports)
    return visit, True


def plan_provider_day(
    provider: Provider, day: date, policy: BedPolicy, circuity: float, ports: BedKeeping
) -> dict[str, Any]:
    """Route the provider's bed visits the horizon gives to `day` (on its deadline: mandatory)
    over its workers; store one route per worker (a re-plan replaces them). The plan's
    summary, with the horizon's counts. (The planners are imported here: the API function
    serving beds, orders and hours loads this module and plans nothing.)"""
    from careroute import routing
    from careroute.planning.bed_horizon import day_candidates, plan_bed_horizon, provider_capacity
    from careroute.planning.beds import bed_plan, bed_problem

    beds = [
        b for b in ports.beds.beds_of_district(provider.district_id)
        if b.provider_id == provider.provider_id
    ]  # fmt: skip
    history = ports.visits.visits_of_district(
        provider.district_id, day - timedelta(days=HISTORY_DAYS), day
    )
    workers = ports.providers.workers_of(provider.provider_id)
    capacity = provider_capacity(provider, workers, beds, policy, circuity)
    horizon = plan_bed_horizon(beds, history, day, policy, capacity)
    chosen = day_candidates(horizon, day, policy)
    if not workers:
        mandatory = sorted(c.bed.bed_id for c in chosen if c.penalty is None)
        summary: dict[str, Any] = {
            "provider_id": provider.provider_id,
            "date": day.isoformat(),
            "candidates": len(chosen),
            "mandatory": len(mandatory),
            "planned": 0,
            "unassigned_mandatory": mandatory,
            "status": "no_worker",
            "horizon": horizon.stats(),
        }
        ports.routes.save_bed_plan([], summary)
        return summary
    problem = bed_problem(chosen, provider, workers, policy, circuity)
    result = routing.solve_fleet(problem, routing.default_limits(len(chosen)))
    plan = bed_plan(provider.provider_id, day, chosen, problem, result)
    summary = {**plan.summary, "horizon": horizon.stats()}
    ports.routes.save_bed_plan(plan.routes, summary)
    return summary


def plan_bed_day(
    day: date, policy: BedPolicy, circuity: float, ports: BedKeeping
) -> list[dict[str, Any]]:
    """Every provider's bed day (providers with no bed are skipped)."""
    districts = sorted({c.district_id for c in ports.communities.all_communities()})
    summaries = []
    for district_id in districts:
        with_beds = {b.provider_id for b in ports.beds.beds_of_district(district_id)}
        for provider in ports.providers.providers_of(district_id):
            if provider.provider_id in with_beds:
                summaries.append(plan_provider_day(provider, day, policy, circuity, ports))
    return summaries


def worker_bed_route(who: Caller, worker_id: str, day: date, ports: BedKeeping) -> dict[str, Any]:
    """The worker's bed route of the day (the worker themself, or the city admin)."""
    if who.role is not Role.CITY_ADMIN:
        who.require(Role.WORKER)
        if who.scope != worker_id:
            raise ForbiddenError("a worker can only see their own route")
    route = ports.routes.bed_route(worker_id, day)
    if route is None:
        raise NotFoundError(f"no bed route for {worker_id} on {day}")
    return route


def scope_beds_and_visits(
    where: Scope, month: str, ports: BedKeeping
) -> tuple[list[HomeCareBed], list[BedVisit]]:
    """The scope's beds and their visits from HISTORY_DAYS before the month to its end."""
    first, last = month_days(month)
    beds: list[HomeCareBed] = []
    visits: list[BedVisit] = []
    for district_id in districts_in(where, ports.communities):
        beds += [b for b in ports.beds.beds_of_district(district_id) if where.holds(b)]
        since = first - timedelta(days=HISTORY_DAYS)
        visits += ports.visits.visits_of_district(district_id, since, last)
    ids = {b.bed_id for b in beds}
    return beds, [v for v in visits if v.bed_id in ids]


def bed_coverage(
    who: Caller, scope: str, month: str, today: date, policy: BedPolicy, ports: BedKeeping
) -> dict[str, Any]:
    """The month's bed service in a scope, recomputed from the beds and visit records, its
    rules judged through the day before `today` (a month under way: its unserved beds are
    pending, not yet misses): beds by status, due and served, gaps, service hours, misses."""
    where = readable_scope(who, scope, ports.scopes)
    beds, visits = scope_beds_and_visits(where, month, ports)
    as_of = today - timedelta(days=1)
    coverage = month_coverage(month, beds, visits, policy, as_of)
    statuses = {s.value: sum(1 for b in beds if b.status is s) for s in BedStatus}
    return {
        "scope": str(where),
        "month": month,
        "beds": statuses,
        "beds_in_service": coverage.beds_in_service,
        "beds_due": coverage.beds_due,
        "beds_served": coverage.beds_served,
        "percent": coverage.percent,
        "judged_through": coverage.judged_through.isoformat(),
        "pending": coverage.pending,
        "monthly_misses": sum(1 for m in coverage.misses if m.rule == "monthly"),
        "cadence_misses": coverage.cadence_misses,
        "visits_served": coverage.visits_served,
        "visits_not_home": coverage.visits_not_home,
        "service_hours": round(coverage.service_minutes / 60, 1),
        "misses": [
            {"bed_id": m.bed_id, "provider_id": m.provider_id, "rule": m.rule, "detail": m.detail}
            for m in coverage.misses
        ],
    }
