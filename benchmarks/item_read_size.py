"""Does a smaller item make a read faster on the local stack? GetItem (consistent, as the
first outcome reads a route) of a route-sized item, of a small attribute of it by
ProjectionExpression, and of a small item alone, beside a conditional PutItem of a visit,
made in turn on the same moto server: what moving a first outcome's route read to a
compact item would save.

DynamoDB bills a read by the whole item's size (a projection cuts the bytes sent, not the
units billed); the local figures are the latency a request waits.

    .venv/bin/python benchmarks/item_read_size.py [--requests 1000] [--stops 12]
"""

from __future__ import annotations

import argparse
import json
import os
import time
import uuid
from collections.abc import Callable
from typing import Any

from careroute.domain.percentiles import percentile
from careroute_local import main_job

KEPT = ("elder_id", "community_id", "lat", "lng", "window", "elder_facts")
"""What a container keeps of each stop to record its outcome (route_elders.KEPT_STOP_FIELDS)."""


def a_stop(i: int) -> dict[str, Any]:
    """A stop as the night's plan stores it: names, address, numbers and the elder's facts."""
    return {
        "elder_id": f"E-210102-003-{i:04d}",
        "community_id": "C-210102-003",
        "sequence": i,
        "name": "王淑珍",
        "address": "和平区南京南街道三好街25号3单元502",
        "phone": "13800000000",
        "guardian": "李明 (儿子)",
        "guardian_phone": "13900000000",
        "lat": 41.78 + i / 1000,
        "lng": 123.4 + i / 1000,
        "eta": "09:30",
        "window": {"start": "08:30", "end": "17:00"},
        "service_minutes": 30,
        "tier": "T2",
        "deadline": "2026-12-20",
        "cover": False,
        "tasks": ["high_age_80"],
        "elder_facts": {
            "street_id": "S-210102-003",
            "district_id": "D-210102",
            "birth_date": "1941-03-02",
            "categories": ["disabled", "living_alone"],
            "urgent_until": None,
        },
    }


def timed(calls: dict[str, Callable[[], None]], n: int) -> dict[str, list[float]]:
    """`n` timings (ms) of each call, the calls made in turn."""
    times: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(n):
        for name, call in calls.items():
            start = time.perf_counter()
            call()
            times[name].append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--stops", type=int, default=12)
    args = parser.parse_args()
    stops = [a_stop(i) for i in range(args.stops)]
    document = json.dumps(
        {"steward_id": "W1", "date": "2026-12-08", "community_id": "C-210102-003", "stops": stops},
        ensure_ascii=False,
    )
    compact = json.dumps({"stops": [{k: s[k] for k in KEPT} for s in stops]})
    load_at_start = os.getloadavg()
    with main_job.local_stack() as (stack, _):
        db = stack.client("dynamodb")
        routes, visits = stack.table_name("RoutesTable"), stack.table_name("VisitsTable")
        key = {"steward_id": {"S": "W1"}, "plan_date": {"S": "2026-12-08"}}
        small_key = {"steward_id": {"S": "W1"}, "plan_date": {"S": "2026-12-08#elders"}}
        item = {**key, "document": {"S": document}, "elders": {"S": compact}}
        db.put_item(TableName=routes, Item=item)
        db.put_item(TableName=routes, Item={**small_key, "elders": {"S": compact}})

        def read(key: dict[str, Any], **projection: str) -> Callable[[], None]:
            def call() -> None:
                db.get_item(TableName=routes, Key=key, ConsistentRead=True, **projection)

            return call

        def put() -> None:
            visit = {
                "visit_id": {"S": uuid.uuid4().hex},
                "elder_id": {"S": "E-210102-003-0001"},
                "steward_id": {"S": "W1"},
                "tier": {"S": "T2"},
                "outcome": {"S": "visited"},
                "visited_at": {"S": "2026-12-08T10:00:00+08:00"},
            }
            db.put_item(
                TableName=visits, Item=visit, ConditionExpression="attribute_not_exists(visit_id)"
            )

        calls = {
            f"GetItem of the route item ({len(document.encode()) + len(compact)} bytes)": read(key),
            "GetItem of it, ProjectionExpression elders": read(key, ProjectionExpression="elders"),
            f"GetItem of a small item ({len(compact)} bytes)": read(small_key),
            "conditional PutItem of a visit": put,
        }
        timed(calls, 50)  # warm up
        times = timed(calls, args.requests)
    put_p50 = percentile(times["conditional PutItem of a visit"], 0.5) or 1.0
    loads = (load_at_start, os.getloadavg())
    print(
        "load average at start, at end: "
        + "; ".join(f"{a:.1f}, {b:.1f}, {c:.1f}" for a, b, c in loads)
    )
    print("| call | p50 ms | p99 ms | p50 / PutItem p50 |")
    print("|---|---:|---:|---:|")
    for name, ms in times.items():
        p50, p99 = percentile(ms, 0.5) or 0.0, percentile(ms, 0.99) or 0.0
        print(f"| {name} | {p50:.2f} | {p99:.2f} | {p50 / put_p50:.2f}x |")


if __name__ == "__main__":
    main()
