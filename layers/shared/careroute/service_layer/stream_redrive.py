"""Replay visit-stream batches the projector gave up on (ProjectorDLQ), safely and repeatably.

Each dead letter names a range of the visits stream; its visits are read back and projected
again through the same `project()` the projector runs. Projection is exactly-once per visit
id (a conditional marker), tickets are opened once per finding, and every elder update is a
conditional maximum: replaying a batch that was partly applied, or replaying it twice,
changes nothing twice. A batch older than the stream's 24 hours stays in the DLQ: then
`careroute coverage --month M --rebuild` restores the counters from the raw visit records.
"""

from __future__ import annotations

from careroute.adapters.dynamodb.dead_letters import Redriven, replay
from careroute.adapters.dynamodb.stream_failures import FailedBatch, new_images
from careroute.adapters.dynamodb.visits import record_from_image
from careroute.domain.policy import Policy
from careroute.service_layer.projection import VisitProjection, project


def replay_batch(body: str, policy: Policy, ports: VisitProjection) -> int:
    """Project every visit of one OnFailure record again; returns how many were replayed."""
    count = 0
    for image in new_images(FailedBatch.from_message(body)):
        project(record_from_image(image), policy, ports)
        count += 1
    return count


def redrive_projector(
    dlq_url: str, policy: Policy, ports: VisitProjection, limit: int | None = None
) -> Redriven:
    """Replay up to `limit` dead-lettered batches; each leaves the DLQ once replayed."""
    return replay(dlq_url, lambda body: replay_batch(body, policy, ports), limit)
