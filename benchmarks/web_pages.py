"""Web pages on the local stack: what the officials' dashboard and the steward's
page cost, measured in headless Chromium (Debian's /usr/bin/chromium via playwright).

One run: the synthetic city (--districts at --scale) is loaded; one district
is planned for the next working day (the steward's page needs a route); every steward
records outcomes through POST /visits/batch for the days of this month so far (each elder
visited once, --share of them; 15 % of attempts not home first), and the projector drains
the visits stream. Then, median of --runs:
- GET /map?scope=city and GET /coverage/daily?scope=city over HTTP (ms);
- the dashboard at city scope and at one district (all its communities' coverage read for
  the map; the inspections, service-circle and urgent-incidents panels filled; a few urgent
  events are sent first, most acknowledged) and the steward's page, from navigation to
  drawn (ms, in Chromium).

    .venv/bin/python benchmarks/web_pages.py                  # Heping + Shenhe, scale 0.1
    .venv/bin/python benchmarks/web_pages.py --screenshots    # also refresh docs/web-*.png
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from careroute_synthetic.city import generate_city
from chromium import CHROMIUM, CHROMIUM_ARGS
from rich.console import Console

from careroute.domain.vocabulary import CHINA_TZ
from careroute_local import main_job

DOCS = Path(__file__).resolve().parents[1] / "docs"


def record_month(pump: Any, city: Any, share: float, seed: int) -> tuple[int, int]:
    """Each steward posts, day by day up to now, outcomes for `share` of their elders."""
    rng = random.Random(seed)
    now = datetime.now(CHINA_TZ).replace(microsecond=0)
    days = now.day
    by_community: dict[str, list[str]] = {}
    for elder in city.elders:
        by_community.setdefault(elder.community_id, []).append(elder.elder_id)
    posted = accepted = 0
    for steward in city.stewards:
        elders = by_community.get(steward.community_id, [])
        chosen = rng.sample(elders, round(len(elders) * share))
        items = []
        for n, elder_id in enumerate(chosen):
            day = 1 + (n * days) // max(len(chosen), 1)
            at = now.replace(day=day, hour=9, minute=0, second=0) + timedelta(minutes=7 * n)
            at = min(at, now - timedelta(minutes=1))
            if rng.random() < 0.15:  # not home first, visited an hour later
                items.append(_item(elder_id, "not_home", at, f"{steward.steward_id}-{n}-a"))
                at += timedelta(hours=1)
            items.append(_item(elder_id, "visited", min(at, now), f"{steward.steward_id}-{n}-b"))
        token = pump.issuer.token("steward", steward.steward_id)
        for start in range(0, len(items), 50):
            batch = items[start : start + 50]
            response = pump.invoke_http(
                "POST",
                "/visits/batch",
                headers={"authorization": f"Bearer {token}", "content-type": "application/json"},
                body=json.dumps({"items": batch}),
            )
            posted += len(batch)
            accepted += int(response.json()["recorded"])
    return posted, accepted


def _item(elder_id: str, outcome: str, at: datetime, key: str) -> dict[str, Any]:
    return {
        "elder_id": elder_id,
        "outcome": outcome,
        "visited_at": at.isoformat(),
        "idempotency_key": f"bench-web-{key}",
    }


def urgent_month(pump: Any, city: Any, url: str, seed: int, count: int = 8) -> int:
    """Devices loaded, `count` events of several kinds for different elders sent through the
    urgent-events queue; responders acknowledge most and arrive at some (the dashboard's
    incidents panel then has open incidents and response times). The incidents opened."""
    from careroute_synthetic.devices import generate_devices

    from careroute.adapters.dynamodb.devices import save_devices
    from careroute.domain.devices import DeviceKind

    installed = generate_devices(city, seed, installed_on=datetime.now(CHINA_TZ).date())
    save_devices(installed)
    kinds = {DeviceKind.MONITORING_BELT: "fall_detected", DeviceKind.SMOKE_ALARM: "smoke_alarm",
             DeviceKind.ONE_KEY_TERMINAL: "one_key_call"}  # fmt: skip
    chosen, elders = [], set()
    for device in installed:
        if device.kind in kinds and device.elder_id not in elders and len(chosen) < count:
            chosen.append(device)
            elders.add(device.elder_id)
    sqs, queue = pump.stack.client("sqs"), pump.stack.queue_url("UrgentEventsQueue")
    now = datetime.now(CHINA_TZ).replace(microsecond=0)
    for n, device in enumerate(chosen):
        at = (now - timedelta(minutes=20)).isoformat()
        body = {"event_id": f"bench-{n}", "device_id": device.device_id,
                "type": kinds[device.kind], "occurred_at": at}  # fmt: skip
        sqs.send_message(QueueUrl=queue, MessageBody=json.dumps(body))
    pump.drain_queue("UrgentEventsQueue")
    admin = pump.issuer.token("city_admin")
    month = now.strftime("%Y-%m")
    incidents = _get(f"{url}/incidents?scope=city&month={month}&open=true", admin)["incidents"]
    for n, incident in enumerate(incidents):
        responder = incident.get("responder_id")
        if not responder or n % 4 == 3:
            continue  # left unacknowledged: it shows as open and as a miss
        token = pump.issuer.token("steward", responder)
        for step in ("ack", "arrive")[: 1 + n % 2]:
            request = urllib.request.Request(
                f"{url}/incidents/{incident['incident_id']}/{step}", data=b"", method="POST"
            )
            request.add_header("authorization", f"Bearer {token}")
            try:
                urllib.request.urlopen(request, timeout=30).read()
            except urllib.error.HTTPError:
                break  # a service worker's incident, or not yet dispatched: leave it open
    return len(incidents)


def _get(url: str, token: str) -> Any:
    request = urllib.request.Request(url)
    request.add_header("authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def get_ms(url: str, token: str, runs: int) -> float:
    samples = []
    for _ in range(runs + 1):
        request = urllib.request.Request(url, headers={"authorization": f"Bearer {token}"})
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples[1:])  # the first warms the container


def page_ms(browser: Any, url: str, ready: str, runs: int, shot: Path | None, **ctx: Any) -> float:
    samples = []
    for run in range(runs + 1):
        context = browser.new_context(**ctx)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m, errors=errors: m.type == "error" and errors.append(m.text))
        started = time.perf_counter()
        page.goto(url)
        page.wait_for_selector(ready, timeout=300_000)
        samples.append((time.perf_counter() - started) * 1000)
        if errors:
            raise SystemExit(f"console errors on {url.split('#')[0]}: {errors}")
        if shot is not None and run == runs:
            page.screenshot(path=str(shot), full_page=ctx.get("viewport", {}).get("width") != 412)
        context.close()
    return statistics.median(samples[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--districts", nargs="*", default=["Heping", "Shenhe"])
    parser.add_argument("--share", type=float, default=0.6, help="elders visited so far")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--screenshots", action="store_true", help="write docs/web-*.png")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    console = Console(stderr=True)
    today = datetime.now(CHINA_TZ).date()
    month = today.strftime("%Y-%m")
    plan_date = main_job.next_working_day(today)
    city = generate_city(args.seed, as_of=today, districts=args.districts, scale=args.scale)
    with main_job.local_stack(log_level="WARNING") as (_stack, pump):
        main_job.load_registry(city, today, console)
        district = city.communities[0].district_id
        run = main_job.plan_night(pump, plan_date, console, district_ids=[district])
        started = time.perf_counter()
        posted, accepted = record_month(pump, city, args.share, args.seed)
        pump.drain_stream("VisitsTable")
        record_s = time.perf_counter() - started
        server, url = pump.serve_http()
        incidents = urgent_month(pump, city, url, args.seed)
        admin = pump.issuer.token("city_admin")
        route = max(run.routes, key=lambda r: len(r["stops"]))
        steward = pump.issuer.token("steward", route["steward_id"])
        figures = {
            "GET /map?scope=city (ms)": get_ms(f"{url}/map?scope=city", admin, args.runs),
            "GET /coverage/daily?scope=city (ms)": get_ms(
                f"{url}/coverage/daily?month={month}&scope=city", admin, args.runs
            ),
        }
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            board = f"{url}/app/dashboard.html#month={month}&token={admin}"
            wide = {"viewport": {"width": 1280, "height": 900}}
            figures["dashboard, city scope (ms)"] = page_ms(
                browser,
                board,
                "body[data-inspections='city'][data-circle='city'][data-incidents='city']",
                args.runs,
                DOCS / "web-dashboard.png" if args.screenshots else None,
                **wide,
            )
            figures[f"dashboard, district {district} (ms)"] = page_ms(
                browser,
                f"{board}&scope=district:{district}",
                f"body[data-inspections='district:{district}'][data-circle='district:{district}']"
                f"[data-incidents='district:{district}']",
                args.runs,
                None,
                **wide,
            )
            figures[f"steward's page, {len(route['stops'])} stops (ms)"] = page_ms(
                browser,
                f"{url}/app/steward.html#date={plan_date}&token={steward}",
                f"ol#stops > li:nth-child({len(route['stops'])})",
                args.runs,
                DOCS / "web-steward.png" if args.screenshots else None,
                viewport={"width": 412, "height": 915},
            )
            browser.close()
        server.shutdown()

    print(
        f"city: {len(city.communities):,} communities, {len(city.elders):,} elders; "
        f"{posted:,} outcomes posted ({accepted:,} recorded) in {record_s:.0f} s; "
        f"{incidents} urgent incidents; "
        f"median of {args.runs} runs"
    )
    print("| measure | value |")
    print("|---|---:|")
    for name, value in figures.items():
        print(f"| {name} | {value:.0f} |")


if __name__ == "__main__":
    main()
