"""Visits stream -> coverage and registry: apply each visit outcome to the counters and to
the elder it was about.

A stream record may arrive two or three times and out of order, so every elder update is a
conditional maximum or keyed to the visit time, and safe to repeat:

- visited: `last_visited_on` moves forward; a hospitalised elder is active again (home),
  unless the visit was made where the elder is staying (the record's `stay`: in hospital).
- hospitalised with a stay: the elder's stay is stored with the status (the planner plans the
  month's visit there); any change of status without one clears it.
- phone or video contact: `contacted_on` moves forward (whatever the policy says: the
  planner and the checks read the policy's `[contacts]` to decide whether it covers the
  month; it never covers the cadence).
- not home / refused: `last_attempt_at` moves forward (a later completed visit supersedes
  it when the elder is read, see `storage.registry`).
- hospitalised / moved / deceased: the status changes (the planner skips non-active
  elders), with an entry in the elder's history naming the steward and the outcome. Moved
  and deceased are final here: no outcome brings an elder back from them.
- an urgent finding: `urgent_until` moves forward to the visit date plus the policy's
  `urgent_finding_t1_days` (the elder is T1 until then).
- every finding opens a follow-up ticket (id from visit id + finding index: opened once).
- a failed try that makes the policy's `[retries] unreachable_after` failed tries in a row
  in the month (counted from the elder's stored visits of the month, so a repeat or a late
  record never counts twice) opens the street office's "unreachable" ticket (id from elder
  and month: opened once). A later visit does not close it: the street office does.

Every outcome that sets or confirms a status (visited included) is compared with the time of
the last one applied, so an older hospitalised record delivered after a newer visit does
nothing. A status change this record made moves the coverage denominators (registry
totals: active elders per scope and tier) once, keyed by the visit (a crash between the two
writes leaves them one off until the next import).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

from careroute.domain.access import Role
from careroute.domain.coverage import Projection
from careroute.domain.elder_history import Actor, Entry, Kind
from careroute.domain.errors import NotFoundError
from careroute.domain.policy import Policy
from careroute.domain.retries import FAILED_ATTEMPTS
from careroute.domain.vocabulary import (
    CONTACT_OUTCOMES,
    Elder,
    ElderStatus,
    Outcome,
    Severity,
    VisitRecord,
)
from careroute.service_layer.overdue_view import keep_elder
from careroute.service_layer.ports import (
    CoverageRepository,
    ElderRepository,
    StatusChange,
    TicketRepository,
    VisitRepository,
)
from careroute.service_layer.ports.overdue import OverdueView
from careroute.service_layer.registry_totals import move_totals
from careroute.service_layer.tickets import open_tickets, open_unreachable_ticket

STATUS_AFTER = {
    Outcome.VISITED: ElderStatus.ACTIVE,
    Outcome.HOSPITALISED: ElderStatus.HOSPITALISED,
    Outcome.MOVED: ElderStatus.MOVED,
    Outcome.DECEASED: ElderStatus.DECEASED,
}
"""The status an outcome leaves the elder in (visited: home, so active)."""
FINAL_STATUSES = frozenset({ElderStatus.MOVED, ElderStatus.DECEASED})
STATUS_TRIES = 3


@dataclass(frozen=True)
class VisitProjection:
    """The ports projecting a visit record reads and writes."""

    elders: ElderRepository
    tickets: TicketRepository
    coverage: CoverageRepository
    visits: VisitRepository
    """Read only: the elder's visits of the month, to count failed tries."""
    overdue: OverdueView | None = None
    """The overdue view the elder's entry is rewritten in after its updates; None where
    nothing reads one (tests of the counters alone)."""


def project(record: VisitRecord, policy: Policy, ports: VisitProjection) -> Projection:
    """Apply one visit record; safe to call any number of times for the same record.

    The elder's updates come first (each idempotent on its own): if the counter transaction
    then fails, the retried record redoes them all and they change nothing the second time.
    """
    elders = ports.elders
    if record.completed:
        elders.mark_visited(record.community_id, record.elder_id, record.local_date)
    if record.outcome in CONTACT_OUTCOMES:
        elders.mark_contacted(record.community_id, record.elder_id, record.local_date)
    if record.outcome in FAILED_ATTEMPTS:
        elders.mark_attempt(record.community_id, record.elder_id, record.visited_at)
        open_unreachable_ticket(ports.visits, ports.tickets, record, policy.retries)
    if record.outcome in STATUS_AFTER:
        target = status_after(record)
        before = apply_status(elders, record, target)
        if before is not None:
            after = replace(before, status=target)
            key = f"visit-{record.visit_id}"
            move_totals(before, after, record.local_date, policy, ports.coverage, key)
    if any(finding.severity is Severity.URGENT for finding in record.findings):
        until = record.local_date + timedelta(days=policy.urgent_finding_t1_days)
        elders.raise_urgent_until(record.community_id, record.elder_id, until)
    if record.findings:
        open_tickets(ports.tickets, record, policy.tickets)
    if ports.overdue is not None:  # after the elder's updates: a repeat writes the same entry
        keep_elder(
            record.community_id, record.elder_id, record.local_date, policy, elders, ports.overdue
        )
    return ports.coverage.project_visit(record, policy.contacts.count_toward_monthly)


def status_after(record: VisitRecord) -> ElderStatus:
    """The status the record leaves the elder in: a visit made where the elder is staying
    away from home (hospital) leaves the elder hospitalised, any other visit home."""
    if record.outcome is Outcome.VISITED and record.stay is not None:
        return ElderStatus.HOSPITALISED
    return STATUS_AFTER[record.outcome]


def status_reason(record: VisitRecord) -> str:
    return f"visit outcome '{record.outcome.value}' recorded on {record.local_date.isoformat()}"


def apply_status(elders: ElderRepository, record: VisitRecord, target: ElderStatus) -> Elder | None:
    """Set (or confirm) the elder's status from the record, unless a newer outcome already
    did or the elder has left (moved, deceased). The elder as it was before, when this
    record changed its status; None when it changed nothing or only confirmed it."""
    # The common case, an active elder visited: confirm without reading first (the update's
    # own condition keeps it safe); anything else falls through to the read.
    if target is ElderStatus.ACTIVE and elders.change_status(
        StatusChange(record.community_id, record.elder_id, target, target, record.visited_at)
    ):
        return None
    expected: ElderStatus | None = None
    for _ in range(STATUS_TRIES):
        try:
            current = elders.get_elder(record.community_id, record.elder_id, consistent=True)
        except NotFoundError:
            return None  # not in the registry (any more): nothing to apply
        if current.status in FINAL_STATUSES or current.status is expected:
            # final, or the status was as expected and the update's time condition failed:
            # this outcome (or a newer one) is applied already
            return None
        expected = current.status
        change: tuple[str, Entry] | None = None
        if target is not expected:
            entry = Entry(
                kind=Kind.CHANGE,
                at=record.visited_at,
                actor=Actor(record.steward_id, Role.STEWARD.value),
                what="status",
                old=expected.value,
                new=target.value,
                reason=status_reason(record),
            )
            change = (f"visit-{record.visit_id}", entry)
        at = record.visited_at
        status = StatusChange(
            record.community_id, record.elder_id, expected, target, at, change, record.stay
        )
        if elders.change_status(status):
            return current if target is not expected else None
    return None
