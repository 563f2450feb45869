"""AWS calls per unit of work, counted on the local stack: what a deployment pays per request.

On a small Heping city, in this process (one worker, one handler at a time, so every call a
handler makes, from any of its threads, goes to that handler's count through one hook on
botocore's `_make_api_call`), with the pump's own calls left out (it stands in for Lambda's
pollers and API Gateway, which AWS does not bill as our calls):
- a plan job: the nightly tick's calls, then the solver's per job, on the first night and on
  the next working day's (after a route: the warm start reads it);
- a visit outcome: POST /visits, then the projector's calls for its stream record; sent as
  the steward's page sends it (with its stop's reference, `stop_ref`, in a container that has
  not read the steward's route), and with the elder's id alone (the route read once per
  steward in the container); one with a finding (a follow-up ticket), one not home, and an
  elder's second visit of the month;
- a route read: GET /stewards/{id}/routes/{date}, then the audit writer's for its log line;
- a ticket file: POST /exports/tickets, the export worker (and its S3 write), GET the job;
- a ticket closed: POST /tickets/{id}/close.
For each: calls and the items they read or write (a batch's or transaction's several, a
Query's or Scan's returned), DynamoDB's request units from the items' sizes
(benchmarks/request_units.py), and the handler time in this process per function (an upper
bound of Lambda's duration: the calls go to moto, not DynamoDB; the request units' own
look-ups left out). docs/scale.md turns these counts into a monthly bill.

    .venv/bin/python benchmarks/calls_per_unit.py [--visits 50] [--findings 10] [--reads 50]
        [--exports 3] [--scale 0.1]

It prints one JSON row per unit (calls, items, request units and handler ms per unit, in all
and by function) and the tables' items and bytes after the run.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as time_of_day
from typing import Any

import botocore.client
from request_units import Meter, item_size, returned_items
from rich.console import Console
from stack_bench import city_stack, heping_today

from careroute.domain import clock
from careroute.domain.vocabulary import CHINA_TZ
from careroute.planning.stop_ref import stop_ref
from careroute_local import main_job
from careroute_local.pump import EventPump, function_runner


@dataclass
class Measurement:
    """What the handlers did during one measurement, by function."""

    calls: dict[str, defaultdict[str, float]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(float))
    )
    seconds: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    loading: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    """Seconds a function's first invocation spent importing its handler (Lambda's INIT)."""
    invocations: defaultdict[str, int] = field(default_factory=lambda: defaultdict(int))
    log_bytes: int = 0

    def add(self, function: str, what: str, amount: float) -> None:
        with _lock:
            self.calls[function][what] += amount


_lock = threading.Lock()
_running: list[tuple[Measurement, str]] = []
"""The measurement under way and the function being invoked, while one is; a global, not a
context variable: a handler's own threads (the fan-out's elder reads) count too."""


def items_in(operation_name: str, api_params: Any, answer: Any) -> int:
    """The items a call reads or writes: a transaction's or a batch's several, the items a
    Query or Scan returns, the messages of an SQS batch; else one."""
    if operation_name == "SendMessageBatch":
        return len(api_params["Entries"])
    if operation_name in ("TransactWriteItems", "TransactGetItems"):
        return len(api_params["TransactItems"])
    if operation_name == "BatchWriteItem":
        return sum(len(writes) for writes in api_params["RequestItems"].values())
    if operation_name == "BatchGetItem":
        return sum(len(table["Keys"]) for table in api_params["RequestItems"].values())
    if operation_name in ("Query", "Scan") and answer is not None:
        return len(returned_items(answer))
    return 1


def tables_of(api_params: Any) -> Iterator[str]:
    """The tables a call names: its TableName, or its batch's or transaction's."""
    if "TableName" in api_params:
        yield api_params["TableName"]
    yield from api_params.get("RequestItems", {})
    for entry in api_params.get("TransactItems", []):
        for body in entry.values():
            yield body["TableName"]


def count_calls(table_names: dict[str, str]) -> None:
    """Count every botocore call made while a handler is measured, with DynamoDB's request
    units; `table_names` names the tables by their logical ids (once per process)."""
    original = botocore.client.BaseClient._make_api_call
    key_schemas: dict[str, list[str]] = {}

    def counted(self: Any, operation_name: str, api_params: Any) -> Any:
        if not _running:
            return original(self, operation_name, api_params)
        measurement, function = _running[-1]
        service = self.meta.service_model.service_name
        name = f"{service}:{operation_name}"
        table = "+".join(sorted({table_names.get(t, t) for t in tables_of(api_params)}))
        units = None
        if service == "dynamodb":
            meter = Meter(functools.partial(original, self), key_schemas)
            units = meter.before(operation_name, api_params)
        answer = None
        try:
            answer = original(self, operation_name, api_params)
            return answer
        finally:
            measurement.add(function, f"{name} {table}".strip(), 1)
            measurement.add(function, f"{name} items", items_in(operation_name, api_params, answer))
            if units is not None:
                spent = units(answer)
                for kind, amount in (("read", spent.read), ("write", spent.write)):
                    if amount:
                        measurement.add(function, f"{name} {table} {kind} units".strip(), amount)
                with _lock:
                    measurement.seconds[function] -= spent.looking_up

    botocore.client.BaseClient._make_api_call = counted


def counted_handlers(
    pump: EventPump,
) -> Callable[[], contextlib.AbstractContextManager[Measurement]]:
    """Count the handlers' own AWS calls (not the pump's) into the measurement under way; a
    handler's import at its first invocation is timed apart from its invocations."""
    invoke = pump.invoke
    load = function_runner.load_handler
    measurements: list[Measurement] = []

    def load_timed(spec: Any) -> Any:
        started = time.perf_counter()
        try:
            return load(spec)
        finally:
            if measurements:
                measurements[-1].loading[spec.logical_id] += time.perf_counter() - started

    def invoke_counted(function_logical_id: str, event: Any) -> Any:
        if not measurements:
            return invoke(function_logical_id, event)
        measurement = measurements[-1]
        _running.append((measurement, function_logical_id))
        started = time.perf_counter()
        try:
            return invoke(function_logical_id, event)
        finally:
            _running.pop()
            measurement.seconds[function_logical_id] += time.perf_counter() - started
            measurement.invocations[function_logical_id] += 1

    pump.invoke = invoke_counted
    function_runner.load_handler = load_timed

    @contextlib.contextmanager
    def measured() -> Iterator[Measurement]:
        measurements.append(Measurement())
        logged = main_job.HANDLER_LOG.stat().st_size
        try:
            yield measurements[-1]
        finally:
            measurements.pop().log_bytes = main_job.HANDLER_LOG.stat().st_size - logged

    return measured


def per_unit(name: str, units: int, measurement: Measurement) -> dict[str, Any]:
    def each(amount: float) -> float:
        return round(amount / units, 3)

    totals: defaultdict[str, float] = defaultdict(float)
    by_function = {}
    for function, calls in sorted(measurement.calls.items()):
        for what, amount in calls.items():
            words = what.split(" ")
            if what.endswith(" units"):
                totals[" ".join(words[-2:])] += amount
            elif what.endswith(" items"):
                totals[what] += amount
            else:
                totals[words[0]] += amount
        loading = measurement.loading[function]
        by_function[function] = {
            "invocations": each(measurement.invocations[function]),
            "handler_ms": round((measurement.seconds[function] - loading) / units * 1000, 1),
            "import_ms": round(loading * 1000),
            **{what: each(amount) for what, amount in sorted(calls.items())},
        }
    return {
        "unit": name,
        "units": units,
        "per_unit": {what: each(amount) for what, amount in sorted(totals.items())},
        "handler_ms_per_unit": round(
            (sum(measurement.seconds.values()) - sum(measurement.loading.values())) / units * 1000,
            1,
        ),
        "log_bytes_per_unit": round(measurement.log_bytes / units),
        "by_function": by_function,
    }


Measured = Callable[[], contextlib.AbstractContextManager[Measurement]]


def outcome(pump: EventPump, token: str, elder: str, at: datetime, **extra: Any) -> None:
    body = {"elder_id": elder, "outcome": "visited", "visited_at": at.isoformat(), **extra}
    body = {k: v for k, v in body.items() if v is not None}  # no stop_ref: by the elder's id
    headers = {"authorization": f"Bearer {token}", "idempotency-key": uuid.uuid4().hex}
    answer = pump.invoke_http("POST", "/visits", headers=headers, body=json.dumps(body))
    assert answer.status == 201, answer.text


def outcome_rows(
    pump: EventPump, measured: Measured, run: main_job.PlanRun, visits: int, findings: int
) -> list[dict[str, Any]]:
    """Outcomes made on the routes' day (on another day a steward has no route: each outcome
    reads its elder), of distinct elders but for the last kind, an elder's second. The
    stewards whose outcomes send the stop's reference are not those whose outcomes read the
    route, so the API's container has not kept their routes, as most containers have not."""
    routes = [r for r in run.routes if r["stops"]]
    by_id = [(r["steward_id"], s) for r in routes[::2] for s in r["stops"]]
    with_ref = [(r["steward_id"], s) for r in routes[1::2] for s in r["stops"] if stop_ref(s)]
    tokens = {r["steward_id"]: pump.issuer.token("steward", r["steward_id"]) for r in routes}
    finding: dict[str, Any] = {"findings": [{"category": "health", "severity": "normal"}]}
    not_home: dict[str, Any] = {"outcome": "not_home"}
    first, more = with_ref[:visits], with_ref[visits:]
    kinds: list[tuple[str, list[tuple[str, dict[str, Any]]], dict[str, Any]]] = [
        ("visit outcome with the stop's reference (API + projector)", first, {}),
        ("visit outcome by elder id (API + projector)", by_id[:visits], {"stop_ref": None}),
        # the next stops of the first kind's stewards, with their reference
        ("visit outcome with a finding (API + projector)", more[:findings], finding),
        ("visit outcome not home (API + projector)", more[findings:][:findings], not_home),
        # elders of the first kind again: counted this month already
        ("visit outcome, the elder's second this month (API + projector)", first[:findings], {}),
    ]
    now = clock.now()
    rows = []
    for k, (name, stops, extra) in enumerate(kinds):
        with measured() as calls:
            for i, (steward, stop) in enumerate(stops):
                sent = {"stop_ref": stop_ref(stop), **extra}
                at = now - timedelta(hours=len(kinds) - k, minutes=i)  # each kind after the last
                outcome(pump, tokens[steward], stop["elder_id"], at, **sent)
            assert pump.drain_stream("VisitsTable").failed == 0
        rows.append(per_unit(name, len(stops), calls))
    return rows


def route_read_row(
    pump: EventPump, measured: Measured, run: main_job.PlanRun, reads: int
) -> dict[str, Any]:
    route = next(r for r in run.routes if r["stops"])
    token = {"authorization": f"Bearer {pump.issuer.token('steward', route['steward_id'])}"}
    path = f"/stewards/{route['steward_id']}/routes/{run.plan_date.isoformat()}"
    with measured() as calls:
        for _ in range(reads):
            assert pump.invoke_http("GET", path, headers=token).status == 200
        assert pump.deliver_logs().failed == 0
    return per_unit("route read (API + audit writer)", reads, calls)


def ticket_file_row(pump: EventPump, measured: Measured, files: int) -> dict[str, Any]:
    """The city's open tickets asked for as a file, written by the export worker, read back."""
    admin = {"authorization": f"Bearer {pump.issuer.token('city_admin', None)}"}
    body = json.dumps({"scope": "city", "status": "open"})
    rows = 0
    with measured() as calls:
        for _ in range(files):
            asked = pump.invoke_http("POST", "/exports/tickets", headers=admin, body=body)
            assert asked.status == 202, asked.text
            stats = pump.drain_queue("ExportJobsQueue")
            assert (stats.messages, stats.succeeded) == (1, 1)
            done = pump.invoke_http("GET", f"/exports/jobs/{asked.json()['job_id']}", headers=admin)
            assert done.json()["status"] == "done", done.text
            rows = done.json()["rows"]
    return per_unit(f"ticket file ({rows} rows)", files, calls)


def ticket_close_row(pump: EventPump, measured: Measured) -> dict[str, Any]:
    """Each open ticket of the city closed by an official (as the findings' tickets are)."""
    admin = {"authorization": f"Bearer {pump.issuer.token('city_admin', None)}"}
    listed = pump.invoke_http(
        "GET", "/tickets", headers=admin, query={"scope": "city", "status": "open"}
    )
    ids = [t["ticket_id"] for t in listed.json()["tickets"]]
    body = json.dumps({"action": "called the family", "result": "a home visit booked"})
    with measured() as calls:
        for ticket_id in ids:
            closed = pump.invoke_http(
                "POST", f"/tickets/{ticket_id}/close", headers=admin, body=body
            )
            assert closed.status == 200, closed.text
    return per_unit("ticket closed (API)", len(ids), calls)


def stored(stack: Any) -> dict[str, dict[str, int]]:
    """Every table's items and their bytes (DynamoDB's sizes, without its 100 bytes an item
    and without the indexes' copies), after the run: what storage a unit of work leaves."""
    dynamodb = stack.client("dynamodb")
    tables = {}
    for logical, table in sorted(stack.template.tables.items()):
        items = bytes_ = 0
        for page in dynamodb.get_paginator("scan").paginate(TableName=table.name):
            items += len(page["Items"])
            bytes_ += sum(item_size(item) for item in page["Items"])
        if items:
            tables[logical] = {"items": items, "bytes": bytes_}
    return tables


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--visits", type=int, default=50, help="outcomes of each kind")
    parser.add_argument("--findings", type=int, default=10, help="outcomes of the other kinds")
    parser.add_argument("--reads", type=int, default=50)
    parser.add_argument("--exports", type=int, default=3)
    parser.add_argument("--scale", type=float, default=0.1, help="of Heping's communities")
    args = parser.parse_args()
    today, city = heping_today(scale=args.scale)
    console = Console(stderr=True)
    plan_date = main_job.next_working_day(today)
    rows = []
    with city_stack(city, today, console) as (stack, pump):
        count_calls({t.name: logical for logical, t in stack.template.tables.items()})
        measured = counted_handlers(pump)
        with measured() as calls:
            run = main_job.plan_night(pump, plan_date, console, workers=1)
        rows.append(per_unit("plan job, first night (tick + solver)", run.jobs, calls))
        with clock.use(clock.RunningClock(datetime.combine(plan_date, time_of_day(16), CHINA_TZ))):
            rows += outcome_rows(pump, measured, run, args.visits, args.findings)
            rows.append(route_read_row(pump, measured, run, args.reads))
            rows.append(ticket_file_row(pump, measured, args.exports))
            rows.append(ticket_close_row(pump, measured))
        # The next working day's plan, with the first night's routes and overflow marks
        # stored (a night without any mark, as this small city's, reads every community's
        # elders again, as the first does).
        next_date = main_job.next_working_day(plan_date)
        evening = datetime.combine(next_date - timedelta(days=1), time_of_day(21), CHINA_TZ)
        with clock.use(clock.RunningClock(evening)), measured() as calls:
            run = main_job.plan_night(pump, next_date, console, workers=1)
        rows.append(per_unit("plan job, a later night (tick + solver)", run.jobs, calls))
        rows.append({"stored": stored(stack)})
    print(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
