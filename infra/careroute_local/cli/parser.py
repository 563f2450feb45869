"""The command line's grammar: every command, option, default and help text of `careroute`."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from careroute.domain.geo import Crs
from careroute_local.cli.arguments import iso_date, meals, moment, rate, scale
from careroute_local.dev_auth import ROLES
from careroute_local.paths import DATA_DIR


def _city_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, default=7, help="synthetic city seed (default 7)")
    parser.add_argument(
        "--districts",
        nargs="+",
        metavar="NAME",
        help="only these districts (id, English or Chinese name), e.g. Heping 沈河区",
    )
    parser.add_argument(
        "--scale", type=scale, default=1.0, help="share of communities to keep (0-1]"
    )
    parser.add_argument(
        "--data", type=Path, metavar="DIR", help="import this registry (CSV) instead of generating"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="careroute",
        description="CareRoute: plan, route and track community elder-care visits.",
    )
    parser.add_argument(
        "--now",
        type=moment,
        default=os.environ.get("CAREROUTE_NOW") or None,
        metavar="MOMENT",
        help="run as if the clock read MOMENT (ISO 8601 with offset) and went on from there; "
        "default: the wall clock, or $CAREROUTE_NOW",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser(
        "run", help="main job: local stack, city, tomorrow's plan, API serving"
    )
    _city_options(run)
    run.add_argument("--date", type=iso_date, help="plan date (default: next day with routes)")
    run.add_argument("--port", type=int, default=8080, help="API port on 127.0.0.1 (0 = any)")
    run.add_argument("--workers", type=int, default=2, help="solver processes (default 2)")
    run.add_argument("--no-serve", action="store_true", help="exit after the plan")
    run.add_argument("--export", type=Path, metavar="FILE", help="also write the plan as JSON")
    run.add_argument(
        "--meals",
        type=meals,
        default="district",
        metavar="district|ID|city|off",
        help="tomorrow's meal routes: the district with the fewest canteens (default, "
        "seconds), one district (e.g. D01), the whole city's 300 canteens (minutes) or none",
    )

    plan = commands.add_parser("plan", help="plan one date on a fresh local stack")
    _city_options(plan)
    plan.add_argument("--date", type=iso_date, required=True, help="plan date YYYY-MM-DD")
    plan.add_argument(
        "--district", action="append", metavar="ID", help="plan only this district (repeatable)"
    )
    plan.add_argument("--export", type=Path, metavar="FILE", help="write the plan as JSON")
    plan.add_argument("--workers", type=int, default=2, help="solver processes (default 2)")

    data = commands.add_parser(
        "data", help="generate, import or export the registry and every data set as CSV"
    )
    data_commands = data.add_subparsers(dest="data_command", required=True)
    generate = data_commands.add_parser(
        "generate", help="write a synthetic Shenyang as CSV (every data set)"
    )
    generate.add_argument("--seed", type=int, default=7)
    generate.add_argument("--districts", nargs="+", metavar="NAME")
    generate.add_argument("--scale", type=scale, default=1.0)
    generate.add_argument("--as-of", type=iso_date, help="history as of this date (default today)")
    generate.add_argument("--out", type=Path, default=DATA_DIR / "city", metavar="DIR")
    import_ = data_commands.add_parser("import", help="validate CSVs and load the running stack")
    import_.add_argument("--dir", type=Path, required=True, metavar="DIR")
    import_.add_argument("--as-of", type=iso_date, help="tier totals as of (default today)")
    export = data_commands.add_parser(
        "export", help="write the running stack's registry and data sets as CSV"
    )
    export.add_argument("--dir", type=Path, required=True, metavar="DIR")
    export.add_argument("--as-of", type=iso_date, help="tiers as of (default today)")
    export.add_argument(
        "--crs",
        choices=[crs.value for crs in Crs],
        default="wgs84",
        help="coordinates for: wgs84 (as stored), gcj02 (AMap, Tencent), bd09 (Baidu)",
    )
    token = commands.add_parser("token", help="print a dev token for the local HTTP API")
    token.add_argument("--role", required=True, choices=ROLES)
    token.add_argument("--scope", help="steward id, street id or district id (none: city_admin)")
    token.add_argument("--hours", type=float, default=12, help="valid for (default 12)")

    outbox = commands.add_parser(
        "outbox", help="the notices the running stack would have sent, per recipient"
    )
    outbox.add_argument("--recipient", metavar="KEY", help="only one, e.g. street:S0101")
    outbox.add_argument(
        "--last", type=int, default=20, metavar="N", help="each recipient's last N (default 20)"
    )
    coverage = commands.add_parser(
        "coverage", help="check a month's coverage counters against the raw visit records"
    )
    coverage.add_argument("--month", required=True, help="YYYY-MM")
    coverage.add_argument(
        "--rebuild", action="store_true", help="overwrite the counters with the recomputed values"
    )
    circle = commands.add_parser(
        "circle", help="share of elders within 15 minutes' walk of a service facility, per district"
    )
    _city_options(circle)
    circle.add_argument("--minutes", type=int, default=15, help="walking limit (default 15)")
    _simulate_options(commands)
    _capacity_options(commands)
    redrive = commands.add_parser(
        "redrive",
        help="move dead-lettered plan jobs back to their queue and replay failed visit-stream "
        "batches (safe to repeat)",
    )
    redrive.add_argument("--limit", type=int, help="at most this many messages")
    reset = commands.add_parser(
        "reset", help="delete the local stack's stored data (visits, plans, counters) for good"
    )
    reset.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    return parser


def _capacity_options(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    capacity = commands.add_parser(
        "capacity",
        help="the month's capacity forecast of the running stack: communities and streets "
        "that cannot reach 100 %% unaided, and the help they need",
    )
    capacity.add_argument("--month", required=True, help="YYYY-MM")
    capacity.add_argument("--district", metavar="ID", help="only this district (id or name)")
    capacity.add_argument(
        "--attempt-success",
        type=float,
        default=0.85,
        metavar="RATE",
        help="share of tries that end in a visit; the rest are retried (default 0.85)",
    )
    capacity.add_argument(
        "--usable-share",
        type=float,
        default=0.9,
        metavar="SHARE",
        help="share of a steward's shift that goes to visits (default 0.9)",
    )
    capacity.add_argument(
        "--absence-share",
        type=float,
        default=0.04,
        metavar="SHARE",
        help="share of working days expected lost to sickness (default 0.04: a 2 %% chance a "
        "day of one to three days sick; `simulate --sick 0.05` loses about 0.1)",
    )
    capacity.add_argument("--csv", type=Path, metavar="FILE", help="write every community's row")


SIMULATED_RATES = (
    ("not_home", 0.15, "share of attempts where the elder is not home"),
    ("refuse", 0.03, "share of attempts the elder refuses"),
    ("sick", 0.02, "chance a working steward falls sick on a day (1-3 days)"),
    ("resend", 0.02, "share of daily batches a phone sends twice"),
    ("appointment_kept", 0.95, "share of booked retries the elder keeps"),
    ("stay_known", 0.9, "share of hospital stays whose hospital the steward learns"),
)
"""The simulation's rates `simulate` takes as options (the field of `Rates`, its option's
default and help): `--not-home`, `--refuse`, ...; the other rates keep their defaults."""


def _simulate_options(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    simulate = commands.add_parser(
        "simulate",
        help="a month through the real pipeline on a simulated clock; report, exit 0 when "
        "every elder was covered on time (or every miss is excused)",
    )
    simulate.add_argument("--month", help="YYYY-MM (required unless --check)")
    simulate.add_argument("--seed", type=int, default=1, help="simulation seed (default 1)")
    simulate.add_argument(
        "--city-seed", type=int, default=7, help="synthetic city seed (default 7, as `run`)"
    )
    simulate.add_argument(
        "--districts", nargs="+", metavar="NAME", help="only these districts (id or name)"
    )
    simulate.add_argument(
        "--scale", type=scale, default=1.0, help="share of communities to keep (0-1]"
    )
    simulate.add_argument("--days", type=int, help="only the month's first N days")
    for name, default, what in SIMULATED_RATES:
        option = "--" + name.replace("_", "-")
        simulate.add_argument(option, type=rate, default=default, help=f"{what} ({default})")
    simulate.add_argument(
        "--engine",
        choices=("stack", "memory"),
        default="stack",
        help="stack (default): the handlers on the local stack (moto, HTTP, queues, streams); "
        "memory: the same use cases called directly on in-memory adapters, no moto, same "
        "clock and draws; it leaves out inspections and home services (not yet on ports)",
    )
    simulate.add_argument(
        "--visits-only",
        action="store_true",
        help="leave out inspections and home services on the stack too, so that both engines "
        "run exactly the same month (the differential comparison)",
    )
    simulate.add_argument("--workers", type=int, default=2, help="solver processes (default 2)")
    simulate.add_argument(
        "--out", type=Path, metavar="DIR", help="report directory (var/simulations/MONTH-seedN)"
    )
    simulate.add_argument(
        "--check",
        type=Path,
        metavar="DIR",
        help="only recompute a finished simulation's report from its raw records; exit 1 on "
        "any difference",
    )
