"""The month simulation's home services (下单—派单—接单—监管): each day elders' families place
orders over the HTTP API, the real dispatcher takes them from the orders stream (its
10-minute retry schedule fires while any order waits), and the workers accept, start and
complete them over the API; at the month's end the city's oversight (GET /oversight/orders)
and every order's recorded steps are read back and compared with what the simulation did.

Who orders: active elders aged 80+ in the pilot communities (free minutes; a free order over
the month's allowance is refused with 409 `quota_exhausted` and placed again self-paid), and,
less often, 80+ elders elsewhere (self-paid). The pilot communities are the city's share of
the simulated communities (500 of 1,153), chosen by the market's seeded hash order.
Every draw is seeded by (seed, elder, day): a run is reproducible.
"""

from __future__ import annotations

import heapq
import json
import random
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from careroute.domain.clock import SimulatedClock
from careroute.domain.orders import SERVICES as SPECS
from careroute.domain.percentiles import percentile
from careroute.domain.vocabulary import (
    ElderStatus,
    Registry,
    format_clock,
    parse_clock,
    residential,
)
from careroute_local import ticks

ORDERS_TABLE = "OrdersTable"
DISPATCHER = "DispatcherFunction"
MARKET_SEED = 11
CITY_COMMUNITIES = 1153
TOKEN_TTL = 14 * 24 * 3600
PILOT_RATE = 0.03
"""Orders per pilot elder (80+) per day: about one a month, near the free 3 hours' use."""
PAID_RATE = 0.004
"""Self-paid orders per 80+ elder outside the pilots per day."""
SERVICES = (("cleaning", 4), ("meal", 3), ("bathing", 2), ("companion", 2), ("escort", 1))
SERVICE_MINUTES = {s.value: spec.minutes for s, spec in SPECS.items()}
LEAD_DAYS = ((0, 2), (1, 5), (2, 2), (3, 1))
"""(days ahead, weight) of the service date; 0 is a same-day order."""
WINDOWS = (("08:00", "12:00"), ("13:00", "18:00"), ("08:00", "18:00"))
PLACE_FROM, PLACE_TO = 7 * 3600, 17 * 3600
RETRY_EVERY = 600
STREAM_DELAY = timedelta(seconds=1)
"""The dispatcher's stream batching window (MaximumBatchingWindowInSeconds: 1)."""
DAY_END = 18 * 3600
OPEN_LIFE = ("place", "assign", "accept", "start", "complete")
"""The steps of an order, in order: an order in status s has recorded exactly up to s."""
STATUS_STEP = {"placed": 1, "assigned": 2, "accepted": 3, "started": 4, "completed": 5}
EXPIRED_LIFE = ("place", "expire")
"""The steps of an order the dispatcher retired because its window passed."""


def _weighted(rng: random.Random, choices: tuple[tuple[Any, int], ...]) -> Any:
    return rng.choices([c for c, _ in choices], [w for _, w in choices])[0]


@dataclass
class Placed:
    order_id: str
    elder_id: str
    service_date: date
    payment: str
    placed_at: datetime
    status: str = "placed"
    worker_id: str = ""
    waiting_seconds: float | None = None
    planned: bool = False
    first_note: str = ""
    """Why the dispatcher could not take it at first (its first `dispatch_note`)."""
    """The worker's start and completion are on the simulation's agenda."""


class HomeServiceDays:
    """Home-service orders through a simulated month on a running local stack."""

    def __init__(self, pump: Any, city: Registry, seed: int, first: date, last: date) -> None:
        from careroute_synthetic.services import generate_market

        from careroute.adapters.dynamodb import home_services
        from careroute.domain.policy import load_policy

        self.pump, self.seed, self.last = pump, seed, last
        rules = load_policy().home_services
        homes = len(residential(city.communities))  # a street's relief post has no elders
        share = round(rules.pilot_communities * homes / CITY_COMMUNITIES)
        pilots = min(homes, max(1, share))
        market = generate_market(city.communities, MARKET_SEED, pilots)
        home_services.save_market(market)
        old = [
            e
            for e in city.elders
            if e.status is ElderStatus.ACTIVE and e.age_on(first) >= rules.min_age
        ]
        self.free = [e for e in old if e.community_id in market.pilots]
        self.paid = [e for e in old if e.community_id not in market.pilots]
        self.orders: dict[str, Placed] = {}
        self.counts: Counter[str] = Counter()
        self.unassigned: Counter[str] = Counter()
        """Orders never assigned by their service day, by the dispatcher's last reason."""
        self.counts["home_service_pilot_communities"] = len(market.pilots)
        self.counts["home_service_eligible_elders"] = len(self.free)
        self._tokens: dict[str, str] = {}
        self._agenda: list[tuple[int, int, str, str]] = []
        self._clock: SimulatedClock | None = None
        self._n = 0

    # ------------------------------------------------------------------ the day

    def day(self, sim_clock: SimulatedClock, day: date) -> None:
        """Workers' mornings, the day's orders in time order, starts and completions."""
        self._agenda, self._clock = [], sim_clock
        for worker_id in sorted({o.worker_id for o in self._today(day) if o.worker_id}):
            self._plan_worker(day, worker_id)
        for elder, free in [(e, True) for e in self.free] + [(e, False) for e in self.paid]:
            rng = random.Random(f"{self.seed}/order/{elder.elder_id}/{day}")
            if rng.random() >= (PILOT_RATE if free else PAID_RATE):
                continue
            at = rng.randrange(PLACE_FROM, PLACE_TO, 60)
            request = self._request(rng, elder, day, at, free)
            if request is not None:
                self._push(at, "place", json.dumps(request))
        if any(o.status == "placed" for o in self._today(day)):
            self._push(PLACE_FROM, "retry", "")
        while self._agenda:
            at, _n, kind, what = heapq.heappop(self._agenda)
            sim_clock.set(ticks.at(day, at))
            getattr(self, f"_{kind}")(day, at, what)
        for order in self._today(day):
            if order.status in ("placed", "expired"):
                self.counts["home_service_orders_not_assigned_on_the_day"] += 1
                first = re.sub(r"hp-[\w-]+: ", "", order.first_note) or "none noted"
                self.unassigned[f"{self._why_waiting(order)} (at first: {first})"] += 1

    def _why_waiting(self, order: Placed) -> str:
        """The order's `dispatch_note`, provider ids taken out (a reason to count)."""
        status, answer = self._call("GET", f"/orders/{order.order_id}", self._family(order))
        note = (answer or {}).get("dispatch_note") or f"no note ({status})"
        return re.sub(r"hp-[\w-]+: ", "", note)

    def _today(self, day: date) -> list[Placed]:
        return [o for o in self.orders.values() if o.service_date == day]

    def _push(self, at: int, kind: str, what: str) -> None:
        self._n += 1
        heapq.heappush(self._agenda, (at, self._n, kind, what))

    def _request(
        self, rng: random.Random, elder: Any, day: date, at: int, free: bool
    ) -> dict[str, Any] | None:
        service = _weighted(rng, SERVICES)
        lead = _weighted(rng, LEAD_DAYS)
        start, end = WINDOWS[rng.randrange(len(WINDOWS))]
        soon = -(-(at + 3600) // 1800) * 1800  # same day: from about an hour after the call
        if lead == 0 and soon + SERVICE_MINUTES[service] * 60 <= DAY_END:
            start, end = format_clock(soon), "18:00"
        elif lead == 0:  # too late in the day for it: tomorrow
            lead = 1
        service_date = day + timedelta(days=lead)
        if service_date > self.last:  # outside the simulated days: not ordered
            return None
        return {
            "elder_id": elder.elder_id,
            "community_id": elder.community_id,
            "service": service,
            "service_date": service_date.isoformat(),
            "window_start": start,
            "window_end": end,
            "self_paid": not free,
        }

    # ------------------------------------------------------------------ the steps

    def _place(self, day: date, at: int, what: str) -> None:
        body = json.loads(what)
        family = self._token("family", body["elder_id"])
        key = f"sim-order-{body['elder_id']}-{day:%Y%m%d}-{at}"
        status, answer = self._call("POST", "/orders", family, body, key)
        if status == 409 and answer["error"]["code"] == "quota_exhausted":
            self.counts["home_service_orders_over_quota"] += 1
            body["self_paid"] = True
            status, answer = self._call("POST", "/orders", family, body, key + "-paid")
        if status != 201:
            self.counts[f"home_service_place_{status}"] += 1
            return
        order = Placed(
            answer["order_id"], body["elder_id"], date.fromisoformat(body["service_date"]),
            answer["payment"], datetime.fromisoformat(answer["placed_at"]),
        )  # fmt: skip
        self.orders[order.order_id] = order
        self.counts["home_service_orders_placed"] += 1
        if self._clock is not None:  # the stream's batching window: about a second later
            self._clock.set(ticks.at(day, at) + STREAM_DELAY)
        self.pump.drain_stream(ORDERS_TABLE)
        self._read(day, at, order)
        if order.status == "placed":
            self._push(at + RETRY_EVERY - at % RETRY_EVERY, "retry", "")

    def _retry(self, day: date, at: int, _what: str) -> None:
        """The dispatcher's retry schedule, on its 10-minute beat while an order waits."""
        waiting = [
            o for o in self.orders.values() if o.status == "placed" and o.service_date >= day
        ]
        if not waiting:
            return
        self.pump.fire_schedule(DISPATCHER, ticks.at(day, at).astimezone(UTC))
        self.counts["home_service_dispatch_retries"] += 1
        for order in waiting:
            self._read(day, at, order)
        if at + RETRY_EVERY < DAY_END and any(o.status == "placed" for o in waiting):
            self._push(at + RETRY_EVERY, "retry", "")

    def _read(self, day: date, at: int, order: Placed) -> None:
        """The family reads the order (GET /orders/{id}); an assignment is noted once."""
        status, answer = self._call("GET", f"/orders/{order.order_id}", self._family(order))
        if status == 200 and answer["status"] == "placed" and not order.first_note:
            order.first_note = answer.get("dispatch_note") or ""
        if status == 200 and answer["status"] == "expired" and order.status == "placed":
            order.status = "expired"  # its window passed: no more retries for it
            self.counts["home_service_orders_expired"] += 1
            return
        if status != 200 or answer["status"] != "assigned" or order.status != "placed":
            return
        order.status, order.worker_id = "assigned", answer["worker_id"]
        assigned = datetime.fromisoformat(answer["assigned_at"])
        order.waiting_seconds = (assigned - order.placed_at).total_seconds()
        self.counts["home_service_orders_assigned"] += 1
        delay = random.Random(f"{self.seed}/accept/{order.order_id}").randrange(120, 1800, 60)
        self._push(at + delay, "accept", order.order_id)
        if order.service_date == day:
            self._plan_worker(day, order.worker_id)

    def _plan_worker(self, day: date, worker_id: str) -> None:
        """The worker reads the day (GET /workers/{id}/orders/{date}) and puts each new
        order's start and end on the agenda."""
        status, answer = self._call(
            "GET", f"/workers/{worker_id}/orders/{day}", self._token("worker", worker_id)
        )
        if status != 200:
            return
        for row in answer["orders"]:
            order = self.orders.get(row["order_id"])
            if order is None or order.planned or row["planned_start"] is None:
                continue
            order.planned = True
            start = parse_clock(row["planned_start"])
            self._push(start, "start", order.order_id)
            self._push(start + row["minutes"] * 60, "complete", order.order_id)

    def _accept(self, _day: date, _at: int, order_id: str) -> None:
        self._step(self.orders[order_id], "accept", "accepted")

    def _start(self, _day: date, _at: int, order_id: str) -> None:
        order = self.orders[order_id]
        if order.status == "assigned":  # not accepted yet: the worker accepts on arrival
            self._step(order, "accept", "accepted")
        self._step(order, "start", "started")

    def _complete(self, _day: date, _at: int, order_id: str) -> None:
        self._step(self.orders[order_id], "complete", "completed")

    def _step(self, order: Placed, action: str, after: str) -> None:
        if STATUS_STEP.get(order.status, 0) >= STATUS_STEP[after]:
            return
        token = self._token("worker", order.worker_id)
        status, _ = self._call("POST", f"/orders/{order.order_id}/{action}", token)
        if status == 200:
            order.status = after
            self.counts[f"home_service_orders_{after}"] += 1
        else:
            self.counts[f"home_service_{action}_{status}"] += 1

    # ------------------------------------------------------------------ plumbing

    def _token(self, role: str, scope: str | None = None) -> str:
        key = f"{role}:{scope}"
        if key not in self._tokens:
            self._tokens[key] = self.pump.issuer.token(role, scope, ttl_seconds=TOKEN_TTL)
        return self._tokens[key]

    def _family(self, order: Placed) -> str:
        return self._token("family", order.elder_id)

    def _call(
        self, method: str, path: str, token: str, body: Any = None, key: str | None = None
    ) -> tuple[int, Any]:
        headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
        if key:
            headers["idempotency-key"] = key
        data = json.dumps(body) if body is not None else None
        response = self.pump.invoke_http(method, path, headers=headers, body=data)
        return response.status, response.json() if response.body else None

    # ------------------------------------------------------------------ the month's figures

    def totals(self, month: str) -> dict[str, Any]:
        """What the simulation did, the oversight the city admin reads, and each order's
        recorded steps checked against its status."""
        found: dict[str, Any] = dict(self.counts)
        waits = sorted(w for o in self.orders.values() if (w := o.waiting_seconds) is not None)
        found["home_service_wait_p50_s"] = percentile(waits, 0.5)
        found["home_service_wait_p90_s"] = percentile(waits, 0.9)
        found["home_service_wait_max_s"] = waits[-1] if waits else None
        found["home_service_orders_self_paid"] = sum(
            1 for o in self.orders.values() if o.payment == "self_paid"
        )
        admin = self._token("city_admin")
        response = self.pump.invoke_http(
            "GET", "/oversight/orders", headers={"authorization": f"Bearer {admin}"},
            query={"scope": "city", "month": month},
        )  # fmt: skip
        status, seen = response.status, response.json()
        if status == 200:
            found["home_service_oversight_orders"] = seen["orders"]
            found["home_service_oversight_status"] = seen["status"]
            found["home_service_free_minutes_used"] = seen["free_minutes_used"]
            found["home_service_oversight_wait_p50_s"] = seen["waiting_seconds"]["p50"]
        else:
            found["home_service_oversight_error"] = status
        mismatched = []
        for order in self.orders.values():
            code, steps = self._call("GET", f"/orders/{order.order_id}/events", admin)
            actions = [e["action"] for e in steps["events"]] if code == 200 else []
            life = EXPIRED_LIFE if order.status == "expired" else OPEN_LIFE
            if actions != list(life[: STATUS_STEP.get(order.status, len(life))]):
                mismatched.append(order.order_id)
        found["home_service_event_mismatches"] = len(mismatched)
        found["home_service_unassigned_reasons"] = dict(self.unassigned.most_common())
        return found
