"""Lunch delivery from one canteen: the day's orders become vehicle routes.

A multi-vehicle VRP with time windows solved by the fleet router. Each vehicle makes one trip
per departure wave (`MealRules.departures`, e.g. 10:40 and 11:40: lunch is packed in two
batches); a trip is a fleet worker whose shift runs from its wave's departure to the next
wave's (the last to `return_by`), so a vehicle is back before it loads again. Each elder's
meals are handed over inside the window they asked for, a trip carries at most the vehicle's
capacity in meals, and no meal rides longer than the temperature limit
(`ride_limit_seconds`, from departure to hand-over; waiting at a door counts). Every order is
mandatory: one that cannot be reached in time is reported unassigned with the reason, never
silently dropped. Each trip costs `trip_fixed_cost` (seconds of travel), so fewer trips are
preferred.

Every plan is checked by the independent fleet validator before it is returned.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from careroute import routing
from careroute.domain.vocabulary import GeoPoint, TimeWindow, parse_clock
from careroute.planning.travel import HaversineTravel
from careroute.routing import (
    FleetProblem,
    FleetResult,
    FleetStop,
    SolveLimits,
    Worker,
    travel_matrix,
    validate_fleet,
)


@dataclass(frozen=True)
class Canteen:
    canteen_id: str
    district_id: str
    street_id: str
    location: GeoPoint
    community_ids: tuple[str, ...]
    """The communities whose elders it delivers to (each community has exactly one)."""
    vehicles: int
    vehicle_capacity: int
    speed_kmh: float


@dataclass(frozen=True)
class MealOrder:
    order_id: str
    """"{day}:{elder id}": one lunch order per elder per day."""
    elder_id: str
    canteen_id: str
    location: GeoPoint
    meals: int
    window: TimeWindow
    """When the elder wants it handed over."""


@dataclass(frozen=True)
class MealRules:
    departures: tuple[int, ...] = (parse_clock("10:40"), parse_clock("11:40"))
    """When packed lunches leave the canteen: one trip per vehicle per wave."""
    return_by: int = parse_clock("13:30")
    ride_limit_seconds: int = 45 * 60
    """Meal temperature: longest time from departure to hand-over."""
    handover_seconds: int = 90
    trip_fixed_cost: int = 1_800

    def __post_init__(self) -> None:
        waves = (*self.departures, self.return_by)
        if not self.departures or any(b <= a for a, b in itertools.pairwise(waves)):
            raise ValueError("departures must be increasing and before return_by")
        if waves[0] < 0 or waves[-1] > 24 * 3600:
            raise ValueError("departures and return_by must lie inside the day")
        if min(self.ride_limit_seconds, self.handover_seconds, self.trip_fixed_cost) < 0:
            raise ValueError("ride limit, hand-over time and trip cost must be >= 0")

    def trip_shifts(self) -> tuple[TimeWindow, ...]:
        """Per wave, from its departure to the next wave's (the last: to return_by)."""
        waves = (*self.departures, self.return_by)
        return tuple(TimeWindow(a, b) for a, b in itertools.pairwise(waves))


@dataclass(frozen=True)
class MealDrop:
    order_id: str
    elder_id: str
    sequence: int
    handover: int
    """Seconds of the day when the meals are handed over."""
    ride_seconds: int
    """Time since the vehicle left the canteen."""
    meals: int


@dataclass(frozen=True)
class MealRoute:
    vehicle_id: str
    trip: int
    """1 for the first departure wave, 2 for the second, ..."""
    drops: tuple[MealDrop, ...]
    departure: int
    ret: int
    travel_seconds: int
    meals: int


@dataclass(frozen=True)
class MealPlan:
    canteen_id: str
    day: date
    routes: tuple[MealRoute, ...]
    """Only the vehicles used."""
    unassigned: tuple[tuple[str, str], ...]
    """(order id, reason) of orders no vehicle can deliver in time."""
    travel_seconds: int
    vehicles_used: int
    trips: int
    longest_ride_seconds: int
    solve_ms: int
    status: str
    backend: str
    """Which search made the plan (FleetResult.backend)."""

    @property
    def orders_planned(self) -> int:
        return sum(len(r.drops) for r in self.routes)


def trip_workers(canteen: Canteen, rules: MealRules) -> tuple[Worker, ...]:
    """One fleet worker per vehicle and wave, id "{canteen}-V{n}-T{wave}" (place 0 the canteen)."""
    return tuple(
        Worker(
            f"{canteen.canteen_id}-V{n}-T{wave}",
            0,
            0,
            shift,
            capacity=canteen.vehicle_capacity,
            fixed_cost=rules.trip_fixed_cost,
        )
        for n in range(1, canteen.vehicles + 1)
        for wave, shift in enumerate(rules.trip_shifts(), start=1)
    )


def meal_problem(
    canteen: Canteen, orders: Sequence[MealOrder], rules: MealRules, ride_limits: bool = True
) -> FleetProblem:
    """The fleet problem of one canteen's day (place 0 the canteen, place k order k).

    `ride_limits` False leaves out the temperature limit (for solvers that cannot model it).
    """
    travel = HaversineTravel(speed_kmh=canteen.speed_kmh)
    matrix = travel_matrix([canteen.location, *(o.location for o in orders)], travel)
    workers = trip_workers(canteen, rules)
    stops = tuple(
        FleetStop(
            order.order_id,
            place,
            (order.window,),
            rules.handover_seconds,
            demand=order.meals,
            max_ride_seconds=rules.ride_limit_seconds if ride_limits else None,
        )
        for place, order in enumerate(orders, start=1)
    )
    return FleetProblem(workers, stops, matrix)


def ride_violations(problem: FleetProblem, result: FleetResult) -> int:
    """Hand-overs later than their stop's ride limit (0 for any plan the router returns)."""
    limits = {s.stop_id: s.max_ride_seconds for s in problem.stops}
    return sum(
        1
        for route in result.routes
        for stop in route.stops
        if (limit := limits.get(stop.stop_id)) is not None
        and stop.service_start - route.departure > limit
    )


def plan_meals(
    canteen: Canteen,
    orders: Sequence[MealOrder],
    day: date,
    rules: MealRules,
    limits: SolveLimits,
    seed: int = 0,
) -> MealPlan:
    """Route the canteen's vehicles for the day's orders; raises ValueError if the validator
    finds the plan breaks a rule (never stored)."""
    problem = meal_problem(canteen, orders, rules)
    result = routing.solve_fleet(problem, limits, seed)
    errors = validate_fleet(problem, result)
    if errors:
        raise ValueError(f"meal plan for {canteen.canteen_id} failed validation: {errors[:3]}")
    return to_meal_plan(canteen, orders, day, result)


def to_meal_plan(
    canteen: Canteen, orders: Sequence[MealOrder], day: date, result: FleetResult
) -> MealPlan:
    by_id = {o.order_id: o for o in orders}
    routes = tuple(
        MealRoute(
            route.worker_id.rsplit("-T", 1)[0],
            int(route.worker_id.rsplit("-T", 1)[1]),
            tuple(
                MealDrop(
                    stop.stop_id,
                    by_id[stop.stop_id].elder_id,
                    stop.sequence,
                    stop.service_start,
                    stop.service_start - route.departure,
                    by_id[stop.stop_id].meals,
                )
                for stop in route.stops
            ),
            route.departure,
            route.ret,
            route.travel_seconds,
            route.load,
        )
        for route in result.routes
        if route.stops
    )
    return MealPlan(
        canteen_id=canteen.canteen_id,
        day=day,
        routes=routes,
        unassigned=tuple((u.stop_id, u.reason.value) for u in result.unassigned),
        travel_seconds=result.travel_seconds,
        vehicles_used=len({r.vehicle_id for r in routes}),
        trips=len(routes),
        longest_ride_seconds=max((d.ride_seconds for r in routes for d in r.drops), default=0),
        solve_ms=result.solve_ms,
        status=result.status.value,
        backend=result.backend,
    )
