"""Record a steward's visit outcome, exactly once per Idempotency-Key.

The record takes the elder's scopes and tier from the elder as read: from the steward's route
of the day, kept by the container (`route_elders`), or for an elder not on it from the
elders' table (perhaps a cache). The write stores it only while the stored elder is still so,
and a stale copy is read again and the record made anew (`save_visit_as_read`). The steward's
community that day is the route's (the steward is read only on a day without a route), so one
conditional write is the whole request once the route is kept, however far apart a steward's
outcomes come. Before the route is kept, an outcome sent with its stop's reference
(`planning.stop_ref`: the elder's community, street, district and tier) is recorded from it
in one write that checks all of it on the stored steward and elder (`record_as_claimed`); a
reference that fails changes nothing: the outcome is recorded as without one."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from careroute.domain.errors import ConflictError, ForbiddenError, ValidationError
from careroute.domain.policy import Policy
from careroute.domain.scope_ids import ScopeIds, scope_ids
from careroute.domain.stable_ids import stable_id
from careroute.domain.vocabulary import Tier, VisitRecord, china_date
from careroute.messages.visits import VisitRequest
from careroute.planning.stop_ref import stop_claim
from careroute.service_layer.ports import (
    ElderRepository,
    RouteRepository,
    StewardRepository,
    VisitRepository,
)
from careroute.service_layer.route_elders import keep_route, route_elders, route_kept

MAX_CLOCK_SKEW = timedelta(minutes=10)
MAX_LATENESS = timedelta(days=62)
"""Outcomes queued offline may arrive late, but not from before last month."""
ELDER_READS = 3
"""Reads of the elder (each followed by a write) a visit may take: the first from the route
or a cache, then consistent ones while the elder changes between the read and the write."""


def visit_id_for(steward_id: str, idempotency_key: str) -> str:
    """One visit per (steward, key): a retry maps to the same id, other stewards can't collide."""
    return stable_id("", f"{steward_id}\n{idempotency_key}", 32)


def request_fingerprint(request: VisitRequest) -> str:
    return hashlib.sha256(request.model_dump_json().encode()).hexdigest()


@dataclass(frozen=True)
class VisitRecording:
    """The ports recording a visit reads and writes."""

    stewards: StewardRepository
    elders: ElderRepository
    routes: RouteRepository
    visits: VisitRepository


def require_cover_stop(
    routes: RouteRepository, steward_id: str, day: date, community_id: str, elder_id: str
) -> None:
    """The elder is a cover stop on the steward's route of the day, as stored now (the route
    read is kept for the outcome's record)."""
    route = routes.find_route(steward_id, day)
    if route is not None:
        keep_route(route)
    stops = route["stops"] if route is not None else []
    if not any(
        s["elder_id"] == elder_id and s.get("community_id") == community_id and s.get("cover")
        for s in stops
    ):
        raise ForbiddenError(
            f"elder {elder_id} of community {community_id} is not a cover stop on your "
            f"route for {day}"
        )


def record_visit(
    request: VisitRequest,
    idempotency_key: str,
    now: datetime,
    policy: Policy,
    ports: VisitRecording,
    stop_ref: str | None = None,
) -> tuple[VisitRecord, bool]:
    """Store the outcome; returns (record, created). A retried request returns the original.
    `stop_ref`: the reference of the outcome's stop, as the steward's route read gave it."""
    if request.visited_at > now + MAX_CLOCK_SKEW:
        raise ValidationError("visited_at is in the future")
    if request.visited_at < now - MAX_LATENESS:
        raise ValidationError(f"visited_at is more than {MAX_LATENESS.days} days old")
    steward_id = request.steward_id
    local_day = china_date(request.visited_at)
    if stop_ref is not None and not route_kept(steward_id, local_day):
        stored = record_as_claimed(request, idempotency_key, now, policy, ports, stop_ref)
        if stored is not None:
            return stored
    on_route = route_elders(ports.routes, steward_id, local_day)
    home = on_route.community_id or ports.stewards.get_steward(steward_id).community_id
    # Elders are keyed by community: a steward reaches elders of the community they serve
    # that day, and an absent neighbour's elders only where that day's route gave them as
    # cover stops.
    community_id = request.community_id or home
    if community_id != home:
        require_cover_stop(ports.routes, steward_id, local_day, community_id, request.elder_id)
    fingerprint = request_fingerprint(request)
    for read in range(ELDER_READS):
        # First the route's copy or a cache; after a failed check, the table, kept in the
        # route's place so that the elder's next outcome here is one write again.
        elder = on_route.elder(community_id, request.elder_id) if read == 0 else None
        if elder is None:
            elder = ports.elders.get_elder(community_id, request.elder_id, consistent=read > 0)
            if read > 0:
                on_route.renew(elder)
        tier = policy.tier_of(elder, local_day)
        record = visit_record(request, idempotency_key, now, scope_ids(elder), tier)
        stored = ports.visits.save_visit_as_read(record, fingerprint, elder)
        if stored is not None:
            return stored
    raise ConflictError("the elder changed while the visit was recorded; send it again")


def record_as_claimed(
    request: VisitRequest,
    idempotency_key: str,
    now: datetime,
    policy: Policy,
    ports: VisitRecording,
    stop_ref: str,
) -> tuple[VisitRecord, bool] | None:
    """The outcome recorded from its stop's reference, in one write that checks what the
    reference claims (the steward serves the elder's community, the elder's street, district
    and tier on the visit's day); None, nothing stored, when it is not a reference, names
    another community than the request or a check fails."""
    claim = stop_claim(stop_ref)
    if claim is None or request.community_id not in (None, claim.community_id):
        return None
    placed: ScopeIds = {
        "community_id": claim.community_id,
        "street_id": claim.street_id,
        "district_id": claim.district_id,
    }
    record = visit_record(request, idempotency_key, now, placed, claim.tier)
    return ports.visits.save_visit_as_claimed(record, request_fingerprint(request), policy)


def visit_record(
    request: VisitRequest, idempotency_key: str, now: datetime, placed: ScopeIds, tier: Tier
) -> VisitRecord:
    """The record of `request`, for an elder in the scopes `placed` with `tier` on the
    visit's local day."""
    return VisitRecord(
        visit_id=visit_id_for(request.steward_id, idempotency_key),
        elder_id=request.elder_id,
        steward_id=request.steward_id,
        **placed,
        tier=tier,
        outcome=request.outcome,
        visited_at=request.visited_at,
        recorded_at=now,
        notes=request.notes,
        findings=tuple(finding.to_domain() for finding in request.findings),
        location=request.location.to_domain() if request.location else None,
        stay=request.stay.to_domain() if request.stay else None,
    )
