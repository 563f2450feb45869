"""Urgent dispatch latency on the local stack: from an event enqueued on the
urgent-events queue to its responder notified (the incident DISPATCHED, the visit on the
responder's route for today, re-timed by OR-Tools and validated). Responders are the
stewards and the district's home-service workers (synthetic providers, `generate_market`):
a worker's visit goes into their provider's day plan, re-timed by the fleet router.

One run: a synthetic district is loaded with its devices and planned for the next working
day; the clock is set to 09:30 that day and then runs at wall speed, so the handler's
`dispatched_at` minus the enqueue time is the real latency. Two loads:
- single: one event at a time (the queue is drained as soon as it is sent, as Lambda's
  poller would pick it up), over distinct elders of all communities in turn, the simulated
  clock jumping `--gap-minutes` between events (a busy day: 3 min apart district-wide);
- burst: then `--burst` events sent at once, drained by one consumer (batches of 10; Lambda
  would run several batches at once): each event's latency includes waiting for the batches
  before it, and many responders already have an urgent visit (late passes, more solves).

    .venv/bin/python benchmarks/urgent_dispatch.py [--events 100] [--burst 50] [--scale 0.2]
"""

from __future__ import annotations

import argparse
import itertools
import json
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime, timedelta

from careroute_synthetic.city import generate_city
from careroute_synthetic.devices import generate_devices
from careroute_synthetic.services import generate_market
from rich.console import Console

from careroute.domain import clock
from careroute.domain.devices import REPORTS, Device, DeviceKind
from careroute.domain.incidents import EventType, IncidentStatus, incident_id
from careroute.domain.percentiles import percentile
from careroute.domain.vocabulary import CHINA_TZ
from careroute_local import main_job

URGENT_TYPES = (EventType.FALL_DETECTED, EventType.SMOKE_ALARM, EventType.ONE_KEY_CALL)


def elder_devices(devices: list[Device]) -> Iterator[Device]:
    """One device per elder, communities in turn (so no one steward takes every event)."""
    by_community: dict[str, list[Device]] = defaultdict(list)
    seen: set[str] = set()
    for d in devices:
        if d.kind is DeviceKind.CALL_CENTRE or d.elder_id in seen:
            continue
        if any(t in REPORTS[d.kind] for t in URGENT_TYPES):
            seen.add(d.elder_id)
            by_community[d.community_id].append(d)
    queues = [iter(v) for _, v in sorted(by_community.items())]
    for group in itertools.zip_longest(*queues):
        yield from (d for d in group if d is not None)


def message(n: int, device: Device, at: datetime) -> str:
    kind = next(t for t in URGENT_TYPES if t in REPORTS[device.kind])
    return json.dumps(
        {
            "event_id": f"bench-{n}",
            "device_id": device.device_id,
            "type": kind.value,
            "occurred_at": at.isoformat(),
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100)
    parser.add_argument("--burst", type=int, default=50)
    parser.add_argument(
        "--gap-minutes", type=float, default=3.0, help="simulated time between single events"
    )
    parser.add_argument("--district", default="Heping")
    parser.add_argument("--scale", type=float, default=0.2)
    args = parser.parse_args()
    console = Console(stderr=True)
    today = datetime.now(CHINA_TZ).date()
    plan_date = main_job.next_working_day(today)
    city = generate_city(11, as_of=today, districts=[args.district], scale=args.scale)
    devices = generate_devices(city, seed=11, installed_on=today)
    start = datetime.combine(plan_date, datetime.min.time(), CHINA_TZ).replace(hour=9, minute=30)
    wall0 = time.monotonic()
    with main_job.local_stack(log_level="WARNING") as (stack, pump):
        from careroute.adapters.dynamodb import devices as device_store
        from careroute.adapters.dynamodb import home_services
        from careroute.adapters.dynamodb import incidents as incident_store

        main_job.load_registry(city, today, console)
        device_store.save_devices(devices)
        home_services.save_market(generate_market(city.communities, seed=11))
        main_job.plan_night(pump, plan_date, console, workers=1)
        sqs = stack.client("sqs")
        url = stack.queue_url("UrgentEventsQueue")
        picks = elder_devices(devices)
        wall0 = time.monotonic()
        results: dict[str, tuple[list[float], int, int]] = {}
        skipped = [timedelta()]  # simulated time jumped over between single events

        def now() -> datetime:
            return start + skipped[0] + timedelta(seconds=time.monotonic() - wall0)

        with clock.use(now):
            # warm up: the handler's first call imports OR-Tools and reads the registry
            sqs.send_message(QueueUrl=url, MessageBody=message(-1, next(picks), clock.now()))
            pump.drain_queue("UrgentEventsQueue")
            numbers = itertools.count(1)

            def send() -> tuple[str, datetime]:
                """One event from the next elder's device, stamped now: its id and time."""
                n, at = next(numbers), clock.now()
                sqs.send_message(QueueUrl=url, MessageBody=message(n, next(picks), at))
                return f"bench-{n}", at

            def latencies(sent: dict[str, datetime]) -> tuple[list[float], int, int]:
                """Milliseconds to notified per dispatched event, how many ETAs miss the
                arrival deadline, and how many went to a home-service worker."""
                out, late, workers = [], 0, 0
                for event_id, at in sent.items():
                    found = incident_store.get_incident(incident_id(event_id))
                    if found.status is IncidentStatus.DISPATCHED and found.dispatched_at:
                        out.append((found.dispatched_at - at).total_seconds() * 1000)
                        late += bool(found.eta and found.eta > found.arrive_due_at)
                        workers += bool(found.responder_provider_id)
                return out, late, workers

            single: dict[str, datetime] = {}
            for _ in range(args.events):
                event_id, at = send()
                single[event_id] = at
                pump.drain_queue("UrgentEventsQueue")
                skipped[0] += timedelta(minutes=args.gap_minutes)
            results["single"] = latencies(single)
            burst = dict(send() for _ in range(args.burst))
            pump.drain_queue("UrgentEventsQueue")
            results["burst"] = latencies(burst)
    print(f"{args.district} scale {args.scale}: {len(city.communities)} communities, "
          f"{len(city.elders)} elders, {len(devices)} devices")  # fmt: skip
    for name, (values, late, workers) in results.items():
        total = args.events if name == "single" else args.burst
        p50, p99 = percentile(values, 0.5) or 0, percentile(values, 0.99) or 0
        print(
            f"{name:>6}: {len(values)}/{total} dispatched ({workers} to service workers, {late} "
            f"with an ETA past the arrival deadline), enqueued -> responder notified "
            f"p50 {p50:.0f} ms, p99 {p99:.0f} ms, "
            f"max {max(values, default=0):.0f} ms"
        )


if __name__ == "__main__":
    main()
