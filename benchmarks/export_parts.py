"""The city's ticket export over HTTP, the file written in the background against parts:
`--tickets` open tickets spread over the city's districts, streets and communities, opened
through the tickets' own port (one transaction each, as the projector opens them) on the local
stack, then the city's CSV written in the background (POST /exports/tickets, the job read every
0.1 s until done with the worker's queue drained every 0.1 s, the file downloaded: what the
dashboard's button does), as parts of `--part` rows of GET /exports/tickets fetched in turn
(what the button did before), and as the same parts 2 and 3 at a time (their cursors collected
once beforehand), alternated round by round so all see the same machine.

    .venv/bin/python benchmarks/export_parts.py [--tickets 7000] [--part 1000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import requests
from rich.console import Console

from careroute.domain import clock
from careroute.domain.tickets import Ticket
from careroute.domain.vocabulary import CHINA_TZ, FindingCategory, Severity
from careroute_local import main_job

OPENED = datetime(2026, 11, 20, 9, tzinfo=CHINA_TZ)


def city_tickets(count: int, seed: int = 1) -> list[Ticket]:
    """`count` open tickets, one a minute from OPENED, each due 7 days after it opened."""
    rng = random.Random(seed)
    tickets = []
    for n in range(count):
        district, street = f"D{rng.randrange(13) + 1:02d}", f"S{rng.randrange(200):03d}"
        opened = OPENED + timedelta(minutes=n)
        tickets.append(
            Ticket(
                ticket_id=f"tk-{n:06d}-{rng.getrandbits(40):010x}",
                visit_id=f"bench-E{n:07d}",
                elder_id=f"E{n:07d}",
                community_id=f"{street}-C{rng.randrange(6)}",
                street_id=street,
                district_id=district,
                category=rng.choice(list(FindingCategory)),
                severity=Severity.NORMAL,
                opened_at=opened,
                due_at=opened + timedelta(days=7),
            )
        )
    return tickets


def load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=7000, help="open tickets in the city")
    parser.add_argument("--part", type=int, default=1000, help="rows a part (the dashboard's)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of every way, alternated")
    args = parser.parse_args()
    console = Console(stderr=True)
    with (
        clock.use(clock.RunningClock(OPENED + timedelta(days=15))),  # every ticket overdue
        main_job.local_stack(log_level="WARNING") as (_stack, pump),
    ):
        from careroute.adapters.dynamodb import tickets

        started = time.perf_counter()
        opened = sum(tickets.open_once(ticket) for ticket in city_tickets(args.tickets))
        console.print(f"{opened:,} tickets opened in {time.perf_counter() - started:.0f} s")
        server, url = pump.serve_http()
        token = pump.issuer.token("city_admin", None)
        headers = {"authorization": f"Bearer {token}"}
        parted = {"scope": "city", "status": "open", "limit": str(args.part)}

        def get(params: dict[str, str]) -> requests.Response:
            response = requests.get(f"{url}/exports/tickets", params, headers=headers, timeout=600)
            assert response.status_code == 200, response.text
            return response

        def in_the_background() -> bytes:
            with pump.polling("ExportJobsQueue", every=0.1):
                body = {"scope": "city", "status": "open"}
                asked = requests.post(f"{url}/exports/tickets", json=body, headers=headers)
                assert asked.status_code == 202, asked.text
                job = asked.json()
                status = f"{url}/exports/jobs/{job['job_id']}"
                while job["status"] == "pending":
                    time.sleep(0.1)
                    job = requests.get(status, headers=headers).json()
            assert job["status"] == "done", job
            return requests.get(job["download_url"], timeout=600).content

        def part(after: str | None) -> bytes:
            return get(parted | ({"after": after} if after else {})).content

        cursors: list[str | None] = [None]
        while True:  # each part's start, collected once
            after = get(parted | ({"after": cursors[-1]} if cursors[-1] else {}))
            if "x-next-cursor" not in after.headers:
                break
            cursors.append(after.headers["x-next-cursor"])

        def at_a_time(workers: int) -> Callable[[], bytes]:
            def fetch() -> bytes:
                with ThreadPoolExecutor(workers) as pool:
                    return b"".join(pool.map(part, cursors))

            return fetch

        ways: dict[str, Callable[[], bytes]] = {
            "in the background": in_the_background,
            f"{len(cursors)} parts in turn": lambda: b"".join(part(c) for c in cursors),
            "2 parts at a time": at_a_time(2),
            "3 parts at a time": at_a_time(3),
        }
        spent: dict[str, list[float]] = {name: [] for name in ways}
        files = set()
        console.print(f"load {load()} before the rounds")
        for _ in range(args.rounds):
            for name, fetch in ways.items():
                begun = time.perf_counter()
                files.add(fetch())
                spent[name].append((time.perf_counter() - begun) * 1000)
        server.shutdown()
    assert len(files) == 1, "every way gives the same file"
    print(f"{args.tickets:,} open tickets, parts of {args.part:,}, {args.rounds} rounds")
    print(f"load {load()} after the rounds")
    for name, times in spent.items():
        shown = ", ".join(f"{t:,.0f}" for t in times)
        print(f"  {name:20} p50 {statistics.median(times):7,.0f} ms  ({shown})")


if __name__ == "__main__":
    main()
