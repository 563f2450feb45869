"""`careroute capacity`: the month's capacity forecast of the running stack's registry.

Per community, the visit-hours the month needs (cadence and monthly visits, expected retries,
travel) against its stewards' hours; the communities and streets that cannot reach 100 %
unaided, and the help each needs (helper-hours, from whom). Read before the month starts.
"""

from __future__ import annotations

import argparse
import csv
import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from careroute_local.cli.attached_stack import attached_settings
from careroute_local.cli.console import EXIT_BAD_INPUT, console

if TYPE_CHECKING:
    from careroute.domain.coverage import Scope
    from careroute.domain.vocabulary import Community
    from careroute.planning.capacity import CapacityForecast, CommunityForecast

CSV_COLUMNS = (
    "community_id", "community", "street_id", "street", "district_id", "stewards", "elders",
    "visits_required", "tries_expected", "travel_hours", "hours_required", "hours_available",
    "visit_slots", "shortfall_hours", "help_hours", "uncovered_hours", "helpers",
)  # fmt: skip
SHOWN = 40
"""Most flagged communities listed in the table (every one goes to --csv)."""
TABLE_WIDTH = 132
"""Columns the table is drawn in at least (a narrower terminal wraps its lines): the helpers
column stays readable."""


def hours(minutes: float) -> str:
    return f"{minutes / 60:,.1f}"


def plain_hours(minutes: float) -> str:
    """Hours as the CSV has them: no thousands separator."""
    return f"{minutes / 60:.1f}"


def cmd_capacity(args: argparse.Namespace) -> None:
    """Print the month's forecast for the city or one district; --csv writes every row."""
    from rich.progress import Progress

    from careroute.adapters.dynamodb.repositories import capacity_reading
    from careroute.domain.errors import NotFoundError
    from careroute.domain.policy import load_policy
    from careroute.entrypoints.policy_in_force import current_policy
    from careroute.planning.capacity import Assumptions
    from careroute.service_layer.capacity import capacity_forecast

    month = _month(args.month)
    try:
        assumptions = Assumptions(args.attempt_success, args.usable_share, args.absence_share)
    except ValueError as exc:
        console.print(f"[red]{exc}")
        raise SystemExit(EXIT_BAD_INPUT) from exc
    settings = attached_settings()
    ports = capacity_reading()
    communities = list(ports.communities.all_communities())
    if not communities:
        console.print("[red]The stack holds no registry yet:[/] load one with `careroute run`.")
        raise SystemExit(EXIT_BAD_INPUT)
    scope = _scope(args.district, communities)
    policy = current_policy(load_policy(settings.policy_file))
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("reading the elders", total=None)
        try:
            result = capacity_forecast(
                month, policy, ports, scope, assumptions,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )  # fmt: skip
        except NotFoundError as exc:
            console.print(f"[red]{exc}")
            raise SystemExit(EXIT_BAD_INPUT) from exc
    _print_summary(result, scope)
    _print_flagged(result)
    _print_flagged_streets(result)
    _print_assumptions(result)
    if args.csv:
        _write_csv(result, args.csv)
        console.print(f"Wrote {len(result.communities):,} communities to {args.csv}")


def _month(text: str) -> date:
    if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text) and text[:4] != "0000":
        return date.fromisoformat(f"{text}-01")
    console.print(f"[red]--month must be YYYY-MM, got {text!r}")
    raise SystemExit(EXIT_BAD_INPUT)


def _scope(district: str | None, communities: list[Community]) -> Scope:
    """The city, or the district named by its id or its stored name."""
    from careroute.domain.coverage import Scope, ScopeKind

    if district is None:
        return Scope(ScopeKind.CITY, "all")
    names = {c.district_id: c.district_name for c in communities}
    for district_id, name in names.items():
        if district in (district_id, name):
            return Scope(ScopeKind.DISTRICT, district_id)
    known = ", ".join(f"{i} {n}" for i, n in sorted(names.items()))
    console.print(f"[red]No district {district!r} in the registry.[/] Known: {known}")
    raise SystemExit(EXIT_BAD_INPUT)


def _print_summary(result: CapacityForecast, scope: Scope) -> None:
    elders = sum(c.elders for c in result.communities)
    by_level = {"street": 0, "district": 0}
    for community in result.communities:
        for helper in community.help:
            by_level[helper.level] += helper.minutes
    console.print(
        f"Capacity forecast for {result.month:%Y-%m}, {scope}: {len(result.communities):,} "
        f"communities, {len(result.streets):,} streets, {elders:,} active elders"
    )
    console.print(
        f"Flagged: {len(result.flagged_communities):,} of {len(result.communities):,} "
        f"communities and {len(result.flagged_streets):,} of {len(result.streets):,} streets "
        "cannot reach 100 % unaided"
    )
    console.print(
        f"Shortfall {hours(result.shortfall_minutes)} h; help assigned "
        f"{hours(result.help_minutes)} h (street {hours(by_level['street'])} h, district "
        f"{hours(by_level['district'])} h); left uncovered {hours(result.uncovered_minutes)} h"
    )


def _print_flagged(result: CapacityForecast) -> None:
    from rich.console import Console
    from rich.table import Table

    flagged = sorted(result.flagged_communities, key=lambda c: -c.shortfall_minutes)
    if not flagged:
        return
    title = f"Flagged communities (largest shortfall first; {min(SHOWN, len(flagged))} shown)"
    table = Table(title=title)
    for column in ("community", "street", "elders", "tries", "need h", "have h", "short h"):
        table.add_column(column, justify="left" if column in ("community", "street") else "right")
    table.add_column("help: from whom, helper-hours")
    table.add_column("uncovered h", justify="right")
    for c in flagged[:SHOWN]:
        table.add_row(
            f"{c.community_id} {c.name}", c.street_name, f"{c.elders:,}",
            f"{c.tries_expected:,.0f}", hours(c.minutes_required), hours(c.minutes_available),
            hours(c.shortfall_minutes), _helpers(c, "\n") or "-", hours(c.uncovered_minutes),
        )  # fmt: skip
    Console(stderr=True, width=max(console.width, TABLE_WIDTH)).print(table)


def _print_flagged_streets(result: CapacityForecast) -> None:
    from rich.table import Table

    if not result.flagged_streets:
        return
    table = Table(title="Flagged streets (their communities cannot cover each other)")
    for column in ("street", "short communities", "short h", "from the street h", "from outside h"):
        table.add_column(column, justify="left" if column == "street" else "right")
    for s in sorted(result.flagged_streets, key=lambda s: -s.outside_help_minutes):
        table.add_row(
            f"{s.street_id} {s.street_name}", str(len(s.short_communities)),
            hours(s.shortfall_minutes), hours(s.street_help_minutes),
            hours(s.outside_help_minutes),
        )  # fmt: skip
    console.print(table)


def _helpers(community: CommunityForecast, separator: str = "; ") -> str:
    return separator.join(
        f"{h.from_community_id} {h.from_name} {hours(h.minutes)} h ({h.level})"
        for h in community.help
    )


def _print_assumptions(result: CapacityForecast) -> None:
    assume = result.assumptions
    console.print(
        f"Assumptions: {assume.attempt_success:.0%} of tries succeed (the rest are retried); "
        f"{assume.usable_share:.0%} of a steward's shift goes to visits; "
        f"{assume.absence_share:.0%} of working days are lost to sickness; every visit is made on "
        "its deadline; travel is one round a working day through the day's homes (BHH "
        "estimate over the community's radius); helpers' own travel to the community is not "
        "counted. The registry and leave are as stored now."
    )


def _write_csv(result: CapacityForecast, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for c in result.communities:
            writer.writerow([
                c.community_id, c.name, c.street_id, c.street_name, c.district_id, c.stewards,
                c.elders, c.visits_required, c.tries_expected, plain_hours(c.travel_minutes),
                plain_hours(c.minutes_required), plain_hours(c.minutes_available), c.visit_slots,
                plain_hours(c.shortfall_minutes), plain_hours(c.help_minutes),
                plain_hours(c.uncovered_minutes),
                _helpers(c),
            ])  # fmt: skip
