"""The main job's meal and needs-assessment steps: tomorrow's lunch deliveries from the
stored canteens (the meal planner's schedule -> SQS canteen jobs -> the meal solver) and
the synthetic assessors and requests of the loaded city with tomorrow's assessment routes
(the assessment planner's schedule), each summarised in one line through the real handlers.

The canteens were loaded with the registry (synthetic_tables); the day's lunch orders of the
canteens planned are loaded here, just before the planner runs. Assessors and requests are
loaded once; a restarted stack keeps its own (results already recorded must not be reopened).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

from rich.console import Console

from careroute.domain.vocabulary import Registry
from careroute_local.pump import EventPump
from careroute_local.ticks import evening_before

MEAL_PLANNER = "MealPlannerFunction"
MEAL_QUEUE = "MealJobsQueue"
ASSESSMENT_PLANNER = "AssessmentPlannerFunction"


@dataclass(frozen=True)
class MealRun:
    canteens: int
    orders: int
    planned: int
    unassigned: int
    vehicles: int
    failed_jobs: int
    seconds: float
    districts: tuple[str, ...] = ()
    """The districts planned (empty: the whole city)."""

    def line(self, plan_date: date) -> str:
        where = f" in {', '.join(self.districts)}" if self.districts else ""
        return (
            f"Meals {plan_date}{where}: {self.canteens} canteens, {self.orders:,} lunch orders, "
            f"{self.planned:,} on {self.vehicles} vehicles, {self.unassigned} unassigned, "
            f"{self.failed_jobs} jobs failed in {self.seconds:.1f} s"
        )


def quickest_district() -> list[str]:
    """The district `careroute run` plans meals for by default: the one with the fewest
    canteens (on the default city 4 of 300, a few seconds; the whole city takes minutes).
    None (an empty list) when no canteen is stored."""
    from collections import Counter

    from careroute.adapters.dynamodb import canteens

    count = Counter(c.district_id for c in canteens.all_canteens())
    return [min(count, key=lambda d: (count[d], d))] if count else []


def plan_meals(
    pump: EventPump,
    plan_date: date,
    workers: int = 2,
    district_ids: list[str] | None = None,
    city: Registry | None = None,
    synthetic: bool = True,
) -> MealRun:
    """Load the day's lunch orders of the canteens of `district_ids` (or all), fire the meal
    planner for `plan_date`, solve each canteen's job, sum the stored plans. `city`: the
    registry just loaded, in memory (else the orders are drawn for the stored elders).
    `synthetic` false: no order is drawn, the stored (imported) ones are planned."""
    from careroute.adapters.dynamodb import canteens, meal_routes
    from careroute_local.synthetic_tables import load_lunch_orders

    started = time.perf_counter()
    planned = [
        c for c in canteens.all_canteens() if not district_ids or c.district_id in district_ids
    ]
    if synthetic:
        load_lunch_orders(plan_date, planned, city.elders if city else None)
    pump.fire_schedule(
        MEAL_PLANNER,
        evening_before(plan_date, 20),
        overrides={"plan_date": plan_date.isoformat(), "district_ids": district_ids},
    )
    stats = pump.drain_queue(MEAL_QUEUE, workers=workers)
    plans = []
    for canteen in planned:
        found = meal_routes.load_plan(canteen.canteen_id, plan_date)
        if found is not None:
            plans.append(found[2])
    return MealRun(
        canteens=len(plans),
        orders=sum(p["orders_planned"] + len(p["unassigned"]) for p in plans),
        planned=sum(p["orders_planned"] for p in plans),
        unassigned=sum(len(p["unassigned"]) for p in plans),
        vehicles=sum(p["vehicles_used"] for p in plans),
        failed_jobs=stats.failed,
        seconds=time.perf_counter() - started,
        districts=tuple(district_ids or ()),
    )


@dataclass(frozen=True)
class AssessmentRun:
    assessors: int
    """Loaded now (0 when a restarted stack kept its own), as are requests."""
    requests: int
    districts: int
    candidates: int
    planned: int
    unassigned_mandatory: int
    seconds: float
    load_seconds: float = 0.0

    def line(self, plan_date: date) -> str:
        loaded = (
            f"{self.assessors} assessors and {self.requests:,} requests loaded, "
            if self.assessors
            else ""
        )
        return (
            f"Assessments {plan_date}: {loaded}{self.districts} districts, "
            f"{self.candidates} candidates, {self.planned} planned "
            f"({self.unassigned_mandatory} past-deadline unassigned) in {self.seconds:.1f} s "
            f"(loading {self.load_seconds:.1f} s)"
        )


def load_assessments(seed: int, as_of: date, city: Registry | None = None) -> tuple[int, int]:
    """The synthetic assessors and requests of the stored city, imported (synthetic_tables),
    unless the stack has some.
    `city`: the registry just loaded, in memory (reading 140,000 elders back from the
    stack costs minutes on the full city)."""
    from careroute_synthetic.assessments import generate_assessments

    from careroute.adapters.dynamodb import assessments, registry
    from careroute.service_layer.data_import import DataSets
    from careroute_local.synthetic_tables import import_synthetic, places

    communities = list(city.communities if city else registry.all_communities())
    if not communities or assessments.assessors_of(communities[0].district_id):
        return 0, 0
    elders = tuple(city.elders if city else registry.all_elders())
    assessors, requests = generate_assessments(communities, elders, seed, as_of)
    data = DataSets(assessors=assessors, assessment_requests=requests)
    import_synthetic(data, places(communities, elders))
    return len(assessors), len(requests)


def plan_assessments(
    pump: EventPump,
    plan_date: date,
    seed: int,
    as_of: date,
    city: Registry | None = None,
    synthetic: bool = True,
) -> AssessmentRun:
    """The synthetic assessors and requests loaded if needed (unless not `synthetic`: then
    only those imported), `plan_date` planned, summarised."""
    started = time.perf_counter()
    assessors, requests = load_assessments(seed, as_of, city) if synthetic else (0, 0)
    load_seconds = time.perf_counter() - started
    summary = pump.fire_schedule(
        ASSESSMENT_PLANNER,
        evening_before(plan_date, 19),
        overrides={"plan_date": plan_date.isoformat()},
    )
    return AssessmentRun(
        assessors=assessors,
        requests=requests,
        districts=int(summary["districts"]),
        candidates=int(summary.get("candidates", 0)),
        planned=int(summary["planned"]),
        unassigned_mandatory=int(summary["unassigned_mandatory"]),
        seconds=time.perf_counter() - started,
        load_seconds=load_seconds,
    )


def count_service_circle(city: Registry | None, as_of: date, console: Console) -> None:
    """The daily service-circle count (what ServiceCircleCountFunction stores each night)
    from the registry just loaded, in memory; a restarted stack keeps its stored count."""
    if city is None:
        return
    from careroute.adapters.dynamodb.circle_repositories import circle_counting
    from careroute.domain.coverage import Scope
    from careroute.domain.policy import load_policy
    from careroute.service_layer.service_circle import count_circles

    started = time.perf_counter()
    counts = count_circles(city.communities, city.elders, load_policy(), as_of, circle_counting())
    elders, within = counts[Scope.parse("city")]
    console.print(
        f"Service circle {as_of}: {within:,} of {elders:,} elders within 15 minutes' walk "
        f"({within / max(elders, 1):.1%}), {len(counts):,} scopes counted in "
        f"{time.perf_counter() - started:.1f} s"
    )


def count_overdue_view(city: Registry | None, as_of: date, console: Console) -> None:
    """The overdue view (what ServiceCircleCountFunction stores each night beside the circle)
    from the registry just loaded, in memory; a restarted stack keeps its stored view."""
    if city is None:
        return
    from careroute.adapters.dynamodb.overdue_view import DynamoOverdueView
    from careroute.domain.policy import load_policy
    from careroute.service_layer.overdue_view import count_overdue

    started = time.perf_counter()
    ids = [c.community_id for c in city.communities]
    count_overdue(city.elders, ids, as_of, load_policy(), DynamoOverdueView())
    console.print(
        f"Overdue view {as_of}: {len(ids):,} communities in {time.perf_counter() - started:.1f} s"
    )


def print_care_flows(
    pump: EventPump,
    plan_date: date,
    seed: int,
    as_of: date,
    console: Console,
    *,
    city: Registry | None = None,
    meals: str = "district",
    workers: int = 2,
    synthetic: bool = True,
) -> tuple[MealRun | None, AssessmentRun]:
    """The service-circle count (when `city` was loaded now) and both steps, one line
    each. `meals` (`careroute run --meals`): "district" plans the
    canteens of the district with the fewest, a district id that district's, "city" all 300
    (minutes: benchmarks/care_flows_startup.py), "off" none. `city`: the registry just
    loaded, if it was. `synthetic` false (a city given as files): nothing is drawn, the
    imported orders, assessors and requests are planned."""
    count_service_circle(city, as_of, console)
    count_overdue_view(city, as_of, console)
    meal_run = None
    if meals != "off":
        districts = {"district": quickest_district(), "city": None}.get(meals, [meals])
        meal_run = plan_meals(pump, plan_date, workers, districts, city, synthetic)
        console.print(meal_run.line(plan_date))
    assessment_run = plan_assessments(pump, plan_date, seed, as_of, city, synthetic)
    console.print(assessment_run.line(plan_date))
    return meal_run, assessment_run
