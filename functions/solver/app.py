"""Solver: SQS plan jobs -> OR-Tools route per steward -> routes table (partial batch failures)."""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from careroute.adapters.dynamodb.repositories import community_planning
from careroute.entrypoints import handler_setup
from careroute.observability import logger, metrics, tracer
from careroute.messages.visits import PlanJob
from careroute.service_layer.planning import plan_community

setup = handler_setup.with_policy()
ports = community_planning()


def record_handler(record: SQSRecord) -> None:
    # Every line of this record carries its message id; the night's run id correlates the
    # planner's fan-out with every community's solve.
    logger.append_keys(message_id=record.message_id)
    job = PlanJob.model_validate_json(record.body)
    logger.set_correlation_id(job.run_id)
    outcome = plan_community(job, setup.policy(), ports)
    metrics.add_metric(name="VisitsPlanned", unit=MetricUnit.Count, value=outcome.planned)
    # One per community route stored; the PlanNotFinished alarm compares it with PlanJobsSent.
    metrics.add_metric(name="PlansCompleted", unit=MetricUnit.Count, value=1)
    logger.info(
        "community planned",
        extra={
            "community_id": job.community_id,
            "plan_date": str(job.plan_date),
            "planned": outcome.planned,
            "unassigned": outcome.unassigned,
            "day_off": outcome.day_off,
            "cover": outcome.cover,
        },
    )


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handler_setup.sqs_batch(event, context, record_handler)
