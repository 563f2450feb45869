"""`careroute run` and `careroute plan`: a local stack with a city, a night's plan and, for
`run`, the API served until Ctrl-C, resumed from the data folder after a restart.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import threading
from concurrent.futures import Future
from datetime import date
from typing import TYPE_CHECKING

from careroute.domain import clock
from careroute.domain.vocabulary import CHINA_TZ, Registry
from careroute_local.cli.city_source import load_city, load_city_and_files
from careroute_local.cli.console import EXIT_BAD_INPUT, console
from careroute_local.paths import STATE_DIR

if TYPE_CHECKING:
    from careroute_local.main_job import PlanRun
    from careroute_local.run_state import RunState
    from careroute_local.stack import LocalStack


def _log_level() -> str:
    return os.environ.get("CAREROUTE_LOG_LEVEL", "INFO").upper()


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
    today = clock.today()
    plan_date = args.date or main_job.next_plan_date(today)
    state = _open_state()
    try:
        drawing = _draw_while_the_stack_starts(args, today, state)
        with main_job.local_stack(log_level=_log_level(), state_dir=STATE_DIR) as (stack, pump):
            console.print(f"Local stack up: moto at {stack.endpoint_url}")
            city: Registry | None = None  # in memory when loaded now (not when resumed)
            if not _resumed(state, stack, args):
                if drawing is not None:
                    city, files = drawing.result(), None
                else:
                    city, files = load_city_and_files(args, today)
                main_job.load_registry(city, today, console, synthetic_sets=files is None)
                if files is not None:
                    main_job.load_data_sets(files, args.data, console)
            # A city given as files brings every data set it has; nothing synthetic is drawn.
            synthetic = "data" not in (state.city or _city_description(args))
            # The registry is what every request reads: the API serves from here on, while the
            # devices load and the night is planned (a route answers once it is stored).
            url = None if args.no_serve else main_job.start_serving(pump, stack, args.port, console)
            if city is not None:
                if synthetic:
                    urgent_job.load_devices(city, args.seed, today, stack, console)
                state.registry_loaded(_city_description(args))
            if synthetic:
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
            inspection_job.print_inspections(pump, plan_date, args.seed, today, console, synthetic)
            care_flows_job.print_care_flows(
                pump, plan_date, args.seed, today, console,
                city=city, meals=args.meals, workers=args.workers, synthetic=synthetic,
            )  # fmt: skip
            if args.export:
                main_job.plan_export(run, args.export)
                console.print(f"Plan written to {args.export}")
            if url is not None:
                main_job.serve(pump, url, console, _example(run), synthetic_orders=synthetic)
    finally:
        state.close()


def _draw_while_the_stack_starts(
    args: argparse.Namespace, today: date, state: RunState
) -> Future[Registry] | None:
    """A fresh run of the synthetic city: the city drawn on a thread while the moto server
    starts in its own process (seconds each). None when the city comes from files (read
    against the stack's tables) or the data folder may hold it already (a restart)."""
    if args.data or state.resumed:
        return None
    drawing: Future[Registry] = Future()

    def draw() -> None:
        try:
            drawing.set_result(load_city(args, today))
        except BaseException as exc:  # SystemExit for a bad option: raised by result()
            drawing.set_exception(exc)

    threading.Thread(target=draw, name="draw-city", daemon=True).start()
    return drawing


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

    city = load_city(args, args.date)
    with main_job.local_stack(log_level=_log_level()) as (_stack, pump):
        main_job.load_registry(city, args.date, console)
        run = main_job.plan_night(
            pump, args.date, console, workers=args.workers, district_ids=args.district
        )
        main_job.print_summary(run, console)
        if args.export:
            main_job.plan_export(run, args.export)
            console.print(f"Plan written to {args.export}")
