"""API latency on the local stack: HTTP vs raw DynamoDB for the same item.

One run: a small synthetic city is planned, the API is served on 127.0.0.1, then
- GET route: p50/p99 over HTTP (token verification + handler + route/elder reads) vs a raw
  boto3 GetItem of the same route item on the same moto server;
- POST outcome: p50/p99 over HTTP (token + validation + idempotency record + conditional put)
  vs a raw boto3 PutItem of a visit item;
- requests/second of GET route with 8 concurrent clients (bounded number of requests).

    .venv/bin/python benchmarks/api_latency.py [--requests 300]
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import requests
from rich.console import Console
from stack_bench import city_stack, heping_today, percentile

from careroute.domain.vocabulary import CHINA_TZ
from careroute_local import main_job


def timed(n: int, call: object) -> list[float]:
    out = []
    for i in range(n):
        start = time.perf_counter()
        call(i)  # type: ignore[operator]
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    today, city = heping_today(scale=0.05)
    console = Console(stderr=True)
    plan_date = main_job.next_working_day(today)
    with city_stack(city, today, console) as (stack, pump):
        run = main_job.plan_night(pump, plan_date, console)
        route = next(r for r in run.routes if r["stops"])
        steward_id = route["steward_id"]
        elder_id = route["stops"][0]["elder_id"]
        server, url = pump.serve_http()
        session = requests.Session()
        session.headers["authorization"] = f"Bearer {pump.issuer.token('steward', steward_id)}"
        dynamodb = stack.client("dynamodb")
        routes_table = stack.table_name("RoutesTable")
        visits_table = stack.table_name("VisitsTable")
        route_url = f"{url}/stewards/{steward_id}/routes/{plan_date}"
        key = {"steward_id": {"S": steward_id}, "plan_date": {"S": plan_date.isoformat()}}
        item = dynamodb.get_item(TableName=routes_table, Key=key)["Item"]
        now = datetime.now(CHINA_TZ).replace(microsecond=0)
        n = args.requests

        for _ in range(20):  # warm up both paths
            session.get(route_url, timeout=30).raise_for_status()
            dynamodb.get_item(TableName=routes_table, Key=key)

        def get_http(i: int) -> None:
            session.get(route_url, timeout=30).raise_for_status()

        def get_raw(i: int) -> None:
            dynamodb.get_item(TableName=routes_table, Key=key)

        def post_http(i: int) -> None:
            body = {
                "elder_id": elder_id,
                "outcome": "visited",
                "visited_at": (now - timedelta(seconds=i)).isoformat(),
            }
            headers = {"idempotency-key": f"bench-{uuid.uuid4().hex}"}
            response = session.post(f"{url}/visits", json=body, headers=headers, timeout=30)
            assert response.status_code == 201, response.text

        def put_raw(i: int) -> None:
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

        results = {
            "GET route": (timed(n, get_http), timed(n, get_raw)),
            "POST outcome": (timed(n, post_http), timed(n, put_raw)),
        }
        total = n * 2
        started = time.perf_counter()

        def client(_: int) -> int:
            with requests.Session() as own:
                own.headers.update(session.headers)
                for _ in range(total // args.clients):
                    own.get(route_url, timeout=30).raise_for_status()
            return total // args.clients

        with ThreadPoolExecutor(args.clients) as pool:
            done = sum(pool.map(client, range(args.clients)))
        rps = done / (time.perf_counter() - started)
        server.shutdown()

    print(f"route: {len(route['stops'])} stops, item {len(str(item))} chars; {n} requests each")
    print(
        "| operation | HTTP p50 ms | HTTP p99 ms | raw DynamoDB p50 ms | raw p99 ms | p50 ratio |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for name, (http, raw) in results.items():
        ratio = statistics.median(http) / statistics.median(raw)
        print(
            f"| {name} | {percentile(http, 0.5):.1f} | {percentile(http, 0.99):.1f} "
            f"| {percentile(raw, 0.5):.1f} | {percentile(raw, 0.99):.1f} | {ratio:.2f}x |"
        )
    print(
        f"GET route with {args.clients} concurrent clients: {rps:.0f} requests/s ({done} requests)"
    )


if __name__ == "__main__":
    main()
