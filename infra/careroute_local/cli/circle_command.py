"""`careroute circle`: the 15-minute service circle of a city, per district, as a table."""

from __future__ import annotations

import argparse

from careroute.domain import clock
from careroute_local.cli.city_source import load_city
from careroute_local.cli.console import EXIT_BAD_INPUT, console


def cmd_circle(args: argparse.Namespace) -> None:
    """The 15-minute service circle of a synthetic (or CSV) city: no stack needed."""
    from careroute_synthetic.city import DISTRICTS
    from careroute_synthetic.facilities import city_facilities
    from rich.table import Table

    from careroute.domain.policy import load_policy
    from careroute.planning.service_circle import service_circle
    from careroute.service_layer.service_circle import walking

    if args.minutes <= 0:
        console.print("[red]--minutes must be positive")
        raise SystemExit(EXIT_BAD_INPUT)
    city = load_city(args, clock.today())
    facilities = city_facilities(city.communities)
    report = service_circle(city.elders, facilities, walking(load_policy()), args.minutes * 60)
    names = {d.district_id: f"{d.name_zh} {d.name_en}" for d in DISTRICTS}
    table = Table(title=f"{args.minutes}-minute service circle ({len(facilities):,} facilities)")
    for column in ("district", "elders", "within", "share", "outside"):
        table.add_column(column, justify="left" if column == "district" else "right")
    for row in [*report.districts.values(), report.city]:
        label = names.get(row.scope_id, "city" if row.scope_id == "all" else row.scope_id)
        table.add_row(label, f"{row.elders:,}", f"{row.within:,}", f"{row.share:.1%}",
                      f"{len(row.outside):,}")  # fmt: skip
    console.print(table)
