"""`careroute`: the command line of the local stack and of data import/export.

careroute run                      main job: stack, synthetic city, tomorrow's plan, API
careroute plan --date D --export F plan one date on a fresh local stack, write JSON
careroute data generate --out DIR  write a synthetic Shenyang as CSV
careroute data import --dir DIR    validate CSVs, load them into the running stack
careroute data export --dir DIR    write the running stack's registry as CSV
careroute token --role R --scope S print a dev bearer token for the local HTTP API
careroute simulate --month YYYY-MM  a month through the real pipeline; report and exit code
careroute reset [--yes]            delete the `run` stack's stored data (asks first)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import signal
import socket
import sys
import time
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from careroute.domain import clock
from careroute.domain.vocabulary import CHINA_TZ, Registry
from careroute_local.dev_auth import ROLES
from careroute_local.paths import DATA_DIR, STACK_FILE, STATE_DIR

if TYPE_CHECKING:
    from careroute.entrypoints.config import Settings
    from careroute_local.main_job import PlanRun
    from careroute_local.run_state import RunState
    from careroute_local.stack import LocalStack

console = Console(stderr=True)
EXIT_BAD_INPUT = 2


def _today() -> date:
    return clock.today()


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"expected a moment YYYY-MM-DDTHH:MM+08:00, got {text!r}"
        ) from exc
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"the moment {text!r} needs a UTC offset, e.g. +08:00")
    return moment


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from exc


def _scale(text: str) -> float:
    value = float(text)
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError("scale must be in (0, 1]")
    return value


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1], got {text!r}") from exc
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be in [0, 1], got {text}")
    return value


def _meals(text: str) -> str:
    if text in ("district", "city", "off") or re.fullmatch(r"D\d{2}", text):
        return text
    raise argparse.ArgumentTypeError(
        f"expected district, a district id (D01), city or off, got {text!r}"
    )


def _city_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, default=7, help="synthetic city seed (default 7)")
    parser.add_argument(
        "--districts",
        nargs="+",
        metavar="NAME",
        help="only these districts (id, English or Chinese name), e.g. Heping 沈河区",
    )
    parser.add_argument(
        "--scale", type=_scale, default=1.0, help="share of communities to keep (0-1]"
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
        type=_moment,
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
    run.add_argument("--date", type=_date, help="plan date (default: next working day)")
    run.add_argument("--port", type=int, default=8080, help="API port on 127.0.0.1 (0 = any)")
    run.add_argument("--workers", type=int, default=2, help="solver processes (default 2)")
    run.add_argument("--no-serve", action="store_true", help="exit after the plan")
    run.add_argument("--export", type=Path, metavar="FILE", help="also write the plan as JSON")
    run.add_argument(
        "--meals",
        type=_meals,
        default="district",
        metavar="district|ID|city|off",
        help="tomorrow's meal routes: the district with the fewest canteens (default, "
        "seconds), one district (e.g. D01), the whole city's 300 canteens (minutes) or none",
    )

    plan = commands.add_parser("plan", help="plan one date on a fresh local stack")
    _city_options(plan)
    plan.add_argument("--date", type=_date, required=True, help="plan date YYYY-MM-DD")
    plan.add_argument(
        "--district", action="append", metavar="ID", help="plan only this district (repeatable)"
    )
    plan.add_argument("--export", type=Path, metavar="FILE", help="write the plan as JSON")
    plan.add_argument("--workers", type=int, default=2, help="solver processes (default 2)")

    data = commands.add_parser("data", help="generate, import or export registries")
    data_commands = data.add_subparsers(dest="data_command", required=True)
    generate = data_commands.add_parser("generate", help="write a synthetic Shenyang as CSV")
    generate.add_argument("--seed", type=int, default=7)
    generate.add_argument("--districts", nargs="+", metavar="NAME")
    generate.add_argument("--scale", type=_scale, default=1.0)
    generate.add_argument("--as-of", type=_date, help="history as of this date (default today)")
    generate.add_argument("--out", type=Path, default=DATA_DIR / "city", metavar="DIR")
    import_ = data_commands.add_parser("import", help="validate CSVs and load the running stack")
    import_.add_argument("--dir", type=Path, required=True, metavar="DIR")
    import_.add_argument("--as-of", type=_date, help="tier totals as of (default today)")
    export = data_commands.add_parser("export", help="write the running stack's registry as CSV")
    export.add_argument("--dir", type=Path, required=True, metavar="DIR")
    export.add_argument("--as-of", type=_date, help="tiers as of (default today)")
    token = commands.add_parser("token", help="print a dev token for the local HTTP API")
    token.add_argument("--role", required=True, choices=ROLES)
    token.add_argument("--scope", help="steward id, street id or district id (none: city_admin)")
    token.add_argument("--hours", type=float, default=12, help="valid for (default 12)")

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
        "--scale", type=_scale, default=1.0, help="share of communities to keep (0-1]"
    )
    simulate.add_argument("--days", type=int, help="only the month's first N days")
    for name, default, what in (
        ("--not-home", 0.15, "share of attempts where the elder is not home"),
        ("--refuse", 0.03, "share of attempts the elder refuses"),
        ("--sick", 0.02, "chance a working steward falls sick on a day (1-3 days)"),
        ("--resend", 0.02, "share of daily batches a phone sends twice"),
    ):
        simulate.add_argument(name, type=_rate, default=default, help=f"{what} ({default})")
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


def _read_csv_registry(directory: Path, as_of: date) -> Registry:
    from careroute.adapters.registry_csv import RegistryImportError, read_registry

    try:
        return read_registry(directory, as_of=as_of)
    except RegistryImportError as exc:
        console.print(f"[red]Import rejected: {len(exc.errors)} problem(s); nothing was written.")
        for error in exc.errors[:50]:
            console.print(f"  {error}")
        if len(exc.errors) > 50:
            console.print(f"  … and {len(exc.errors) - 50} more")
        raise SystemExit(EXIT_BAD_INPUT) from exc


def _city(args: argparse.Namespace, as_of: date) -> Registry:
    from careroute_synthetic.city import generate_city

    if args.data:
        return _read_csv_registry(args.data, as_of)
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


def _log_level() -> str:
    return os.environ.get("CAREROUTE_LOG_LEVEL", "INFO").upper()


def _attach() -> None:
    """Use the running `careroute run` stack, unless the environment already names tables."""
    if os.environ.get("COMMUNITIES_TABLE"):
        return
    if not STACK_FILE.exists():
        console.print(
            "[red]No stack to talk to.[/] Start one with `make run` (or `careroute run`) in "
            "another terminal, or set AWS credentials and the table variables "
            "(COMMUNITIES_TABLE, STEWARDS_TABLE, ...) for a deployed stack."
        )
        raise SystemExit(EXIT_BAD_INPUT)
    environment = json.loads(STACK_FILE.read_text("utf-8"))["environment"]
    os.environ.update(environment)


def _require_free_port(port: int) -> None:
    """Fail before minutes of loading and planning, not after, when the API port is taken."""
    if port == 0:
        return
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As the HTTP server binds (allow_reuse_address): a port whose last server was killed
        # keeps connections in TIME_WAIT for a minute, and is free to serve again.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as exc:
            console.print(
                f"[red]Port {port} on 127.0.0.1 is in use ({exc.strerror}).[/] Stop what uses "
                "it, or pick another: `careroute run --port 8081` (`make run ARGS='--port 8081'`)."
            )
            raise SystemExit(EXIT_BAD_INPUT) from exc


def _stop_on_signals() -> None:
    """Ctrl-C (SIGINT) and SIGTERM stop the stack cleanly, also when it was started in the
    background, where the shell leaves SIGINT ignored."""

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)


def cmd_run(args: argparse.Namespace) -> None:
    from careroute_local import (
        care_flows_job,
        home_services_job,
        inspection_job,
        main_job,
        urgent_job,
    )

    _stop_on_signals()

    if not args.no_serve:
        _require_free_port(args.port)
    today = _today()
    plan_date = args.date or main_job.next_working_day(today)
    state = _open_state()
    try:
        with main_job.local_stack(log_level=_log_level(), state_dir=STATE_DIR) as (stack, pump):
            console.print(f"Local stack up: moto at {stack.endpoint_url}")
            city: Registry | None = None  # in memory when loaded now (not when resumed)
            if not _resumed(state, stack, args):
                city = _city(args, today)
                main_job.load_registry(city, today, console)
                urgent_job.load_devices(city, args.seed, today, stack, console)
                state.registry_loaded(_city_description(args))
            home_services_job.load_home_services(console)
            run = main_job.plan_night(
                pump,
                plan_date,
                console,
                workers=args.workers,
                jobs_sent=state.jobs_sent(plan_date),
                on_fanned_out=lambda jobs: state.fanned_out(plan_date, jobs),
            )
            main_job.print_summary(run, console)
            inspection_job.print_inspections(pump, plan_date, args.seed, today, console)
            care_flows_job.print_care_flows(
                pump, plan_date, args.seed, today, console,
                city=city, meals=args.meals, workers=args.workers,
            )  # fmt: skip
            if args.export:
                main_job.plan_export(run, args.export)
                console.print(f"Plan written to {args.export}")
            if args.no_serve:
                return
            main_job.serve(pump, stack, args.port, console, _example(run))
    finally:
        state.close()


def _open_state() -> RunState:
    from careroute_local.run_state import RunState, StateInUse

    try:
        return RunState.open(STATE_DIR)
    except StateInUse as exc:
        console.print(f"[red]{exc}.[/] Stop it first (one stack per data folder), or point "
                      "CAREROUTE_DATA_DIR at another folder.")  # fmt: skip
        raise SystemExit(EXIT_BAD_INPUT) from exc


def _city_description(args: argparse.Namespace) -> dict[str, object]:
    if args.data:
        return {"data": str(args.data)}
    return {"seed": args.seed, "districts": args.districts, "scale": args.scale}


def _resumed(state: RunState, stack: LocalStack, args: argparse.Namespace) -> bool:
    """True when the data folder already holds a loaded city (a restart): say so."""
    replayed = stack.journal_replayed or {}
    if not state.resumed or not replayed.get("requests"):
        state.city, state.plans = None, {}  # nothing was kept (or the journal is gone)
        return False
    console.print(
        f"Resumed from {STATE_DIR}: {int(replayed['requests']):,} changes and "
        f"{int(replayed['messages']):,} queued messages replayed in {replayed['seconds']:.1f} s "
        f"(city {state.city}). `careroute reset` starts afresh."
    )
    if _city_description(args) != state.city:
        console.print(
            "[yellow]The city options differ from the stored city's; the stored city is used."
        )
    return True


def _example(run: PlanRun) -> dict[str, str]:
    from careroute.adapters.dynamodb import registry

    routes, plan_date = run.routes, run.plan_date
    route = next((r for r in routes if r["stops"]), None)
    if route:
        steward_id, elder_id = route["steward_id"], route["stops"][0]["elder_id"]
    else:
        steward = next(iter(registry.all_stewards()))
        steward_id = steward.steward_id
        elder_id = next(e.elder_id for e in registry.all_elders()
                        if e.community_id == steward.community_id)  # fmt: skip
    visited_at = clock.now().astimezone(CHINA_TZ).replace(microsecond=0).isoformat()
    visit = json.dumps(
        {
            "elder_id": elder_id,
            "outcome": "visited",
            "visited_at": visited_at,
        }
    )
    return {
        "steward_id": steward_id,
        "date": plan_date.isoformat(),
        "visit": visit,
        "month": visited_at[:7],
    }


def cmd_plan(args: argparse.Namespace) -> None:
    from careroute_local import main_job

    city = _city(args, args.date)
    with main_job.local_stack(log_level=_log_level()) as (_stack, pump):
        main_job.load_registry(city, args.date, console)
        run = main_job.plan_night(
            pump, args.date, console, workers=args.workers, district_ids=args.district
        )
        main_job.print_summary(run, console)
        if args.export:
            main_job.plan_export(run, args.export)
            console.print(f"Plan written to {args.export}")


def cmd_generate(args: argparse.Namespace) -> None:
    from careroute.adapters.registry_csv import write_registry

    as_of = args.as_of or _today()
    args.data = None
    city = _city(args, as_of)
    counts = write_registry(args.out, city, as_of)
    console.print(
        f"Wrote {', '.join(f'{n:,} rows to {f}' for f, n in counts.items())} in {args.out}"
    )


def cmd_circle(args: argparse.Namespace) -> None:
    """The 15-minute service circle of a synthetic (or CSV) city: no stack needed."""
    from careroute_synthetic.city import DISTRICTS
    from rich.table import Table

    from careroute.domain.policy import load_policy
    from careroute.planning.service_circle import service_circle
    from careroute.service_layer.service_circle import facilities_of, walking

    if args.minutes <= 0:
        console.print("[red]--minutes must be positive")
        raise SystemExit(EXIT_BAD_INPUT)
    city = _city(args, _today())
    facilities = facilities_of(city.communities)
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


def cmd_import(args: argparse.Namespace) -> None:
    from careroute_local import main_job

    as_of = args.as_of or _today()
    city = _read_csv_registry(args.dir, as_of)
    _attach()
    main_job.load_registry(city, as_of, console)
    console.print(
        f"Imported {len(city.communities):,} communities, {len(city.stewards):,} stewards, "
        f"{len(city.elders):,} elders."
    )


def cmd_export(args: argparse.Namespace) -> None:
    from careroute.adapters.dynamodb import registry
    from careroute.adapters.registry_csv import write_registry

    _attached_settings()
    data = Registry(
        communities=tuple(registry.all_communities()),
        stewards=tuple(registry.all_stewards()),
        elders=tuple(registry.all_elders()),
    )
    counts = write_registry(args.dir, data, args.as_of or _today())
    console.print(
        f"Wrote {', '.join(f'{n:,} rows to {f}' for f, n in counts.items())} in {args.dir}"
    )


def cmd_token(args: argparse.Namespace) -> None:
    """A token signed by the local dev key (var/dev-jwt-key.json); never valid in the cloud."""
    from careroute_local.dev_auth import DevIssuer

    if args.role != "city_admin" and not args.scope:
        raise SystemExit(f"careroute token: --scope is required for --role {args.role}")
    print(DevIssuer().token(args.role, args.scope, ttl_seconds=int(args.hours * 3600)))


def _attached_settings() -> Settings:
    from careroute.adapters.dynamodb import bind_tables
    from careroute.entrypoints.config import Settings

    _attach()
    settings = Settings.from_env()
    bind_tables(settings)
    return settings


def cmd_coverage(args: argparse.Namespace) -> None:
    """Exit 0 when the counters equal the visit records, 1 on drift (after listing it)."""
    from careroute.service_layer.coverage_check import check_month, rebuild_month

    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", args.month):
        console.print(f"[red]--month must be YYYY-MM, got {args.month!r}")
        raise SystemExit(EXIT_BAD_INPUT)
    _attached_settings()
    drift = check_month(args.month)
    for row in drift[:50]:
        console.print(f"  drift: {row}")
    if drift and args.rebuild:
        written = rebuild_month(args.month)
        drift = check_month(args.month)
        console.print(f"Rebuilt {written} counters from the visit records.")
    if drift:
        console.print(f"[red]{len(drift)} counters differ from the visit records for {args.month}")
        raise SystemExit(1)
    console.print(f"Coverage for {args.month} equals the visit records.")


def cmd_redrive(args: argparse.Namespace) -> None:
    from careroute.adapters.dynamodb.dead_letters import dead_letter_queue_of, redrive

    settings = _attached_settings()
    dlq = dead_letter_queue_of(settings.plan_jobs_queue_url)
    result = redrive(dlq, settings.plan_jobs_queue_url, args.limit)
    console.print(f"Moved {result.moved} plan jobs back to their queue; {result.left} left.")
    _redrive_projector(settings, args.limit)


def _redrive_projector(settings: Settings, limit: int | None) -> None:
    """Replay the visit-stream batches the projector gave up on (safe to repeat)."""
    from careroute.adapters.dynamodb.dead_letters import queue_beside
    from careroute.adapters.dynamodb.repositories import visit_projection
    from careroute.domain.policy import load_policy
    from careroute.service_layer.bureau import current_policy
    from careroute.service_layer.stream_redrive import redrive_projector

    dlq = queue_beside(settings.plan_jobs_queue_url, "plan-jobs", "projector-dlq")
    policy = current_policy(load_policy(settings.policy_file))
    result = redrive_projector(dlq, policy, visit_projection(), limit)
    console.print(
        f"Replayed {result.moved} failed visit-stream batches; {result.left} left"
        + (" (older than the stream's 24 h? `careroute coverage --rebuild`)." if result.left
           else ".")
    )  # fmt: skip


def cmd_reset(args: argparse.Namespace) -> None:
    """Delete STATE_DIR: only with --yes or a typed "yes", never while a run uses it."""
    from careroute_local.run_state import StateInUse, clear

    if not STATE_DIR.exists():
        console.print(f"Nothing to reset: {STATE_DIR} does not exist.")
        return
    if not args.yes:
        if not sys.stdin.isatty():
            console.print(f"[red]This deletes every visit, plan and counter in {STATE_DIR}.[/] "
                          "Run `careroute reset --yes` to confirm.")  # fmt: skip
            raise SystemExit(EXIT_BAD_INPUT)
        answer = console.input(
            f"Delete every visit, plan and counter stored in {STATE_DIR}? Type 'yes': "
        )
        if answer.strip().lower() != "yes":
            console.print("Nothing deleted.")
            raise SystemExit(1)
    try:
        clear(STATE_DIR)
    except StateInUse as exc:
        console.print(f"[red]{exc}:[/] stop it first.")
        raise SystemExit(EXIT_BAD_INPUT) from exc
    console.print(f"Deleted {STATE_DIR}; the next `careroute run` starts afresh.")


def cmd_simulate(args: argparse.Namespace) -> None:
    from careroute_synthetic.city import generate_city

    from careroute.domain.policy import load_policy
    from careroute_local.simulation import Rates, SimulationConfig, check_directory, run_simulation

    # The same policy the handlers read (CAREROUTE_POLICY_FILE, else the built-in default).
    policy = load_policy(os.environ.get("CAREROUTE_POLICY_FILE"))
    if args.check:
        if not (args.check / "report.json").exists():
            console.print(f"[red]{args.check} holds no simulation (no report.json)")
            raise SystemExit(EXIT_BAD_INPUT)
        try:
            code, problems = check_directory(args.check, policy)
        except (OSError, KeyError, ValueError) as exc:
            console.print(f"[red]{args.check} is not a complete simulation report: {exc}")
            raise SystemExit(EXIT_BAD_INPUT) from exc
        for problem in problems[:50]:
            console.print(f"  difference: {problem}", markup=False, soft_wrap=True)
        console.print(
            f"Recomputed from {args.check / 'raw'}: "
            + ("every figure agrees." if code == 0 else f"{len(problems)} differences."),
            soft_wrap=True,
        )
        raise SystemExit(code)
    if not args.month:
        console.print("[red]--month YYYY-MM is required (or --check DIR)")
        raise SystemExit(EXIT_BAD_INPUT)
    try:
        config = SimulationConfig(
            month=args.month,
            seed=args.seed,
            city_seed=args.city_seed,
            rates=Rates(
                not_home=args.not_home, refuse=args.refuse, sick=args.sick, resend=args.resend
            ),
            districts=tuple(args.districts) if args.districts else None,
            scale=args.scale,
            days=args.days,
            workers=args.workers,
            out=args.out,
        )
        started = time.perf_counter()
        city = generate_city(
            args.city_seed, as_of=config.first, districts=config.districts, scale=args.scale
        )
    except ValueError as exc:
        console.print(f"[red]careroute simulate: {exc}", markup=True)
        raise SystemExit(EXIT_BAD_INPUT) from exc
    console.print(
        f"Synthetic Shenyang (city seed {args.city_seed}): {len(city.communities):,} "
        f"communities, {len(city.elders):,} elders in {time.perf_counter() - started:.1f} s; "
        f"simulating {config.first} to {config.last} (seed {args.seed})"
    )
    command = "careroute " + " ".join(sys.argv[1:]) if sys.argv[1:] else "careroute simulate"
    raise SystemExit(run_simulation(config, city, policy, console, command))


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    handlers = {
        ("run", None): cmd_run,
        ("plan", None): cmd_plan,
        ("data", "generate"): cmd_generate,
        ("data", "import"): cmd_import,
        ("data", "export"): cmd_export,
        ("token", None): cmd_token,
        ("coverage", None): cmd_coverage,
        ("redrive", None): cmd_redrive,
        ("reset", None): cmd_reset,
        ("simulate", None): cmd_simulate,
        ("circle", None): cmd_circle,
    }
    handler = handlers[(args.command, getattr(args, "data_command", None))]
    running = clock.use(clock.RunningClock(args.now)) if args.now else contextlib.nullcontext()
    try:
        with running:
            handler(args)
    except KeyboardInterrupt:
        console.print("stopped")
        sys.exit(130)


if __name__ == "__main__":
    main()
