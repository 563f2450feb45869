"""AWS calls per unit of work, counted on the local stack: what a deployment pays per request.

On a small Heping city, in this process (one worker, so every handler's calls are counted by
the same hook on botocore's `_make_api_call`), with the pump's own calls left out (it stands in
for Lambda's pollers and API Gateway, which AWS does not bill as our calls):
- a plan job: the nightly tick's calls, then the solver's per job;
- a visit outcome: POST /visits, then the projector's calls for its stream record;
- a route read: GET /stewards/{id}/routes/{date}, then the audit writer's for its log line.
Each with its handler time in this process (an upper bound of Lambda's duration: the calls go
to moto, not DynamoDB). docs/scale.md turns these counts into a monthly bill.

    .venv/bin/python benchmarks/calls_per_unit.py [--visits 50] [--reads 50]
"""

from __future__ import annotations

import argparse
import contextlib
import contextvars
import json
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from datetime import time as time_of_day
from typing import Any

import botocore.client
from rich.console import Console
from stack_bench import city_stack, heping_today

from careroute.domain import clock
from careroute.domain.vocabulary import CHINA_TZ
from careroute_local import main_job
from careroute_local.pump import EventPump

counting: contextvars.ContextVar[Counter[str] | None] = contextvars.ContextVar(
    "counting", default=None
)
"""The counter of the handler running in this thread, if one is being counted."""


def items_in(operation_name: str, api_params: Any) -> int:
    """The items a call reads or writes (a transaction's or a batch's several; else one):
    DynamoDB bills request units per item, twice over in a transaction."""
    if operation_name in ("TransactWriteItems", "TransactGetItems"):
        return len(api_params["TransactItems"])
    if operation_name == "BatchWriteItem":
        return sum(len(writes) for writes in api_params["RequestItems"].values())
    if operation_name == "BatchGetItem":
        return sum(len(table["Keys"]) for table in api_params["RequestItems"].values())
    return 1


def count_calls() -> None:
    """Count every botocore call made while a counter is set (once per process)."""
    original = botocore.client.BaseClient._make_api_call

    def counted(self: Any, operation_name: str, api_params: Any) -> Any:
        calls = counting.get()
        if calls is not None:
            name = f"{self.meta.service_model.service_name}:{operation_name}"
            calls[name] += 1
            calls[f"{name} items"] += items_in(operation_name, api_params)
        return original(self, operation_name, api_params)

    botocore.client.BaseClient._make_api_call = counted  # type: ignore[method-assign]


def counted_handlers(
    pump: EventPump,
) -> Callable[[], contextlib.AbstractContextManager[Counter[str]]]:
    """Count the handlers' own AWS calls (not the pump's) into the measurement under way."""
    invoke = pump.invoke
    measurement: list[Counter[str]] = []

    def invoke_counted(function_logical_id: str, event: Any) -> Any:
        token = counting.set(measurement[-1] if measurement else None)
        try:
            return invoke(function_logical_id, event)
        finally:
            counting.reset(token)

    pump.invoke = invoke_counted  # type: ignore[method-assign]

    @contextlib.contextmanager
    def measured() -> Iterator[Counter[str]]:
        measurement.append(Counter())
        try:
            yield measurement[-1]
        finally:
            measurement.pop()

    return measured


def per_unit(name: str, units: int, calls: Counter[str], seconds: float) -> dict[str, Any]:
    return {
        "unit": name,
        "units": units,
        "calls_per_unit": {k: round(v / units, 2) for k, v in sorted(calls.items())},
        # Queries and scans count one here: their items are what they return, not asked for.
        "handler_ms_per_unit": round(seconds / units * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--visits", type=int, default=50)
    parser.add_argument("--reads", type=int, default=50)
    args = parser.parse_args()
    today, city = heping_today(scale=0.05)
    console = Console(stderr=True)
    plan_date = main_job.next_working_day(today)
    count_calls()
    rows = []
    with city_stack(city, today, console) as (_stack, pump):
        measured = counted_handlers(pump)
        with measured() as calls:
            started = time.perf_counter()
            run = main_job.plan_night(pump, plan_date, console, workers=1)
            seconds = time.perf_counter() - started
        rows.append(per_unit("plan job (tick + solver)", run.jobs, calls, seconds))

        # One outcome per planned stop (distinct elders), as a day's visits are, made on the
        # routes' day (on another day a steward has no route: each outcome reads its elder).
        stops = [(r["steward_id"], s["elder_id"]) for r in run.routes for s in r["stops"]]
        now = datetime.combine(plan_date, time_of_day(16), CHINA_TZ)
        visits = min(args.visits, len(stops))
        with clock.use(clock.RunningClock(now)):
            tokens = {steward: pump.issuer.token("steward", steward) for steward, _ in stops}
            with measured() as calls:
                started = time.perf_counter()
                for i, (steward, elder) in enumerate(stops[:visits]):
                    body = {
                        "elder_id": elder,
                        "outcome": "visited",
                        "visited_at": (now - timedelta(minutes=i)).isoformat(),
                    }
                    headers = {
                        "authorization": f"Bearer {tokens[steward]}",
                        "idempotency-key": uuid.uuid4().hex,
                    }
                    answer = pump.invoke_http(
                        "POST", "/visits", headers=headers, body=json.dumps(body)
                    )
                    assert answer.status == 201, answer.text
                assert pump.drain_stream("VisitsTable").failed == 0
                seconds = time.perf_counter() - started
            rows.append(per_unit("visit outcome (API + projector)", visits, calls, seconds))

            route = next(r for r in run.routes if r["stops"])
            token = {"authorization": f"Bearer {tokens[route['steward_id']]}"}
            path = f"/stewards/{route['steward_id']}/routes/{plan_date.isoformat()}"
            with measured() as calls:
                started = time.perf_counter()
                for _ in range(args.reads):
                    assert pump.invoke_http("GET", path, headers=token).status == 200
                assert pump.deliver_logs().failed == 0
                seconds = time.perf_counter() - started
            rows.append(per_unit("route read (API + audit writer)", args.reads, calls, seconds))
    print(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
