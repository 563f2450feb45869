"""Officials' reads at city scale: every dashboard and report read at city scope, timed over
HTTP on the local stack holding the full default city at the end of a month.

The state, and why it is built this way (a whole-city month simulation takes 20-45 min):

- the registry: the synthetic city as it stands on the month's last day (`generate_city`,
  whose history gives each elder the last visit a steady month leaves), imported as
  `make run` imports it (`main_job.load_registry`);
- the month's visit records: for every elder the history says was visited in the month,
  the visits their tier's cadence made up to that day (weekly, fortnightly, monthly), a
  failed try before some of them and findings on a few, written with batch writes;
  the coverage counters recounted from those records by the product's own rebuild
  (`coverage_check.rebuild_month`, what the drift check would restore), the findings'
  tickets opened by the product's `open_tickets` (left open: what the
  open-ticket reads cost);
- the month's last day: `--project` of its visits go through the projector's own code
  (`project`, which keeps the overdue view too), timed per record;
- the nightly views: the service circle count function (which also counts the overdue
  view), fired as its schedule fires it, timed.

The city's whole ticket list is a file written in the background (POST /exports/tickets,
then GET /exports/jobs/{job_id}, then the file from the bucket): each step is timed, and the
time from the POST until the job reads done, with the export worker fed by its queue every
0.2 s as Lambda's poller feeds it (`background_exports`).

What the reads cost depends on how many items they touch (elders, visits, tickets, views),
which this state gives at the full city's size; the figures' values (how many visited) do
not change what a read costs. Other areas' data (orders, beds, inspections, meals,
incidents) are not loaded: those reads answer over what the registry load gives.

    .venv/bin/python benchmarks/official_reads.py --help
"""

from __future__ import annotations

import argparse
import calendar
import random
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import requests
from careroute_synthetic.city import generate_city
from rich.console import Console
from rich.table import Table
from stack_bench import city_stack, maybe_a_finding

from careroute.domain import clock
from careroute.domain.policy import Policy, load_policy
from careroute.domain.vocabulary import (
    CHINA_TZ,
    Elder,
    ElderStatus,
    Finding,
    Outcome,
    Registry,
    VisitRecord,
)
from careroute_local.pump import EventPump

CADENCE_DAYS = {"T1": 7, "T2": 14, "T3": 31}
READS: list[tuple[str, dict[str, str]]] = [
    ("/coverage", {"month": "{month}", "scope": "city"}),
    ("/coverage", {"month": "{month}", "scope": "district:{district}"}),
    ("/overdue", {"scope": "city"}),
    ("/overdue", {"scope": "district:{district}"}),
    ("/overdue", {"scope": "city", "limit": "500", "after": "{cursor}"}),
    # Without `limit`: the whole list before the API paged it, the default page (100) since.
    ("/tickets", {"scope": "city", "status": "open"}),
    ("/tickets", {"scope": "city", "status": "overdue"}),
    ("/tickets", {"scope": "district:{district}", "status": "open"}),
    ("/tickets", {"scope": "city", "status": "open", "limit": "500"}),  # the largest page
    ("/tickets", {"scope": "city", "status": "open", "limit": "20"}),  # as the dashboard asks
    ("/tickets", {"scope": "city", "status": "open", "limit": "20", "after": "{ticket_cursor}"}),
    ("/tickets", {"scope": "city", "status": "overdue", "limit": "20"}),
    ("/tickets", {"scope": "district:{district}", "status": "open", "limit": "20"}),
    ("/coverage/daily", {"month": "{month}", "scope": "city"}),
    ("/map", {"scope": "city"}),
    ("/map/outlines", {"scope": "city"}),
    ("/service-circle", {"scope": "city"}),
    ("/inspections/progress", {"scope": "city", "month": "{month}"}),
    ("/institutions", {"scope": "city"}),
    ("/assessments/summary", {"scope": "city"}),
    ("/benefits/summary", {"scope": "city", "month": "{month}"}),
    ("/benefits/claims", {"scope": "city"}),
    ("/oversight/beds", {"scope": "city", "month": "{month}"}),
    ("/oversight/capacity", {"scope": "city", "month": "{month}"}),
    ("/oversight/capacity", {"scope": "district:{district}", "month": "{month}"}),  # dashboard
    # Not the default assumptions, so forecast on request over the registry (the stored
    # forecast's "before", side by side).
    (
        "/oversight/capacity",
        {"scope": "district:{district}", "month": "{month}", "attempt_success": "0.84"},
    ),
    ("/oversight/day-care", {"scope": "city", "month": "{month}"}),
    ("/oversight/orders", {"scope": "city", "month": "{month}"}),
    ("/oversight/service-hours", {"scope": "city", "month": "{month}"}),
    ("/meals/subsidies", {"scope": "city", "month": "{month}"}),
    ("/incidents", {"scope": "city", "month": "{month}"}),
    ("/incident-report", {"scope": "city", "month": "{month}"}),
    ("/exports/coverage", {"scope": "city", "month": "{month}"}),
    ("/exports/overdue", {"scope": "city"}),
    # Without `limit`: 422 since the whole list is written in the background (timed below).
    ("/exports/tickets", {"scope": "city", "status": "open"}),
    # Parts of 1,000 rows (the first, the second; all in turn below), which the dashboard's
    # CSV button fetched before the file was written in the background.
    ("/exports/tickets", {"scope": "city", "status": "open", "limit": "1000"}),
    ("/exports/tickets", {"scope": "city", "status": "open", "limit": "1000", "after": "{part}"}),
    ("/exports/misses", {"scope": "city", "month": "{month}"}),
]
"""Every officials' GET that takes a scope (the OpenAPI document's), at city scope, and the
dashboard's heaviest at a district's too."""


def month_end(month: str) -> date:
    year, number = (int(part) for part in month.split("-"))
    return date(year, number, calendar.monthrange(year, number)[1])


def month_visits(
    city: Registry, last_day: date, policy: Policy, rng: random.Random
) -> Iterator[VisitRecord]:
    """The month's visit records the city's history implies (see the module's docstring)."""
    first_day = last_day.replace(day=1)
    steward_of = {s.community_id: s.steward_id for s in city.stewards}
    n = 0
    for elder in city.elders:
        last = elder.last_visited_on
        if elder.status is not ElderStatus.ACTIVE or last is None or last < first_day:
            continue
        tier = policy.tier_of(elder, last)
        day = last
        while day >= first_day:
            n += 1
            if rng.random() < 0.12 and day > first_day:  # a failed try the day before
                yield visit(elder, steward_of, day - timedelta(days=1), Outcome.NOT_HOME, n, tier)
            findings = maybe_a_finding(rng, 0.04, 0.05)
            yield visit(elder, steward_of, day, Outcome.VISITED, n, tier, findings)
            day -= timedelta(days=CADENCE_DAYS[tier.value])


def visit(
    elder: Elder,
    steward_of: dict[str, str],
    day: date,
    outcome: Outcome,
    n: int,
    tier: Any,
    findings: tuple[Finding, ...] = (),
) -> VisitRecord:
    at = datetime(day.year, day.month, day.day, 9 + n % 8, n % 60, tzinfo=CHINA_TZ)
    return VisitRecord(
        visit_id=f"bench-{elder.elder_id}-{day.isoformat()}-{outcome.value}",
        elder_id=elder.elder_id,
        steward_id=steward_of.get(elder.community_id, ""),
        community_id=elder.community_id,
        street_id=elder.street_id,
        district_id=elder.district_id,
        tier=tier,
        outcome=outcome,
        visited_at=at,
        recorded_at=at,
        findings=findings,
    )


def write_visits(records: list[VisitRecord]) -> None:
    """Batch-write visit records as the API stores them (the visits table's own item)."""
    from careroute.adapters.dynamodb.visits import import_visits

    import_visits(records, "benchmark")


@dataclass
class Timing:
    path: str
    query: str
    status: int
    first_ms: float
    warm_ms: list[float]
    size: int

    @property
    def p50(self) -> float:
        return statistics.median(self.warm_ms) if self.warm_ms else self.first_ms


def timed_get(
    session: requests.Session, url: str, params: dict[str, str]
) -> tuple[int, float, int]:
    started = time.perf_counter()
    response = session.get(url, params=params, timeout=600)
    return response.status_code, (time.perf_counter() - started) * 1000, len(response.content)


def every_part(
    session: requests.Session, url: str, params: dict[str, str]
) -> tuple[int, float, int]:
    """The whole CSV export as the dashboard saves it: each part in turn, following
    X-Next-Cursor. The last status, the total time and the bytes of all the parts."""
    started, size, after = time.perf_counter(), 0, None
    while True:
        asked = params | ({"after": after} if after else {})
        response = session.get(url, params=asked, timeout=600)
        size += len(response.content)
        after = response.headers.get("x-next-cursor")
        if response.status_code != 200 or after is None:
            return response.status_code, (time.perf_counter() - started) * 1000, size


def background_exports(
    session: requests.Session, url: str, pump: EventPump, tries: int, console: Console
) -> list[Timing]:
    """The city's open tickets as a file written in the background, CSV and XLSX, `tries`
    + 1 times each: the POST, the status reads while pending and the one that reads done
    (it signs the link), the download from the bucket, and the time from the POST to done
    (status read every 0.25 s; the worker's queue drained every 0.2 s)."""
    timings: list[Timing] = []
    with pump.polling("ExportJobsQueue"):
        for kind in ("csv", "xlsx"):
            steps: dict[str, list[float]] = {"post": [], "pending": [], "done": [], "file": []}
            ready: list[float] = []
            size = 0
            for _ in range(tries + 1):
                body = {"scope": "city", "status": "open", "format": kind}
                started = time.perf_counter()
                asked = session.post(f"{url}/exports/tickets", json=body, timeout=60)
                steps["post"].append((time.perf_counter() - started) * 1000)
                assert asked.status_code == 202, asked.text
                view: dict[str, Any] = asked.json()
                while view["status"] == "pending":
                    time.sleep(0.25)
                    before = time.perf_counter()
                    view = session.get(f"{url}/exports/jobs/{view['job_id']}", timeout=60).json()
                    step = "pending" if view["status"] == "pending" else "done"
                    steps[step].append((time.perf_counter() - before) * 1000)
                ready.append((time.perf_counter() - started) * 1000)
                assert view["status"] == "done", view
                before = time.perf_counter()
                size = len(requests.get(view["download_url"], timeout=60).content)
                steps["file"].append((time.perf_counter() - before) * 1000)
                assert size == view["bytes"]
            for step, shown in (
                ("post", f"POST /exports/tickets scope=city&status=open&format={kind}"),
                ("pending", "GET /exports/jobs/{job_id} (pending)"),
                ("done", "GET /exports/jobs/{job_id} (done: the link signed)"),
                ("file", f"GET <the link> ({kind} file from the bucket)"),
            ):
                times, status = steps[step], 202 if step == "post" else 200
                if times:
                    timings.append(Timing(shown, "", status, times[0], times[1:], size))
            timings.append(Timing(f"POST to done ({kind})", "", 200, ready[0], ready[1:], size))
            console.print(
                f"  background {kind}: post {steps['post'][0]:,.0f} ms, ready "
                f"{ready[0]:,.0f} ms (p50 {statistics.median(ready):,.0f}), {size:,} bytes"
            )
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    today = datetime.now(CHINA_TZ).date()
    previous = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    parser.add_argument("--month", default=previous, help="YYYY-MM (default: last month)")
    parser.add_argument("--scale", type=float, default=1.0, help="city scale (1.0: full city)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--tries", type=int, default=3, help="warm tries per read (p50)")
    parser.add_argument(
        "--project", type=int, default=1000, help="last-day visits through the projector"
    )
    parser.add_argument(
        "--no-views", action="store_true", help="skip the nightly count (GET /overdue as before)"
    )
    parser.add_argument("--only", nargs="*", help="time only these paths")
    parser.add_argument(
        "--no-month",
        action="store_true",
        help="write no visit of the month (enough for the reads that read none: the service "
        "circle, capacity, day care, meals)",
    )
    args = parser.parse_args()
    console = Console(stderr=True)
    policy = load_policy()
    last_day = month_end(args.month)
    evening = datetime(last_day.year, last_day.month, last_day.day, 18, 0, tzinfo=CHINA_TZ)

    started = time.perf_counter()
    city = generate_city(args.seed, as_of=last_day, scale=args.scale)
    active = sum(1 for e in city.elders if e.status is ElderStatus.ACTIVE)
    console.print(
        f"City {last_day}: {len(city.communities):,} communities, {len(city.elders):,} elders "
        f"({active:,} active) in {time.perf_counter() - started:.0f} s"
    )
    records = list(month_visits(city, last_day, policy, random.Random(args.seed)))
    latest = max(r.local_date for r in records)  # the month's last day with visits
    earlier = [r for r in records if r.local_date < latest]
    on_last = [r for r in records if r.local_date == latest][: args.project]
    if args.no_month:
        earlier, on_last = [], []
    console.print(f"Month {args.month}: {len(records):,} visit records")

    with (
        clock.use(clock.RunningClock(evening)),
        city_stack(city, last_day, console) as (
            _stack,
            pump,
        ),
    ):
        from careroute.adapters.dynamodb import tickets
        from careroute.adapters.dynamodb.oversight_repositories import coverage_checking
        from careroute.adapters.dynamodb.repositories import visit_projection
        from careroute.service_layer.coverage_check import rebuild_month
        from careroute.service_layer.projection import project
        from careroute.service_layer.tickets import open_tickets

        step = time.perf_counter()
        write_visits(earlier)
        console.print(f"{len(earlier):,} visits written in {time.perf_counter() - step:.0f} s")
        step = time.perf_counter()
        rows = rebuild_month(args.month, coverage_checking(policy.contacts.count_toward_monthly))
        console.print(f"Coverage counters rebuilt ({rows:,}) in {time.perf_counter() - step:.0f} s")
        step = time.perf_counter()
        opened = sum(open_tickets(tickets, r, policy.tickets) for r in earlier if r.findings)
        console.print(f"{opened:,} tickets opened in {time.perf_counter() - step:.0f} s")
        if not args.no_views:
            step = time.perf_counter()
            pump.fire_schedule("ServiceCircleCountFunction", evening.replace(hour=4, minute=30))
            console.print(
                f"Nightly count (circle, overdue view, series, capacity forecast) in "
                f"{time.perf_counter() - step:.0f} s"
            )
        step = time.perf_counter()
        ports = visit_projection()
        write_visits(on_last)
        for record in on_last:
            project(record, policy, ports)  # the overdue view too, where the ports keep one
        spent = time.perf_counter() - step
        console.print(
            f"{len(on_last):,} last-day visits projected in {spent:.0f} s "
            f"({spent * 1000 / max(1, len(on_last)):.1f} ms each)"
        )

        server, url = pump.serve_http()
        session = requests.Session()
        token = pump.issuer.token("city_admin", None)
        session.headers["authorization"] = f"Bearer {token}"
        district = city.communities[0].district_id
        first_page = session.get(f"{url}/overdue", params={"scope": "city", "limit": "500"})
        cursor = first_page.json().get("next_cursor") or ""
        tickets_page = session.get(
            f"{url}/tickets", params={"scope": "city", "status": "open", "limit": "20"}
        )
        ticket_cursor = tickets_page.json().get("next_cursor") or ""
        part_params = {"scope": "city", "status": "open", "limit": "1000"}
        first_part = session.get(f"{url}/exports/tickets", params=part_params)
        values = {
            "month": args.month,
            "district": district,
            "cursor": cursor,
            "ticket_cursor": ticket_cursor,
            "part": first_part.headers.get("x-next-cursor") or "",
        }
        timings: list[Timing] = []
        for path, query in READS:
            if args.only and path not in args.only:
                continue
            params = {k: v.format(**values) for k, v in query.items()}
            if "after" in params and not params["after"]:
                continue
            status, first_ms, size = timed_get(session, url + path, params)
            warm = [timed_get(session, url + path, params)[1] for _ in range(args.tries)]
            shown = "&".join(f"{k}={v}" for k, v in params.items() if k != "after")
            if "after" in params:
                shown += "&after=<page 2>"
            timing = Timing(path, shown, status, first_ms, warm, size)
            timings.append(timing)
            console.print(
                f"  {path}?{shown}: {status}, first {first_ms:,.0f} ms, p50 {timing.p50:,.0f} ms"
            )
        if not args.only or "/exports/tickets" in args.only:
            path = f"{url}/exports/tickets"
            status, first_ms, size = every_part(session, path, part_params)
            warm = [every_part(session, path, part_params)[1] for _ in range(args.tries)]
            shown = "scope=city&status=open&limit=1000 (every part in turn, one file)"
            timings.append(Timing("/exports/tickets", shown, status, first_ms, warm, size))
            console.print(f"  {shown}: {status}, first {first_ms:,.0f} ms")
            timings.extend(background_exports(session, url, pump, args.tries, console))
        server.shutdown()
    print_table(timings, args, len(records), opened)


def print_table(timings: list[Timing], args: argparse.Namespace, visits: int, tickets: int) -> None:
    table = Table(
        title=f"Officials' reads at city scope, {args.month} end (scale {args.scale}, "
        f"{visits:,} visits, {tickets:,} tickets; p50 of {args.tries} warm tries)"
    )
    for column in ("read", "status", "first ms", "p50 ms", "bytes", "<= 1 s"):
        table.add_column(column, justify="left" if column == "read" else "right")
    for t in timings:
        ok = "yes" if t.status in (200, 202) and max(t.first_ms, t.p50) <= 1000 else "no"
        read = f"GET {t.path}?{t.query}" if t.query else t.path
        table.add_row(
            read, str(t.status), f"{t.first_ms:,.0f}", f"{t.p50:,.0f}", f"{t.size:,}", ok,
        )  # fmt: skip
    Console(width=200).print(table)


if __name__ == "__main__":
    main()
