"""`careroute data generate | import | export`: the registry as CSV files, written from a
synthetic city or the running stack, or validated and loaded into the running stack.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from careroute.domain import clock
from careroute.domain.vocabulary import Registry
from careroute_local.cli.attached_stack import attach, attached_settings
from careroute_local.cli.city_source import load_city, read_csv_registry
from careroute_local.cli.console import console


def cmd_generate(args: argparse.Namespace) -> None:
    from careroute.adapters.registry_csv import write_registry

    as_of = args.as_of or clock.today()
    args.data = None
    city = load_city(args, as_of)
    counts = write_registry(args.out, city, as_of)
    _print_written(counts, args.out)


def cmd_import(args: argparse.Namespace) -> None:
    from careroute_local import main_job

    as_of = args.as_of or clock.today()
    city = read_csv_registry(args.dir, as_of)
    attach()
    main_job.load_registry(city, as_of, console)
    console.print(
        f"Imported {len(city.communities):,} communities, {len(city.stewards):,} stewards, "
        f"{len(city.elders):,} elders."
    )


def cmd_export(args: argparse.Namespace) -> None:
    from careroute.adapters.dynamodb import registry
    from careroute.adapters.registry_csv import write_registry
    from careroute.domain.geo import Crs

    attached_settings()
    data = Registry(
        communities=tuple(registry.all_communities()),
        stewards=tuple(registry.all_stewards()),
        elders=tuple(registry.all_elders()),
    )
    counts = write_registry(args.dir, data, args.as_of or clock.today(), crs=Crs(args.crs))
    _print_written(counts, args.dir)


def _print_written(counts: dict[str, int], directory: Path) -> None:
    console.print(
        f"Wrote {', '.join(f'{n:,} rows to {f}' for f, n in counts.items())} in {directory}"
    )
