"""Visits the integration tests store as POST /visits does and project with the real
projector: whose visit (an active elder of a steward's community), and the findings a
visit with tickets to open carries."""

from __future__ import annotations

from careroute.adapters.dynamodb.visits import save_visit_once
from careroute.domain.vocabulary import (
    Elder,
    ElderStatus,
    Finding,
    FindingCategory,
    Registry,
    Severity,
    Steward,
    VisitRecord,
)
from careroute_local.pump import EventPump

URGENT_AND_NORMAL = (
    Finding(FindingCategory.SAFETY_HAZARD, Severity.URGENT, "loose gas hose"),
    Finding(FindingCategory.SUBSIDY_ELIGIBILITY, Severity.NORMAL),
)
"""Findings that open two tickets: an urgent one and a normal one."""


def active_elders_of(city: Registry, steward: Steward) -> list[Elder]:
    """The active elders of `steward`'s community, in the registry's order."""
    return [
        e
        for e in city.elders
        if e.community_id == steward.community_id and e.status is ElderStatus.ACTIVE
    ]


def project_visit(pump: EventPump, record: VisitRecord) -> VisitRecord:
    """Store `record` once (request hash `hash-<visit id>`) and run the projector over its
    stream record, which must not fail."""
    save_visit_once(record, request_hash=f"hash-{record.visit_id}")
    assert pump.drain_stream("VisitsTable").failed == 0
    return record
