"""What the local stack writes from careroute_synthetic into the tables the deployed meal
planner and 15-minute service circle read: the canteens (meal-help points), the service
facilities, and a day's lunch orders.

Canteens and facilities are loaded with the registry (main_job.load_registry); each load
replaces both lists, so a re-imported city keeps no stale canteen. A day's orders are loaded
just before its meals are planned (care_flows_job.plan_meals). Everything is drawn with
MEAL_SEED whatever the city's seed: the same city always gets the same canteens, facilities
and orders, the ones the planner and the circle derived themselves before they read tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from careroute_synthetic.data_sets import lunch_orders
from careroute_synthetic.facilities import generate_facilities
from careroute_synthetic.meals import MEAL_SEED, generate_canteens

from careroute.domain.vocabulary import Community, Elder
from careroute.planning.meals import Canteen


@dataclass(frozen=True)
class Loaded:
    canteens: int
    facilities: int


def load_canteens_and_facilities(communities: Iterable[Community]) -> Loaded:
    """The city's canteens and facilities (day-care centres, stations, the canteens)."""
    from careroute.adapters.dynamodb import canteens, service_facilities

    ordered = sorted(communities, key=lambda c: c.community_id)
    sites = generate_canteens(ordered, MEAL_SEED)
    facilities = generate_facilities(ordered, MEAL_SEED, sites)
    return Loaded(
        canteens.replace_canteens(sites), service_facilities.replace_facilities(facilities)
    )


def load_lunch_orders(
    day: date, sites: Sequence[Canteen], elders: Iterable[Elder] | None = None
) -> int:
    """Each canteen's lunch orders for `day` from the active elders of its communities:
    `elders` (the registry in memory), or else the stored registry's. The orders written."""
    from careroute.adapters.dynamodb import meal_orders, registry

    if elders is None:
        served = sorted({cid for site in sites for cid in site.community_ids})
        elders = (e for cid in served for e in registry.elders_of_community(cid))
    return meal_orders.save_orders(day, lunch_orders(sites, elders, day))
