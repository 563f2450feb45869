"""Inspection solver: SQS district jobs -> fleet routes for the district's inspectors
(partial batch failures)."""

from careroute.entrypoints import cold_start  # first: the collector paused while loading

# isort: split

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from careroute.adapters.dynamodb.inspection_repositories import district_planning
from careroute.entrypoints import handler_setup
from careroute.entrypoints.batch_setup import sqs_entry
from careroute.entrypoints.handler_setup import count_metrics
from careroute.messages.inspections import InspectionPlanJob
from careroute.observability import logger
from careroute.service_layer.inspections import plan_district

setup = handler_setup.with_policy()
ports = district_planning()
LOGGED = ("district_id", "date", "candidates", "mandatory", "planned", "unassigned_mandatory",
          "solve_ms", "status")  # fmt: skip


def record_handler(record: SQSRecord) -> None:
    job = InspectionPlanJob.model_validate_json(record.body)
    summary = plan_district(job, setup.policy(), ports)
    count_metrics(
        InspectionsPlanned=summary["planned"],
        InspectionsMandatoryUnassigned=summary["unassigned_mandatory"],
    )
    logger.info("district inspections planned", extra={k: summary[k] for k in LOGGED})


lambda_handler = sqs_entry(record_handler)


cold_start.loaded()
