"""Daily 15-minute service circle count: a Scheduler tick before dawn -> every elder of the
registry counted within or outside 15 minutes' walk of a facility, one stored item per
community, street, district and the city, which GET /coverage reads (one item per report
instead of every elder of its scope). The same read of every elder counts the overdue view
(each community's late and soon-due elders, which GET /overdue reads), and one read of the
month's visit records every scope's series of the month day by day (GET /coverage/daily),
and the same registry this month's and next month's capacity forecast per district
(GET /oversight/capacity); the running month's misses so far per community, and on a
month's first day last month's (GET /exports/misses)."""

from careroute.entrypoints import cold_start  # first: the collector paused while loading

# isort: split

from datetime import timedelta
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from careroute.adapters.dynamodb import registry
from careroute.adapters.dynamodb.capacity_view import DynamoCapacityView
from careroute.adapters.dynamodb.circle_repositories import circle_counting
from careroute.adapters.dynamodb.coverage_series import DynamoSeries
from careroute.adapters.dynamodb.misses_view import DynamoMissesView
from careroute.adapters.dynamodb.overdue_view import DynamoOverdueView
from careroute.adapters.dynamodb.repositories import DynamoVisits, holidays_in_force
from careroute.domain.coverage import Scope
from careroute.domain.due import month_end
from careroute.domain.vocabulary import Registry, china_date
from careroute.entrypoints import handler_setup
from careroute.entrypoints.handler_setup import count_metrics, event_entry, reported
from careroute.messages.visits import PaceTick
from careroute.service_layer.capacity import keep_forecasts
from careroute.service_layer.dashboard import store_series
from careroute.service_layer.month_misses import keep_month_misses
from careroute.service_layer.overdue_view import count_overdue
from careroute.service_layer.service_circle import count_circles

setup = handler_setup.with_policy()
ports = circle_counting()
overdue_view = DynamoOverdueView()
visits, series, capacity = DynamoVisits(), DynamoSeries(), DynamoCapacityView()
misses = DynamoMissesView()


@event_entry
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    tick = PaceTick.model_validate(event)
    day = china_date(tick.scheduled_time)
    communities, elders = list(registry.all_communities()), list(registry.all_elders())
    counts = count_circles(communities, elders, setup.policy(), day, ports)
    community_ids = [c.community_id for c in communities]
    viewed = count_overdue(elders, community_ids, day, setup.policy(), overdue_view)
    contacts = setup.policy().contacts.count_toward_monthly
    charted = store_series(day, communities, contacts, visits, series)
    city = Registry(tuple(communities), tuple(registry.all_stewards()), tuple(elders))
    months = (day.replace(day=1), month_end(day) + timedelta(days=1))
    forecasts = keep_forecasts(months, city, setup.policy(), holidays_in_force(), capacity, day)
    months_judged = [f"{day:%Y-%m}"]  # the running month's misses so far, as of this count
    if day.day == 1:  # and last month's, over now: fixed from this count on
        months_judged.append(f"{day - timedelta(days=1):%Y-%m}")
    missed = sum(
        keep_month_misses(elders, community_ids, month, day, setup.policy(), visits, misses)
        for month in months_judged
    )
    counted, within = counts.get(Scope.parse("city"), (0, 0))
    count_metrics(ServiceCircleElders=counted, ServiceCircleWithin=within)
    summary = {
        "date": day.isoformat(),
        "scopes": len(counts),
        "elders": counted,
        "within": within,
        "overdue_views": viewed,
        "month_series": charted,
        "capacity_forecasts": forecasts,
        "month_misses": missed,
    }
    return reported("service circle counted", summary)


cold_start.loaded()
