"""The projector's dead letters as a port: ProjectorDLQ's OnFailure records (SQS), each read
back from the visits stream as the visit records of its batch."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from careroute.adapters.dynamodb import dead_letters
from careroute.adapters.dynamodb.repositories import visit_projection
from careroute.adapters.dynamodb.stream_failures import FailedBatch, new_images
from careroute.adapters.dynamodb.visits import record_from_image
from careroute.domain.vocabulary import VisitRecord
from careroute.service_layer.ports import Replayed
from careroute.service_layer.stream_redrive import ProjectorRedrive


class SqsFailedVisitBatches:
    def __init__(self, dlq_url: str) -> None:
        self._dlq_url = dlq_url

    def replay_each(
        self, replay: Callable[[Iterator[VisitRecord]], object], limit: int | None = None
    ) -> Replayed:
        def handle(body: str) -> object:
            images = new_images(FailedBatch.from_message(body))
            return replay(record_from_image(image) for image in images)

        done = dead_letters.replay(self._dlq_url, handle, limit)
        return Replayed(moved=done.moved, left=done.left)


def projector_redrive(dlq_url: str) -> ProjectorRedrive:
    """The ports of replaying the projector's dead letters, on SQS and DynamoDB."""
    return ProjectorRedrive(failed=SqsFailedVisitBatches(dlq_url), projection=visit_projection())
