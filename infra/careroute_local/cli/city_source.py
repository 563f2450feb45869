"""The city a command works on: the registry CSV files given with --data (or --dir), else a
synthetic Shenyang generated from --seed, --districts and --scale. `careroute run --data`
takes the other data sets' files of that folder too, read as `careroute data import` reads
them (`load_city_and_files`).
"""

from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path
from typing import NoReturn

from careroute.adapters.registry_csv import DataImportError
from careroute.domain.vocabulary import Registry
from careroute.service_layer.data_import import DataSets
from careroute_local.cli.console import EXIT_BAD_INPUT, console


def read_csv_registry(directory: Path, as_of: date) -> Registry:
    from careroute.adapters.registry_csv import RegistryImportError, read_registry

    try:
        return read_registry(directory, as_of=as_of)
    except RegistryImportError as exc:
        reject(exc)


def reject(exc: DataImportError) -> NoReturn:
    """Print a rejected import's problems (the first 50) and exit: nothing was written."""
    console.print(f"[red]Import rejected: {len(exc.errors)} problem(s); nothing was written.")
    for error in exc.errors[:50]:
        console.print(f"  {error}")
    if len(exc.errors) > 50:
        console.print(f"  … and {len(exc.errors) - 50} more")
    raise SystemExit(EXIT_BAD_INPUT) from exc


def load_city_and_files(args: argparse.Namespace, as_of: date) -> tuple[Registry, DataSets | None]:
    """With --data, the registry and every other data set in that folder, checked as
    `careroute data import` checks them (a data set without its file is None: empty); else
    the synthetic city, and None: its other data sets are drawn where they are loaded. Call
    it with the stack's tables bound: the check reads what the files refer to there."""
    if not args.data:
        return load_city(args, as_of), None
    from careroute_local.cli.data_commands import read_csv_city

    return read_csv_city(args.data, as_of)


def load_city(args: argparse.Namespace, as_of: date) -> Registry:
    from careroute_synthetic.city import generate_city

    if args.data:
        return read_csv_registry(args.data, as_of)
    started = time.perf_counter()
    try:
        city = generate_city(args.seed, as_of=as_of, districts=args.districts, scale=args.scale)
    except ValueError as exc:
        console.print(f"[red]{exc}")
        raise SystemExit(EXIT_BAD_INPUT) from exc
    console.print(
        f"Synthetic Shenyang (seed {args.seed}): {len(city.communities):,} communities, "
        f"{len(city.stewards):,} stewards, {len(city.elders):,} elders "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return city
