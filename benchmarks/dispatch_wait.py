"""Dispatch waiting time on the local stack: a burst of home-service
orders is placed over the HTTP API, then the real dispatcher drains the orders stream
(each new order re-solves its provider's day with the fleet router, pinned orders kept);
figures are each order's placed -> assigned time (p50/p99, the oversight figure), the
share assigned, and the dispatcher's time per order.

    .venv/bin/python benchmarks/dispatch_wait.py [--orders 60] [--scale 0.05]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time

from careroute_synthetic.services import generate_market
from rich.console import Console
from stack_bench import city_stack, heping_today

from careroute.domain.orders import SERVICES, OrderStatus
from careroute.domain.percentiles import percentile
from careroute.domain.vocabulary import ElderStatus
from careroute_local import main_job

WINDOWS = [("08:30", "12:00"), ("13:00", "17:30"), ("08:00", "18:00")]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=60)
    parser.add_argument("--scale", type=float, default=0.05)
    args = parser.parse_args()
    console = Console(stderr=True)
    today, city = heping_today(args.scale)
    service_date = main_job.next_working_day(today)
    rng = random.Random(7)
    elders = [e for e in city.elders if e.status is ElderStatus.ACTIVE]
    with city_stack(city, today, console) as (_, pump):
        # storage imports the shared Metrics: only once the stack has set POWERTOOLS_*
        from careroute.adapters.dynamodb import home_services
        from careroute.adapters.dynamodb import orders as store

        market = generate_market(city.communities, seed=11)
        home_services.save_market(market)
        ids = []
        began = time.perf_counter()
        for n in range(args.orders):
            elder = rng.choice(elders)
            start, end = rng.choice(WINDOWS)
            body = {
                "elder_id": elder.elder_id,
                "community_id": elder.community_id,
                "service": rng.choice(list(SERVICES)).value,
                "service_date": service_date.isoformat(),
                "window_start": start,
                "window_end": end,
                "self_paid": True,
            }
            headers = {
                "content-type": "application/json",
                "idempotency-key": f"bench-order-{n:05d}",
                "authorization": f"Bearer {pump.issuer.token('call_centre', elder.district_id)}",
            }
            response = pump.invoke_http("POST", "/orders", headers=headers, body=json.dumps(body))
            assert response.status == 201, response.text
            ids.append(response.json()["order_id"])
        placed_s = time.perf_counter() - began
        drained = pump.drain_stream("OrdersTable")
        orders = store.get_orders(ids)
    waits = [w for o in orders if (w := o.waiting_seconds) is not None]
    assigned = sum(1 for o in orders if o.status is OrderStatus.ASSIGNED)
    workers = len(market.workers)
    print(
        f"dispatch burst: {args.orders} orders placed over HTTP in {placed_s:.1f} s "
        f"(1 district, {len(market.providers)} providers, {workers} workers), "
        f"dispatcher drained {drained.messages} stream records in {drained.seconds:.1f} s "
        f"({1000 * drained.seconds / max(1, drained.messages):.0f} ms/order), "
        f"{drained.failed} failed"
    )
    print(
        f"assigned {assigned}/{len(orders)}; waiting placed->assigned "
        f"p50 {percentile(waits, 0.5):.1f} s, p99 {percentile(waits, 0.99):.1f} s, "
        f"mean {statistics.fmean(waits):.1f} s"
    )
    waiting = [o.dispatch_note for o in orders if o.status is OrderStatus.PLACED]
    if waiting:
        print(f"still waiting: {len(waiting)}, e.g. {waiting[0]}")


if __name__ == "__main__":
    main()
