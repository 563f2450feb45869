"""Urgent events: SQS device events -> validated -> merged into an incident -> dispatched to
the best responder's route, who is told (partial batch failures: only what failed is retried).
A bad event (malformed, unknown device, ...) goes to the DLQ at once with its reason."""

from careroute.entrypoints import cold_start  # first: the collector paused while loading

# isort: split

from dataclasses import replace

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from careroute.adapters.dynamodb.order_repositories import incident_handling
from careroute.adapters.dynamodb.rejected_events import reject
from careroute.domain import clock
from careroute.entrypoints import handler_setup
from careroute.entrypoints.batch_setup import sqs_entry
from careroute.entrypoints.handler_setup import count_metrics
from careroute.entrypoints.notification_setup import notices
from careroute.observability import logger
from careroute.service_layer.incidents import EventRejected, receive

setup = handler_setup.with_policy()
ports = replace(incident_handling(), notices=notices())


def record_handler(record: SQSRecord) -> None:
    try:
        incident = receive(record.body, clock.now(), setup.policy(), ports)
    except EventRejected as exc:
        reject(setup.settings.urgent_events_dlq_url, record.body, exc.reason, str(exc))
        count_metrics(UrgentEventsRejected=1)
        logger.warning(
            "urgent event rejected", extra={"reason": exc.reason, "message_id": record.message_id}
        )
        return
    count_metrics(UrgentEventsAccepted=1)
    logger.info(
        "urgent event handled",
        extra={
            "incident_id": incident.incident_id,
            "status": incident.status.value,
            "events": incident.event_count,
            "responder_id": incident.responder_id,
        },
    )


lambda_handler = sqs_entry(record_handler)


cold_start.loaded()
