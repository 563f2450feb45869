"""The main job: local stack up, city loaded, tomorrow's plan made, API serving.

Every step goes through the real handlers: the planner gets a Scheduler-shaped tick, the
solver gets SQS batches, the projector gets stream records, the API gets HTTP API events.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table

from careroute.adapters.china_calendar import PACKAGE_HOLIDAYS, PACKAGE_WORKDAYS
from careroute.domain import clock
from careroute.domain.due import WorkCalendar
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import Registry, china_date
from careroute.planning.plan_summary import PlanSummary, flat_unassigned, summarise
from careroute_local.paths import DATA_DIR, STACK_FILE, TEMPLATE_PATH
from careroute_local.pump import EventPump
from careroute_local.stack import LocalStack
from careroute_local.ticks import evening_before

if TYPE_CHECKING:
    from careroute.service_layer.data_import import DataSets

HANDLER_LOG = DATA_DIR / "logs" / "handlers.log"
PLANNER = "PlannerFunction"
PLAN_QUEUE = "PlanJobsQueue"
DRAIN_POLL_S = 0.1
"""How often the plan queue is looked at again while the fan-out sends jobs."""
VISITS_TABLE = "VisitsTable"


WEEKEND = frozenset({5, 6})
"""The default days off of a steward (the synthetic city's)."""


def next_working_day(after: date) -> date:
    """The first date after `after` a steward with the default days off (the weekend) works:
    China's calendar (chinese-calendar's holidays and make-up working days; Monday to Friday
    in a year the package does not know)."""
    calendar = WorkCalendar(WEEKEND, frozenset(PACKAGE_HOLIDAYS), frozenset(PACKAGE_WORKDAYS))
    return _first_day_after(after, calendar.works_on)


def next_plan_date(after: date) -> date:
    """The first date after `after` with routes for a steward with the default days off: a
    working day, or a holiday duty day of a long closure (domain/holiday_duty.py) on which
    the weekly elders are visited. The main job plans it: the night before the National
    Day week plans its first duty day, as the nightly schedule would."""
    holidays, workdays = frozenset(PACKAGE_HOLIDAYS), frozenset(PACKAGE_WORKDAYS)
    duty = load_policy().duty_dates(WEEKEND, holidays, workdays)
    calendar = WorkCalendar(WEEKEND, holidays, workdays, duty)
    return _first_day_after(after, lambda day: calendar.works_on(day) or calendar.on_duty(day))


def _first_day_after(after: date, has_routes: Callable[[date], bool]) -> date:
    day = after + timedelta(days=1)
    while not has_routes(day):
        day += timedelta(days=1)
    return day


@contextmanager
def handler_output_to(path: Path) -> Iterator[Path]:
    """Send this process's and its children's stdout to `path` while the stack runs.

    Handlers write JSON logs and CloudWatch EMF metric lines to stdout, as Lambda expects;
    locally that file plays CloudWatch Logs, and the terminal (stderr) keeps the progress.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    saved = os.dup(1)
    with path.open("a", encoding="utf-8") as log_file:
        os.dup2(log_file.fileno(), 1)
        try:
            yield path
        finally:
            sys.stdout.flush()
            os.dup2(saved, 1)
            os.close(saved)


@contextmanager
def local_stack(
    port: int = 0, log_level: str = "INFO", state_dir: Path | None = None
) -> Iterator[tuple[LocalStack, EventPump]]:
    """A running local stack with its environment applied, and a pump for its handlers.

    `log_level` is the template's LogLevel parameter. Handler output goes to
    var/logs/handlers.log (see handler_output_to). With `state_dir` the stack's data and the
    pump's stream positions survive a restart (see careroute_local.journal).
    """
    stack = LocalStack(
        TEMPLATE_PATH, port=port, parameters={"LogLevel": log_level}, state_dir=state_dir
    )
    with handler_output_to(HANDLER_LOG):
        stack.start()
        try:
            stack.apply_environment()
            from careroute.adapters.dynamodb import bind_tables
            from careroute.entrypoints.config import Settings

            bind_tables(Settings.from_env())  # a restarted stack is read before any load
            with EventPump(stack) as pump:
                yield stack, pump
        finally:
            stack.stop()


def load_registry(
    data: Registry, as_of: date, console: Console, synthetic_sets: bool = True
) -> None:
    """Import a validated registry with a progress bar, and (`synthetic_sets`) the synthetic
    canteens and service facilities of its communities (synthetic_tables)."""
    from careroute.adapters.dynamodb import bind_tables
    from careroute.entrypoints.config import Settings
    from careroute_local.synthetic_tables import load_canteens_and_facilities

    bind_tables(Settings.from_env())
    if synthetic_sets:
        load_canteens_and_facilities(data.communities)
    import_registry_with_progress(data, as_of, console)


def load_data_sets(data: DataSets, directory: Path, console: Console) -> dict[str, int]:
    """Import the data sets read from `directory` (careroute data import's path), and say
    which were loaded and which are empty because their file is not there. The items
    written per data set."""
    from careroute.adapters.data_csv import FILES
    from careroute.adapters.dynamodb.data_set_repositories import data_set_loading
    from careroute.service_layer.data_import import import_data_sets

    written = import_data_sets(data, data_set_loading())
    loaded = ", ".join(f"{n:,} {name.replace('_', ' ')}" for name, n in written.items())
    console.print(f"Data sets from {directory}: {loaded or 'none'}")
    absent = [spec.name for spec in FILES if getattr(data, spec.attribute) is None]
    if absent:
        console.print(
            f"Empty (no file in {directory}; nothing synthetic is drawn with --data): "
            + ", ".join(absent)
        )
    return written


def import_registry_with_progress(data: Registry, as_of: date, console: Console) -> None:
    """Import a validated registry with a progress bar (elders are most of the time, written
    by several threads: parallel_writes)."""
    from careroute.adapters.dynamodb import bind_tables
    from careroute.adapters.dynamodb.repositories import registry_loading
    from careroute.domain.policy import load_policy
    from careroute.entrypoints.config import Settings
    from careroute.service_layer.registry_import import import_registry
    from careroute_local.parallel_writes import ElderWriters

    bind_tables(Settings.from_env())
    total = len(data.communities) + len(data.stewards) + len(data.elders)
    with _progress(console) as progress:
        task = progress.add_task("loading registry", total=total)
        import_registry(
            data,
            as_of,
            load_policy(),
            replace(registry_loading(), elders=ElderWriters()),
            progress=lambda _name, count: progress.advance(task, count),
        )


@dataclass(frozen=True)
class PlanRun:
    plan_date: date
    jobs: int
    seconds: float
    summary: PlanSummary
    routes: list[dict[str, Any]]
    dead_letters: int


def plan_night(
    pump: EventPump,
    plan_date: date,
    console: Console,
    workers: int = 2,
    district_ids: list[str] | None = None,
    jobs_sent: int | None = None,
    on_fanned_out: Callable[[int], None] | None = None,
) -> PlanRun:
    """Fire the nightly tick for `plan_date`, drain the jobs through the solver, summarise.

    `jobs_sent`: the tick already fanned out that many jobs (a restarted run): only the
    jobs still in the queue are solved. `on_fanned_out(jobs)` is told once the tick is done.
    With worker processes (`workers` > 1) the solvers take each job as the fan-out sends it,
    as Lambda's poller does; with one, the solver runs here, after the fan-out.
    """
    from careroute.adapters.dynamodb import routes as route_store

    started = time.perf_counter()
    with _progress(console) as progress:
        task = progress.add_task(f"planning {plan_date}", total=jobs_sent)
        solved_before = 0
        if jobs_sent is None:
            fanning = _fire_tick(pump, plan_date, district_ids, on_fanned_out, workers)
        else:  # resumed: the jobs no longer in the queue were solved before the restart
            fanning = _done(jobs_sent)
            waiting = sum(pump.stack.queue_depth(PLAN_QUEUE).values())
            solved_before = max(jobs_sent - waiting, 0)
        failed = _drain_while(
            pump, fanning, workers, lambda n: progress.update(task, completed=solved_before + n)
        )
        jobs = fanning.result()
        progress.update(task, total=jobs, completed=jobs)
    seconds = time.perf_counter() - started
    docs = [
        d
        for d in route_store.routes_on(plan_date)
        if not district_ids or d["district_id"] in district_ids
    ]
    return PlanRun(plan_date, jobs, seconds, summarise(docs), docs, failed)


def _fire_tick(
    pump: EventPump,
    plan_date: date,
    district_ids: list[str] | None,
    on_fanned_out: Callable[[int], None] | None,
    workers: int,
) -> Future[int]:
    """The nightly tick's fan-out (the jobs it sent): with worker processes, in a thread of
    its own while the workers start and solve beside it; with one, here and now."""

    def fire() -> int:
        overrides = {"plan_date": plan_date.isoformat(), "district_ids": district_ids}
        answer = pump.fire_schedule(PLANNER, evening_before(plan_date, 21), overrides=overrides)
        jobs = int(answer["jobs"])
        if on_fanned_out is not None:
            on_fanned_out(jobs)
        return jobs

    if workers > 1:
        pump.start_workers(PLAN_QUEUE, workers)
        planner = ThreadPoolExecutor(1, thread_name_prefix="planner")
        fanning = planner.submit(fire)
        planner.shutdown(wait=False)  # the thread ends with the fan-out
        return fanning
    return _done(fire())


def _solved_after(before: int, on_solved: Callable[[int], None], solved: int) -> None:
    on_solved(before + solved)


def _done(jobs: int) -> Future[int]:
    done: Future[int] = Future()
    done.set_result(jobs)
    return done


def _drain_while(
    pump: EventPump, fanning: Future[int], workers: int, on_solved: Callable[[int], None]
) -> int:
    """Solve the plan jobs until the fan-out is done and its queue drained (Lambda's poller
    takes each job as it comes); the jobs that failed. `on_solved(n)`: n solved so far."""
    solved = failed = 0
    while True:
        finished = fanning.done()  # read first: the drain after it sees every job it sent
        progress = functools.partial(_solved_after, solved, on_solved)
        stats = pump.drain_queue(PLAN_QUEUE, workers=workers, on_batch=progress)
        solved, failed = solved + stats.succeeded, failed + stats.failed
        if finished:
            return failed
        wait([fanning], timeout=DRAIN_POLL_S)


def plan_export(run: PlanRun, path: Path) -> None:
    # Imported here: the services import the handlers' Logger and Metrics, which read their
    # POWERTOOLS_* settings once, when the local stack has set them.
    from careroute.service_layer.route_view import without_personal_data

    document = {
        "date": run.plan_date.isoformat(),
        "generated_at": clock.now().astimezone(UTC).isoformat(timespec="seconds"),
        "summary": {"communities": run.jobs, **run.summary.as_dict()},
        "routes": [
            without_personal_data(d) for d in sorted(run.routes, key=lambda d: d["steward_id"])
        ],
        "unassigned": flat_unassigned(run.routes),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1), "utf-8")


def print_summary(run: PlanRun, console: Console) -> None:
    s = run.summary
    table = Table(title=f"Plan for {run.plan_date}", show_header=False)
    table.add_row("communities (jobs)", f"{run.jobs:,}")
    table.add_row("routes stored", f"{s.routes:,}")
    table.add_row("visits planned", f"{s.visits_planned:,}  ({s.stops_per_route_mean} per route)")
    table.add_row(
        "visits planned by tier", ", ".join(f"{k} {v:,}" for k, v in s.tiers_planned.items())
    )
    reasons = ", ".join(f"{k} {v:,}" for k, v in s.unassigned_by_reason.items()) or "none"
    table.add_row("candidates left for later days", f"{s.unassigned:,}: {reasons}")
    table.add_row("mandatory visits unassigned", f"{s.mandatory_unassigned:,}")
    table.add_row("fallback routes", f"{s.fallback_routes:,}")
    table.add_row(
        "solve time per community",
        f"p50 {s.solve_ms_p50:.0f} ms, p99 {s.solve_ms_p99:.0f} ms, max {s.solve_ms_max:.0f} ms",
    )
    table.add_row("wall time (tick to last route)", f"{run.seconds:.1f} s")
    table.add_row("jobs failed (retried or dead-lettered)", f"{run.dead_letters:,}")
    console.print(table)


def write_stack_file(stack: LocalStack, api_url: str) -> None:
    STACK_FILE.parent.mkdir(parents=True, exist_ok=True)
    STACK_FILE.write_text(
        json.dumps({"api_url": api_url, "environment": stack.environment()}, indent=1), "utf-8"
    )


def start_serving(pump: EventPump, stack: LocalStack, port: int, console: Console) -> str:
    """Serve the API from now on (a thread), while the rest of the night is made: a steward's
    route answers 404 until the plan stores it. The API's base URL."""
    _server, url = pump.serve_http(port=port)
    write_stack_file(stack, url)
    console.print(f"[bold green]API serving at {url}[/] (moto at {stack.endpoint_url})")
    return url


def serve(
    pump: EventPump,
    url: str,
    console: Console,
    example: dict[str, str],
    synthetic_orders: bool = True,
) -> None:
    """Keep the pump running (streams, queues, schedules) for the API served at `url` until
    Ctrl-C; first, the requests to try. `synthetic_orders`: draw each day's lunch orders
    before the meal planner runs (a city given as files brings its own orders)."""
    console.print(f"\n[bold green]API at {url}[/]")
    steward = pump.issuer.token("steward", example["steward_id"])
    admin = pump.issuer.token("city_admin")
    as_steward = '-H "Authorization: Bearer $STEWARD"'
    console.print("Try (dev tokens; `careroute token --role R --scope S` prints more):")
    # soft_wrap: a command must stay on one line to be copied from the terminal.
    for line in (
        f"  STEWARD={steward}",
        f"  ADMIN={admin}",
        f"  curl -s {as_steward} {url}/stewards/{example['steward_id']}/routes/{example['date']}",
        f"  curl -s -X POST {url}/visits {as_steward} -H 'Idempotency-Key: demo-visit-0001' "
        f"-H 'Content-Type: application/json' -d '{example['visit']}'",
        f'  curl -s -H "Authorization: Bearer $ADMIN" '
        f"'{url}/coverage?month={example['month']}&scope=city'",
        f"  API docs, no token: {url}/docs",
        # Web pages (docs/web.md): sign in on the page, picking a local user (no passwords).
        f"  Steward's day ({example['steward_id']}): {url}/app/steward.html#date={example['date']}",
        f"  Officials' dashboard: {url}/app/dashboard.html#month={example['month']}",
    ):
        console.print(line, soft_wrap=True, markup=False, highlight=False)
    console.print("Ctrl-C stops the stack.")
    stop = threading.Event()
    try:
        before = lunch_orders_before_meal_planning if synthetic_orders else None
        pump.run_forever(stop, before_schedule=before)
    except KeyboardInterrupt:
        stop.set()
    finally:
        STACK_FILE.unlink(missing_ok=True)


def lunch_orders_before_meal_planning(function_id: str, when: datetime) -> None:
    """Canteens take the next day's lunch orders during the day; the synthetic city places
    them just before the meal planner's evening run plans that day."""
    from careroute.adapters.dynamodb import canteens
    from careroute_local.care_flows_job import MEAL_PLANNER
    from careroute_local.synthetic_tables import load_lunch_orders

    if function_id == MEAL_PLANNER:
        load_lunch_orders(china_date(when) + timedelta(days=1), canteens.all_canteens())


@contextmanager
def _progress(console: Console) -> Iterator[Progress]:
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        yield progress
