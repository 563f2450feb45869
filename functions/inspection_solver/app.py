"""Inspection solver: SQS district jobs -> fleet routes for the district's inspectors
(partial batch failures)."""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from careroute.entrypoints import handler_setup
from careroute.observability import logger, metrics, tracer
from careroute.messages.inspections import InspectionPlanJob
from careroute.service_layer.inspections import plan_district

setup = handler_setup.with_policy()
LOGGED = ("district_id", "date", "candidates", "mandatory", "planned", "unassigned_mandatory",
          "solve_ms", "status")  # fmt: skip


def record_handler(record: SQSRecord) -> None:
    job = InspectionPlanJob.model_validate_json(record.body)
    summary = plan_district(job, setup.policy())
    metrics.add_metric(name="InspectionsPlanned", unit=MetricUnit.Count, value=summary["planned"])
    metrics.add_metric(
        name="InspectionsMandatoryUnassigned",
        unit=MetricUnit.Count,
        value=summary["unassigned_mandatory"],
    )
    logger.info("district inspections planned", extra={k: summary[k] for k in LOGGED})


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handler_setup.sqs_batch(event, context, record_handler)
