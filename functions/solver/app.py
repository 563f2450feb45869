"""Solver: SQS plan jobs -> OR-Tools route per steward -> routes table (partial batch failures)."""

from careroute.entrypoints import cold_start  # first: the collector paused while loading

# isort: split

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from careroute.adapters.dynamodb.repositories import community_planning
from careroute.entrypoints import handler_setup
from careroute.entrypoints.batch_setup import sqs_entry
from careroute.entrypoints.handler_setup import count_metrics
from careroute.messages.visits import PlanJob
from careroute.observability import logger
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
    # One per community route stored; the PlanNotFinished alarm compares it with PlanJobsSent.
    count_metrics(VisitsPlanned=outcome.planned, PlansCompleted=1)
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


lambda_handler = sqs_entry(record_handler)


cold_start.loaded()
