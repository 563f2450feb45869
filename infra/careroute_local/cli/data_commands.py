"""`careroute data generate | import | export`: a city's data as CSV files, one per data set
(the registry's three and every other data set's, docs/data-format.md), written from a
synthetic city or the running stack, or validated and loaded into the running stack.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from careroute.domain import clock
from careroute.domain.vocabulary import Registry
from careroute.planning.meals import Canteen
from careroute.service_layer.data_import import DataSets

if TYPE_CHECKING:
    from careroute.adapters.data_csv import Stored
    from careroute.domain.beds import HomeCareBed
    from careroute.domain.providers import Provider
    from careroute.planning.service_circle import Facility
from careroute_local.cli.attached_stack import attached_settings
from careroute_local.cli.city_source import load_city, read_csv_registry, reject
from careroute_local.cli.console import console


def cmd_generate(args: argparse.Namespace) -> None:
    """The registry and every data set of a synthetic city, with the next day's lunch orders
    and the month's home-service orders and benefit claims from before."""
    from careroute_synthetic.data_sets import synthetic_data_sets, with_history

    from careroute.adapters.data_csv import write_data_sets
    from careroute.adapters.registry_csv import write_registry
    from careroute.domain.policy import load_policy

    as_of = args.as_of or clock.today()
    args.data = None
    city = load_city(args, as_of)
    counts = write_registry(args.out, city, as_of)
    policy = load_policy()
    data = synthetic_data_sets(city, args.seed, as_of, policy, lunch_day=as_of + timedelta(days=1))
    counts |= write_data_sets(args.out, with_history(data, city, args.seed, as_of, policy))
    _print_written(counts, args.out)


def read_csv_city(directory: Path, as_of: date) -> tuple[Registry, DataSets]:
    """The registry and the data sets in `directory`, every row checked (lunch orders and
    bookings given without canteens.csv name the stack's canteens, beds without providers.csv
    its providers, day-care bookings without service_facilities.csv its centres); on any
    problem the problems are printed and the command exits before anything is written."""
    from careroute.adapters.data_csv import read_data_sets
    from careroute.adapters.registry_csv import DataImportError

    city = read_csv_registry(directory, as_of)
    canteens: list[Canteen] = []
    lunches = ("meal_orders.csv", "meal_bookings.csv")
    if _refers_to_stored(directory, lunches, "canteens.csv"):
        from careroute.adapters.dynamodb import canteens as stored_canteens

        attached_settings()
        canteens = stored_canteens.all_canteens()
    try:
        stored = replace(_stored_references(directory, city), today=as_of)
        return city, read_data_sets(directory, city, canteens=canteens, stored=stored)
    except DataImportError as exc:
        reject(exc)


def _refers_to_stored(directory: Path, files: tuple[str, ...], referred: str) -> bool:
    """One of `files` is given without the file `referred` whose rows they name."""
    given = any((directory / name).is_file() for name in files)
    return given and not (directory / referred).is_file()


def _stored_references(directory: Path, city: Registry) -> Stored:
    """What the stack holds that the beds, bed visits, day-care bookings and home-service
    orders given refer to: the providers, centres and beds when their files are not given,
    the elders' open beds, and the policy's day-care places and benefit rules (what benefit
    claims name)."""
    from careroute.adapters.data_csv import Stored
    from careroute.domain.policy import load_policy

    policy = load_policy()
    beds_given = (directory / "home_care_beds.csv").is_file()
    bookings_given = (directory / "day_care_bookings.csv").is_file()
    visits_given = (directory / "bed_visits.csv").is_file()
    orders_given = (directory / "orders.csv").is_file()
    if not beds_given and not bookings_given and not visits_given and not orders_given:
        return Stored(benefits=policy.benefits, approval=policy.benefit_approval)
    from careroute.adapters.dynamodb import home_care_beds, home_services, service_facilities
    from careroute.domain.beds import BedStatus

    attached_settings()
    districts = sorted({c.district_id for c in city.communities})
    providers: tuple[Provider, ...] = ()
    if _refers_to_stored(directory, ("home_care_beds.csv", "orders.csv"), "providers.csv"):
        providers = tuple(p for d in districts for p in home_services.providers_of(d))
    facilities: tuple[Facility, ...] = ()
    if _refers_to_stored(directory, ("day_care_bookings.csv",), "service_facilities.csv"):
        facilities = tuple(service_facilities.all_facilities())
    open_beds: dict[str, str] = {}
    if beds_given:
        open_beds = {
            bed.elder_id: bed.bed_id
            for d in districts
            for bed in home_care_beds.beds_of_district(d)
            if bed.status is not BedStatus.CLOSED
        }
    beds: tuple[HomeCareBed, ...] = ()
    if _refers_to_stored(directory, ("bed_visits.csv",), "home_care_beds.csv"):
        beds = tuple(b for d in districts for b in home_care_beds.beds_of_district(d))
    return Stored(
        providers,
        facilities,
        open_beds,
        policy.day_care,
        beds,
        policy.benefits,
        policy.benefit_approval,
    )


def cmd_import(args: argparse.Namespace) -> None:
    """Everything in the directory checked, then the registry and each data set given
    loaded (a data set not given is left as stored; nothing synthetic is loaded)."""
    from careroute.adapters.dynamodb.data_set_repositories import data_set_loading
    from careroute.service_layer.data_import import import_data_sets
    from careroute_local import main_job

    as_of = args.as_of or clock.today()
    city, data = read_csv_city(args.dir, as_of)
    attached_settings()
    main_job.import_registry_with_progress(city, as_of, console)
    written = import_data_sets(data, data_set_loading())
    others = "".join(f", {n:,} {name.replace('_', ' ')}" for name, n in written.items())
    console.print(
        f"Imported {len(city.communities):,} communities, {len(city.stewards):,} stewards, "
        f"{len(city.elders):,} elders{others}."
    )


def cmd_export(args: argparse.Namespace) -> None:
    from careroute.adapters.data_csv import write_data_sets
    from careroute.adapters.dynamodb import registry
    from careroute.adapters.dynamodb.data_set_repositories import stored_data_sets
    from careroute.adapters.registry_csv import write_registry
    from careroute.domain.geo import Crs

    attached_settings()
    data = Registry(
        communities=tuple(registry.all_communities()),
        stewards=tuple(registry.all_stewards()),
        elders=tuple(registry.all_elders()),
    )
    crs = Crs(args.crs)
    counts = write_registry(args.dir, data, args.as_of or clock.today(), crs=crs)
    stored = stored_data_sets(c.district_id for c in data.communities)
    counts |= write_data_sets(args.dir, stored, crs=crs)
    _print_written(counts, args.dir)


def _print_written(counts: dict[str, int], directory: Path) -> None:
    console.print(
        f"Wrote {', '.join(f'{n:,} rows to {f}' for f, n in counts.items())} in {directory}"
    )
