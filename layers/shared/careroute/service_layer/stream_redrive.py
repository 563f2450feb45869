"""Replay visit-stream batches the projector gave up on (ProjectorDLQ), safely and repeatably.

Each dead letter names a range of the visits stream; its visits are read back and projected
again through the same `project()` the projector runs. Projection is exactly-once per visit
id (a conditional marker), tickets are opened once per finding, and every elder update is a
conditional maximum: replaying a batch that was partly applied, or replaying it twice,
changes nothing twice. A batch older than the stream's 24 hours stays in the DLQ: then
`careroute coverage --month M --rebuild` restores the counters from the raw visit records.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from careroute.domain.policy import Policy
from careroute.domain.vocabulary import VisitRecord
from careroute.service_layer.ports import FailedVisitBatches, Replayed
from careroute.service_layer.projection import VisitProjection, project


@dataclass(frozen=True)
class ProjectorRedrive:
    """The ports of a redrive: the dead-lettered batches, and what projecting writes."""

    failed: FailedVisitBatches
    projection: VisitProjection


def replay_batch(records: Iterable[VisitRecord], policy: Policy, ports: VisitProjection) -> int:
    """Project every visit of one failed batch again; returns how many were replayed."""
    count = 0
    for record in records:
        project(record, policy, ports)
        count += 1
    return count


def redrive_projector(
    policy: Policy, ports: ProjectorRedrive, limit: int | None = None
) -> Replayed:
    """Replay up to `limit` dead-lettered batches; each leaves the DLQ once replayed."""
    return ports.failed.replay_each(
        lambda records: replay_batch(records, policy, ports.projection), limit
    )
