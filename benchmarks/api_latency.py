"""API latency on the local stack: HTTP vs raw DynamoDB for the same item.

One run: a synthetic city (Heping at `--scale`) is planned, the API is served on 127.0.0.1
with the stack's clock on the routes' day (from 10:00 China time, when a steward posts
outcomes), then
- GET route: p50/p99 over HTTP (token verification + handler + route read + the read's audit
  line) vs a raw boto3 GetItem of the same route item on the same moto server; the audit lines
  go to the audit writer in the background, as `careroute run` delivers them, and at the end
  every route read made must be in the audit table;
- POST outcome: p50/p99 over HTTP (token + validation + the visit's conditional write) vs a
  raw boto3 conditional PutItem of the item the API stores for the outcome (with a new id);
  every outcome is posted as the steward's page posts it, with its stop's `stop_ref`;
- POST, each elder's first outcome: the same, for the other elders on half the night's routes
  (as its steward), once each, as a day's outcomes arrive: no elder or route was read before
  by the API (the steward's first outcome is recorded from its stop's reference, in one
  write that checks it; without the reference, a route read and then the write); printed
  apart as well, the stewards' first outcomes (one in every ~12 of the row) and the others;
- POST, a day's outcomes, the route read first: the same for the elders on the other half of
  the routes, each steward having read their route (GET, not timed) first, as the phone does
  in the morning;
- requests/second of each with 8 concurrent clients (bounded number of requests);
- with `--breakdown`, afterwards, where a POST's time goes, each made in turn: over HTTP, in
  this process through the pump (the token check and the handler, no HTTP server), the
  transaction the handler sends made with boto3, the raw PutItem, and the five-attribute
  put earlier runs compared with;
- with `--cpu`, last, the CPU time a request costs this process (client, HTTP server,
  handler) and the moto server, the kinds made in blocks in turn with the log delivery
  paused: a ratio that a busy machine's waits do not move, beside the wall-time ones; a
  steward's first outcome in a container (the kept route dropped before each) with the
  stop's reference and without it among them; then, each beside a raw PutItem, outcomes of
  elders the emulator has seen in no condition before (a quarter of the routes each: a day's
  outcome on a route read first, an elder's first outcome from its stop's reference), as a
  day's outcomes come.

Each HTTP request and its raw call are made alternately (interleaved), so that a burst of load
from elsewhere on the machine falls on both sides of a ratio, not on one.

Every row has about 1,000 samples, so that its p99 is the tenth-slowest request, not the
slowest one or two (runs before 7 December took 300, 51 and 34): `--requests` for GET route
and the repeated outcome, the city's size for the first-outcome rows (the elders on the
night's routes; the whole of Heping, `--scale 1.0`: 165 routes, some 1,000 elders in each).

    .venv/bin/python benchmarks/api_latency.py [--requests 1000] [--scale 1.0] [--breakdown]
        [--cpu] [--client urllib3|requests]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from contextlib import ExitStack
from datetime import datetime, timedelta
from datetime import time as time_of_day
from pathlib import Path
from typing import Any

from http_timing import HttpClient, in_turn, interleaved, per_second, ratio_row, split_by
from rich.console import Console
from stack_bench import city_stack, heping_today

from careroute.domain import clock
from careroute.domain.percentiles import percentile
from careroute.domain.vocabulary import CHINA_TZ
from careroute.planning.stop_ref import stop_ref
from careroute.service_layer.route_elders import drop_route
from careroute_local import main_job
from careroute_local.pump import EventPump
from careroute_local.stack import LocalStack


def moto_server_pid() -> int:
    """The local moto server: the child process of this one running careroute_local.moto_server."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue  # a process that ended meanwhile
        if parent == str(os.getpid()) and b"careroute_local.moto_server" in command:
            return int(entry.name)
    raise RuntimeError("no local moto server runs under this process")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far (/proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_per_call(
    n: int, calls: Mapping[str, Callable[[int], None]], moto_pid: int, rounds: int = 5
) -> dict[str, tuple[float, float]]:
    """CPU ms per call of each of `calls`, made `n` times: (this process, moto). The calls go
    in blocks of n / `rounds`, each kind in turn: the moto server's time is counted in clock
    ticks, tens of them per block, and a change in the machine's load falls on every kind."""
    spent = {name: [0.0, 0.0] for name in calls}
    block = n // rounds
    for turn in range(rounds):
        for name, call in calls.items():
            here, there = time.process_time(), cpu_seconds(moto_pid)
            for i in range(turn * block, (turn + 1) * block):
                call(i)
            spent[name][0] += time.process_time() - here
            spent[name][1] += cpu_seconds(moto_pid) - there
    made = block * rounds
    return {
        name: (here * 1000 / made, there * 1000 / made) for name, (here, there) in spent.items()
    }


def sent_transaction(stack: LocalStack, post: Callable[[int], None]) -> dict[str, Any]:
    """The TransactWriteItems parameters the API function sends for one `post`, as sent."""
    from careroute.adapters.dynamodb.visits import VisitModel

    sent: dict[str, Any] = {}

    def keep(params: dict[str, Any], **_: Any) -> None:
        sent.update(copy.deepcopy(params))

    events = VisitModel._get_connection().connection.client.meta.events
    event = "provide-client-params.dynamodb.TransactWriteItems"
    events.register(event, keep)
    try:
        post(-1)
    finally:
        events.unregister(event, keep)
    if not sent:
        raise RuntimeError("the POST's transaction was not seen: the models were bound anew")
    sent.pop("ClientRequestToken", None)  # one per call: boto3 makes a new one
    return sent


def stewards_first(visits: list[tuple[str, str, str | None]]) -> list[bool]:
    """For each (steward, elder, stop_ref) visit in order: is it the steward's first?"""
    seen: set[str] = set()
    flags = []
    for steward, _, _ in visits:
        flags.append(steward not in seen)
        seen.add(steward)
    return flags


def deliver_logs_until(stop: threading.Event, pump: EventPump) -> None:
    """The audit lines to the audit writer every half second, as `careroute run` does."""
    while not stop.wait(0.5):
        pump.deliver_logs()


def route_reads_stored(stack: LocalStack, community_id: str) -> int:
    """The route reads of `community_id` in the audit (the elder history table)."""
    pages = stack.client("dynamodb").get_paginator("query")
    return sum(
        page["Count"]
        for page in pages.paginate(
            TableName=stack.table_name("ElderHistoryTable"),
            KeyConditionExpression="pk = :pk",
            FilterExpression="#what = :route",
            ExpressionAttributeNames={"#what": "what"},
            ExpressionAttributeValues={
                ":pk": {"S": f"community#{community_id}"},
                ":route": {"S": "route"},
            },
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument(
        "--scale", type=float, default=1.0, help="the city's size (Heping at this scale)"
    )
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--breakdown", action="store_true", help="where a POST's time goes")
    parser.add_argument("--cpu", action="store_true", help="CPU per request, each side")
    parser.add_argument(
        "--client", choices=("urllib3", "requests"), default="urllib3", help="the HTTP client"
    )
    args = parser.parse_args()
    load_at_start = os.getloadavg()
    today, city = heping_today(scale=args.scale)
    console = Console(stderr=True)
    plan_date = main_job.next_working_day(today)
    with city_stack(city, today, console) as (stack, pump), ExitStack() as on_the_day:
        run = main_job.plan_night(pump, plan_date, console)
        # The requests are made on the routes' day, as a steward makes them.
        morning = datetime.combine(plan_date, time_of_day(10), CHINA_TZ)
        on_the_day.enter_context(clock.use(clock.RunningClock(morning)))
        route = next(r for r in run.routes if r["stops"])
        steward_id = route["steward_id"]
        elder_id = route["stops"][0]["elder_id"]
        elder_ref = stop_ref(route["stops"][0])
        server, url = pump.serve_http()
        stop_delivery = threading.Event()
        delivery = threading.Thread(
            target=deliver_logs_until, args=(stop_delivery, pump), daemon=True
        )  # a failed run ends instead of waiting on it
        delivery.start()
        token = f"Bearer {pump.issuer.token('steward', steward_id)}"

        def new_client() -> HttpClient:
            return HttpClient(args.client, {"authorization": token})

        session = new_client()
        dynamodb = stack.client("dynamodb")
        routes_table = stack.table_name("RoutesTable")
        visits_table = stack.table_name("VisitsTable")
        route_url = f"{url}/stewards/{steward_id}/routes/{plan_date}"
        key = {"steward_id": {"S": steward_id}, "plan_date": {"S": plan_date.isoformat()}}
        item = dynamodb.get_item(TableName=routes_table, Key=key)["Item"]
        now = clock.now().astimezone(CHINA_TZ).replace(microsecond=0)
        n = args.requests

        for _ in range(20):  # warm up both paths
            session.ok("GET", route_url)
            dynamodb.get_item(TableName=routes_table, Key=key)

        def get_with(client: HttpClient, i: int) -> None:
            client.ok("GET", route_url)

        def get_http(i: int) -> None:
            get_with(session, i)

        def get_raw(i: int) -> None:
            dynamodb.get_item(TableName=routes_table, Key=key)

        def post_with(client: HttpClient, i: int) -> None:
            body = {
                "elder_id": elder_id,
                "outcome": "visited",
                "visited_at": (now - timedelta(seconds=i)).isoformat(),
                "stop_ref": elder_ref,
            }
            headers = {"idempotency-key": f"bench-{uuid.uuid4().hex}"}
            status, text = client.call("POST", f"{url}/visits", body=body, headers=headers)
            assert status == 201, text

        def post_http(i: int) -> None:
            post_with(session, i)

        # The raw call writes the item the API stores for an outcome (as its transaction
        # sends it, with a new id each time): the same item, as the issue compares. The audit
        # writer is loaded first: a function's cold start binds the tables anew, and the
        # models' clients with them.
        pump.deliver_logs()
        transaction = sent_transaction(stack, post_http)
        stored_visit = transaction["TransactItems"][-1]["Put"]["Item"]

        def put_raw(i: int) -> None:
            visit = {
                **stored_visit,
                "visit_id": {"S": uuid.uuid4().hex},
                "visited_at": {"S": (now - timedelta(seconds=i)).isoformat()},
            }
            dynamodb.put_item(
                TableName=visits_table,
                Item=visit,
                ConditionExpression="attribute_not_exists(visit_id)",
            )

        def put_raw_small(i: int) -> None:
            visit = {
                "visit_id": {"S": uuid.uuid4().hex},
                "elder_id": {"S": elder_id},
                "steward_id": {"S": steward_id},
                "visited_at": {"S": (now - timedelta(seconds=i)).isoformat()},
                "outcome": {"S": "visited"},
            }
            dynamodb.put_item(
                TableName=visits_table,
                Item=visit,
                ConditionExpression="attribute_not_exists(visit_id)",
            )

        others = [r for r in run.routes if r["stops"] and r["steward_id"] != steward_id]
        # With --cpu, a quarter of the routes each for its outcomes of elders seen nowhere
        # before (the emulator keeps what it parsed of a condition: an elder's second
        # outcome would find it kept).
        groups = 4 if args.cpu else 2
        unread, read_first = others[0::groups], others[1::groups]
        cpu_unread, cpu_read_first = (others[2::4], others[3::4]) if args.cpu else ([], [])
        tokens = {r["steward_id"]: f"Bearer {pump.issuer.token('steward', r['steward_id'])}"
                  for r in others}  # fmt: skip

        def visits_on(day_routes: list[dict[str, Any]]) -> list[tuple[str, str, str | None]]:
            """(steward, elder, the stop's reference) of each stop, as the phone posts them."""
            return [
                (r["steward_id"], stop["elder_id"], stop_ref(stop))
                for r in day_routes
                for stop in r["stops"]
                if not stop.get("cover")
            ]

        def posting_each(visits: list[tuple[str, str, str | None]]) -> Callable[[int], None]:
            def post_first(i: int) -> None:
                steward, elder, ref = visits[i]
                body = {"elder_id": elder, "outcome": "visited", "visited_at": now.isoformat()}
                if ref is not None:
                    body["stop_ref"] = ref
                headers = {
                    "idempotency-key": f"first-{uuid.uuid4().hex}",
                    "authorization": tokens[steward],
                }
                status, text = session.call("POST", f"{url}/visits", body=body, headers=headers)
                assert status == 201, text

            return post_first

        first_visits, day_visits = visits_on(unread), visits_on(read_first)
        results = {
            "GET route": interleaved(n, get_http, get_raw),
            "POST outcome": interleaved(n, post_http, put_raw),
            "POST, each elder's first outcome": interleaved(
                len(first_visits), posting_each(first_visits), put_raw
            ),
        }
        # Apart, the same samples: a steward's first outcome reads the route, then writes.
        steward_first, one_write = split_by(
            stewards_first(first_visits), results["POST, each elder's first outcome"]
        )
        for r in read_first + cpu_read_first:  # the morning: each opens the day's route
            opened = f"{url}/stewards/{r['steward_id']}/routes/{plan_date}"
            auth = {"authorization": tokens[r["steward_id"]]}
            session.ok("GET", opened, headers=auth)
        results["POST, a day's outcomes, the route read first"] = interleaved(
            len(day_visits), posting_each(day_visits), put_raw
        )
        total = n * 2
        rps = {
            "GET route": per_second(args.clients, total, get_with, new_client),
            "POST outcome": per_second(args.clients, total, post_with, new_client),
        }
        breakdown: dict[str, list[float]] = {}
        if args.breakdown:

            def post_in_process(i: int) -> None:
                response = pump.invoke_http(
                    "POST",
                    "/visits",
                    headers={
                        "authorization": token,
                        "content-type": "application/json",
                        "idempotency-key": f"b-{uuid.uuid4().hex}",
                    },
                    body=json.dumps(
                        {
                            "elder_id": elder_id,
                            "outcome": "visited",
                            "visited_at": (now - timedelta(seconds=i)).isoformat(),
                        }
                    ),
                )
                assert response.status == 201, response.body

            def transaction_raw(i: int) -> None:
                sent = copy.deepcopy(transaction)
                sent["TransactItems"][-1]["Put"]["Item"]["visit_id"] = {"S": uuid.uuid4().hex}
                dynamodb.transact_write_items(**sent)

            breakdown = in_turn(
                n,
                {
                    "POST over HTTP": post_http,
                    "POST in this process through the pump (no HTTP server)": post_in_process,
                    "the handler's transaction, made with boto3": transaction_raw,
                    "raw conditional PutItem": put_raw,
                    "raw conditional PutItem of 5 attributes (the reference before)": put_raw_small,
                },
            )
        stop_delivery.set()
        delivery.join()
        cpu: dict[str, tuple[float, float]] = {}
        if args.cpu:

            def first_here(with_ref: bool) -> Callable[[int], None]:
                """A steward's first outcome in a container that has not kept the route (with
                the stop's reference: one write; without: the route read, then the write,
                which keeps the route again)."""

                def post(i: int) -> None:
                    drop_route(steward_id, plan_date)
                    body = {
                        "elder_id": elder_id,
                        "outcome": "visited",
                        "visited_at": (now - timedelta(seconds=i)).isoformat(),
                    }
                    if with_ref:
                        body["stop_ref"] = elder_ref
                    headers = {"idempotency-key": f"cpu-{uuid.uuid4().hex}"}
                    status, text = session.call("POST", f"{url}/visits", body=body, headers=headers)
                    assert status == 201, text

                return post

            cpu = cpu_per_call(
                n,
                {  # in this order: the one without the reference keeps the route for the next
                    "POST, a steward's first here, with stop_ref": first_here(True),
                    "POST, a steward's first here, without": first_here(False),
                    "POST outcome over HTTP": post_http,
                    "raw conditional PutItem": put_raw,
                    "GET route over HTTP": get_http,
                    "raw GetItem": get_raw,
                },
                moto_server_pid(),
            )
            each_once = visits_on(cpu_read_first), visits_on(cpu_unread)
            cpu |= cpu_per_call(
                min(n, *map(len, each_once)),
                {
                    "POST, a day's outcome, each elder once, route kept": posting_each(
                        each_once[0]
                    ),
                    "POST, an elder's first outcome, each once, with stop_ref": posting_each(
                        each_once[1]
                    ),
                    "raw conditional PutItem, beside them": put_raw,
                },
                moto_server_pid(),
            )
        server.shutdown()
        pump.deliver_logs()
        audited = route_reads_stored(stack, route["community_id"])

    mornings_here = sum(  # the morning reads that showed an elder of the measured community
        1
        for r in read_first + cpu_read_first
        if any(s.get("community_id", r["community_id"]) == route["community_id"]
               for s in r["stops"])
    )  # fmt: skip
    route_reads = 20 + n + args.clients * (total // args.clients) + mornings_here
    route_reads += n if cpu else 0
    loads = (load_at_start, os.getloadavg())
    print(
        "load average at start, at end: "
        + "; ".join(f"{a:.1f}, {b:.1f}, {c:.1f}" for a, b, c in loads)
    )
    print(f"HTTP client: {args.client}")
    print(
        f"route: {len(route['stops'])} stops, item {len(str(item))} chars; {n} requests each; "
        f"{len(first_visits)} elders' first outcomes on {len(unread)} routes not read, "
        f"{len(day_visits)} on {len(read_first)} routes read first"
    )
    print(
        "| operation | HTTP p50 ms | HTTP p99 ms | raw DynamoDB p50 ms | raw p99 ms "
        "| p50 ratio | p99 ratio |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, timings in results.items():
        print(ratio_row(f"{name} ({len(timings[0])})", timings))
    print("the first-outcome row apart (the same samples; p99 of a few dozen is the slowest):")
    print(ratio_row(f"the steward's first here: route not kept ({len(steward_first[0])})",
                    steward_first))  # fmt: skip
    print(ratio_row(f"the other elders' first: one write ({len(one_write[0])})", one_write))
    for name, rate in rps.items():
        print(f"{name} with {args.clients} concurrent clients: {rate:.0f} requests/s")
    if breakdown:
        raw_p50 = percentile(breakdown["raw conditional PutItem"], 0.5) or 1.0
        print(f"where a POST's time goes ({n} of each, made in turn):")
        print("| call | p50 ms | p99 ms | p50 / raw PutItem p50 |")
        print("|---|---:|---:|---:|")
        for name, timings in breakdown.items():
            p50, p99 = percentile(timings, 0.5) or 0.0, percentile(timings, 0.99) or 0.0
            print(f"| {name} | {p50:.2f} | {p99:.2f} | {p50 / raw_p50:.2f}x |")
    if cpu:
        print(f"CPU per request ({n} of each, in blocks in turn, log delivery paused), ms:")
        print("| call | this process | moto server | both | both / raw call's |")
        print("|---|---:|---:|---:|---:|")
        raw_of = {
            "POST, a day's outcome, each elder once, route kept": "raw conditional PutItem, "
            "beside them",
            "POST, an elder's first outcome, each once, with stop_ref": "raw conditional "
            "PutItem, beside them",
            "POST, a steward's first here, with stop_ref": "raw conditional PutItem",
            "POST, a steward's first here, without": "raw conditional PutItem",
            "POST outcome over HTTP": "raw conditional PutItem",
            "GET route over HTTP": "raw GetItem",
        }
        for name, (here, there) in cpu.items():
            both, raw = here + there, sum(cpu[raw_of.get(name, name)])
            print(f"| {name} | {here:.2f} | {there:.2f} | {both:.2f} | {both / raw:.2f}x |")
    print(f"audit: {audited} route reads stored for {route_reads} route reads made")
    if audited != route_reads:
        raise SystemExit("a route read is missing from the audit")


if __name__ == "__main__":
    main()
