"""Projector: visits stream -> monthly coverage counters (exactly once per visit), the
elder's registry entry (last visit or attempt, status, urgent tier; idempotent) and the
elder's entry in the overdue view."""

from careroute.entrypoints import cold_start  # first: the collector paused while loading

# isort: split

from typing import Any

from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
    DynamoDBRecordEventName,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from careroute.adapters.dynamodb.repositories import visit_projection
from careroute.adapters.dynamodb.visits import record_from_image
from careroute.domain.coverage import Projection
from careroute.entrypoints import handler_setup
from careroute.entrypoints.batch_setup import stream_batch
from careroute.entrypoints.handler_setup import count_metrics, event_entry
from careroute.observability import logger
from careroute.service_layer.projection import project

setup = handler_setup.with_policy()
ports = visit_projection()


def record_handler(record: DynamoDBRecord) -> None:
    if record.event_name is not DynamoDBRecordEventName.INSERT or record.dynamodb is None:
        return  # visits are written once; anything else is not a new outcome
    visit = record_from_image(record.dynamodb.new_image)
    # The stream record and the visit (opaque ids) on every line of this record's work.
    logger.append_keys(stream_event_id=record.event_id, visit_id=visit.visit_id)
    if project(visit, setup.policy(), ports) is Projection.APPLIED:
        count_metrics(VisitsProjected=1)
    else:
        count_metrics(DuplicateVisitRecords=1)


@event_entry
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return stream_batch(event, record_handler)


cold_start.loaded()
