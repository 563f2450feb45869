"""How the local stack loads the synthetic city's data sets: through the import a city's own
data goes through. Each data set drawn by careroute_synthetic is written as its CSV files,
read back with every check of `careroute data import` (careroute.adapters.data_csv), and
stored by the data-set import (careroute.service_layer.data_import). The deployed functions
read only what was imported; none of them imports careroute_synthetic.

Canteens, facilities and hospitals are loaded with the registry (main_job.load_registry);
each load replaces the lists, so a re-imported city keeps no stale canteen. A day's orders are
loaded just before its meals are planned (care_flows_job.plan_meals). Everything is drawn with
MEAL_SEED whatever the city's seed: the same city always gets the same canteens, facilities,
hospitals and orders. A city given as files (`careroute run --data DIR`) uses none of this: its
data sets are the folder's (main_job.load_data_sets).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from careroute_synthetic.data_sets import lunch_orders
from careroute_synthetic.facilities import generate_facilities
from careroute_synthetic.hospitals import hospitals_of
from careroute_synthetic.meals import MEAL_SEED, generate_canteens

from careroute.domain.vocabulary import Community, Elder, Registry
from careroute.planning.meals import Canteen
from careroute.service_layer.data_import import DataSetLoading, DataSets


def import_synthetic(
    data: DataSets,
    registry: Registry,
    canteens: Iterable[Canteen] = (),
    loading: DataSetLoading | None = None,
) -> dict[str, int]:
    """Import `data` as a city's own files would be: written as CSV, read back through every
    check against `registry` (what the rows refer to; lunch orders against `canteens`), and
    stored (by `loading`, the DynamoDB data-set ports by default). The items written per
    data set."""
    from careroute.adapters.data_csv import read_data_sets, write_data_sets
    from careroute.adapters.dynamodb.data_set_repositories import data_set_loading
    from careroute.service_layer.data_import import import_data_sets

    with tempfile.TemporaryDirectory(prefix="careroute-data-") as folder:
        directory = Path(folder)
        write_data_sets(directory, data)
        checked = read_data_sets(directory, registry, canteens=canteens)
    return import_data_sets(checked, loading or data_set_loading())


def places(communities: Iterable[Community], elders: Iterable[Elder] = ()) -> Registry:
    """The part of a registry data set rows refer to: communities (and so streets and
    districts) and, for those naming elders, the elders."""
    return Registry(tuple(communities), (), tuple(elders))


@dataclass(frozen=True)
class Loaded:
    canteens: int
    facilities: int
    hospitals: int


def load_canteens_and_facilities(communities: Iterable[Community]) -> Loaded:
    """The city's canteens, facilities (day-care centres, stations, the canteens) and
    hospitals."""
    ordered = sorted(communities, key=lambda c: c.community_id)
    sites = generate_canteens(ordered, MEAL_SEED)
    data = DataSets(
        canteens=sites,
        service_facilities=generate_facilities(ordered, MEAL_SEED, sites),
        hospitals=hospitals_of(ordered, MEAL_SEED),
    )
    written = import_synthetic(data, places(ordered))
    return Loaded(written["canteens"], written["service_facilities"], written["hospitals"])


def load_lunch_orders(
    day: date, sites: Sequence[Canteen], elders: Iterable[Elder] | None = None
) -> int:
    """Each canteen's lunch orders for `day` from the active elders of its communities:
    `elders` (the registry in memory), or else the stored registry's. The orders written."""
    from careroute.adapters.dynamodb import registry

    served = {cid for site in sites for cid in site.community_ids}
    if elders is None:
        elders = (e for cid in sorted(served) for e in registry.elders_of_community(cid))
    living = [e for e in elders if e.community_id in served]
    orders = lunch_orders(sites, living, day)
    written = import_synthetic(DataSets(meal_orders=orders), places((), living), sites)
    return written["meal_orders"]
