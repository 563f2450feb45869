"""Every data set of a synthetic city besides its registry, as one `DataSets`: what the local
stack imports (through the same CSV files and import a city's own data goes through) and
what `careroute data generate` writes next to the registry.

The same seeds as each generator's own use: the city's seed for inspections, devices,
assessments, home-service orders and benefit claims, MEAL_SEED for canteens, facilities,
hospitals and lunch orders (the same city always gets the same canteens), MARKET_SEED for the
home-service market.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from careroute.domain.policy import Policy
from careroute.domain.vocabulary import Elder, Registry
from careroute.planning.meals import Canteen, MealOrder
from careroute.service_layer.data_import import DataSets
from careroute_synthetic.assessments import generate_assessments
from careroute_synthetic.benefit_claims import synthetic_claims
from careroute_synthetic.devices import generate_devices
from careroute_synthetic.facilities import generate_facilities
from careroute_synthetic.hospitals import hospitals_of
from careroute_synthetic.inspections import generate_inspections
from careroute_synthetic.meals import MEAL_SEED, daily_orders, generate_canteens
from careroute_synthetic.orders import synthetic_orders
from careroute_synthetic.services import generate_market

MARKET_SEED = 11


def synthetic_data_sets(
    city: Registry, seed: int, as_of: date, policy: Policy, lunch_day: date | None = None
) -> DataSets:
    """The city's data sets as of `as_of` (devices installed, requests made, inspections
    due); with `lunch_day` also that day's lunch orders (else none are given)."""
    communities = sorted(city.communities, key=lambda c: c.community_id)
    inspections = generate_inspections(seed, communities, as_of=as_of, policy=policy.inspections)
    market = generate_market(communities, MARKET_SEED, policy.home_services.pilot_communities)
    canteens = generate_canteens(communities, MEAL_SEED)
    assessors, requests = generate_assessments(communities, city.elders, seed, as_of)
    orders = None if lunch_day is None else lunch_orders(canteens, city.elders, lunch_day)
    return DataSets(
        inspection_targets=inspections.targets,
        inspectors=inspections.inspectors,
        devices=tuple(generate_devices(city, seed, installed_on=as_of)),
        providers=market.providers,
        service_workers=market.workers,
        pilot_communities=tuple(sorted(market.pilots)),
        canteens=canteens,
        meal_orders=orders,
        assessors=assessors,
        assessment_requests=requests,
        service_facilities=generate_facilities(communities, MEAL_SEED, canteens),
        hospitals=hospitals_of(communities, MEAL_SEED),
    )


def with_history(
    data: DataSets, city: Registry, seed: int, as_of: date, policy: Policy
) -> DataSets:
    """`data` with the city's history a running city already has: the home-service orders
    of the month before `as_of` (and a few placed for the next days) from `data`'s market,
    and benefit claims notified before `as_of` (what `careroute data generate` writes; the
    local stack's own load leaves them out)."""
    market = data.market
    orders = (
        () if market is None else synthetic_orders(city, market, as_of, policy.home_services, seed)
    )
    claims = synthetic_claims(city, as_of, policy.benefits, policy.benefit_approval, seed)
    return replace(data, orders=orders, benefit_claims=claims)


def lunch_orders(
    canteens: Iterable[Canteen], elders: Iterable[Elder], day: date
) -> tuple[MealOrder, ...]:
    """Each canteen's lunch orders for `day` from the active elders of its communities."""
    by_community: dict[str, list[Elder]] = {}
    for elder in elders:
        by_community.setdefault(elder.community_id, []).append(elder)
    return tuple(
        order
        for canteen in canteens
        for order in daily_orders(
            canteen,
            [e for cid in canteen.community_ids for e in by_community.get(cid, ())],
            day,
            MEAL_SEED,
        )
    )
