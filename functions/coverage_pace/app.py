"""Daily coverage pace: a Scheduler tick at the end of the working day -> the share of due
elders visited this month vs the share of its working days done, as CloudWatch metrics
(the CoverageBehindPace alarm watches CoverageLagPoints)."""

from careroute.entrypoints import cold_start  # first: the collector paused while loading

# isort: split

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from careroute.adapters.dynamodb.oversight_repositories import pace_reading
from careroute.domain.vocabulary import china_date
from careroute.entrypoints import handler_setup
from careroute.entrypoints.handler_setup import event_entry, reported
from careroute.messages.visits import PaceTick
from careroute.observability import metrics
from careroute.service_layer.pace import city_pace

handler_setup.bound_settings()
ports = pace_reading()
PERCENT = MetricUnit.Percent


@event_entry
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    pace = city_pace(china_date(PaceTick.model_validate(event).scheduled_time), ports)
    metrics.add_metric(name="CoverageLagPoints", unit=MetricUnit.NoUnit, value=pace.lag_points)
    metrics.add_metric(name="CoverageVisitedPercent", unit=PERCENT, value=100 * pace.visited_share)
    metrics.add_metric(name="MonthElapsedPercent", unit=PERCENT, value=100 * pace.elapsed_share)
    summary = {
        "month": pace.month,
        "elders_due": pace.elders_due,
        "elders_visited": pace.elders_visited,
        "working_days_done": pace.working_days_done,
        "working_days": pace.working_days,
        "lag_points": pace.lag_points,
    }
    return reported("coverage pace", summary)


cold_start.loaded()
