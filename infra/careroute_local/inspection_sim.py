"""The month simulation's inspections: each evening the real inspection planner and solver
plan the next day; each day every inspector fetches their route over the HTTP API and posts
one result per stop (drawn scores, now and then a rectification item, which opens a
follow-up ticket); at the month's end the city's progress (due vs done vs overdue) as the
city admin reads it over the API.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

from careroute.domain import clock
from careroute.domain.inspections import CHECKLIST, TargetKind
from careroute.domain.vocabulary import Registry, parse_clock
from careroute_local.ticks import at

PLANNER = "InspectionPlannerFunction"
QUEUE = "InspectionJobsQueue"
PLAN_AT = 20 * 3600
RECTIFY_SHARE = 0.15
RECTIFY_DAYS = 14
TOKEN_TTL = 14 * 24 * 3600


class InspectionDays:
    """Inspections through a simulated month on a running local stack."""

    def __init__(self, pump: Any, city: Registry, city_seed: int, seed: int, first: date) -> None:
        from careroute_local.inspection_job import load_targets

        self.pump, self.seed = pump, seed
        self.districts = sorted({c.district_id for c in city.communities})
        self.counts: Counter[str] = Counter()
        self.loaded = load_targets(city_seed, first - timedelta(days=1))
        self._tokens = {
            d: pump.issuer.token("inspector", d, ttl_seconds=TOKEN_TTL) for d in self.districts
        }

    def day(self, sim_clock: clock.SimulatedClock, day: date) -> None:
        """Plan `day` (the evening before), then every inspector works their route."""
        from careroute.adapters.dynamodb import inspections

        evening = at(day - timedelta(days=1), PLAN_AT)
        sim_clock.set(evening)
        self.pump.fire_schedule(
            PLANNER,
            evening.astimezone(UTC),
            overrides={"plan_date": day.isoformat(), "district_ids": self.districts},
        )
        drained = self.pump.drain_queue(QUEUE)
        self.counts["inspection_jobs_failed"] += drained.failed
        for district_id in self.districts:
            summary = inspections.plan_summary(district_id, day) or {}
            self.counts["inspections_mandatory_unassigned"] += summary.get(
                "unassigned_mandatory", 0
            )
            for inspector in inspections.inspectors_of(district_id):
                self._work(sim_clock, day, district_id, inspector.inspector_id)

    def _work(self, sim_clock: clock.SimulatedClock, day: date, district: str, who: str) -> None:
        headers = {"authorization": f"Bearer {self._tokens[district]}"}
        response = self.pump.invoke_http("GET", f"/inspectors/{who}/routes/{day}", headers=headers)
        if response.status != 200:
            self.counts[f"inspection_route_{response.status}"] += 1
            return
        for stop in response.json()["stops"]:
            self.counts["inspections_planned"] += 1
            finished = at(day, parse_clock(stop["end"]))
            sim_clock.set(finished)
            body = self._result(who, stop, finished)
            key = {"idempotency-key": f"sim-{day}-{stop['target_id']}"}
            posted = self.pump.invoke_http(
                "POST", "/inspections/results", headers=headers | key, body=json.dumps(body)
            )
            if posted.status == 201:
                self.counts["inspections_posted"] += 1
                self.counts["inspection_rectifications"] += len(body["rectifications"])
            else:
                self.counts[f"inspection_posts_{posted.status}"] += 1

    def _result(self, who: str, stop: dict[str, Any], finished: datetime) -> dict[str, Any]:
        rng = random.Random(f"{self.seed}:inspection:{stop['target_id']}:{finished.date()}")
        items = CHECKLIST[TargetKind(stop["kind"])]
        scores = {item: rng.randint(2, 5) for item in items}
        rectifications = []
        if rng.random() < RECTIFY_SHARE:
            worst = min(items, key=lambda item: (scores[item], item))
            deadline = finished.date() + timedelta(days=RECTIFY_DAYS)
            rectifications.append({"item": worst, "deadline": deadline.isoformat()})
        return {
            "inspector_id": who,
            "target_id": stop["target_id"],
            "inspected_at": finished.isoformat(),
            "scores": scores,
            "rectifications": rectifications,
        }

    def totals(self, month: str) -> dict[str, int]:
        """The month's progress as the city admin reads it, and what the simulation did."""
        token = self.pump.issuer.token("city_admin", ttl_seconds=TOKEN_TTL)
        response = self.pump.invoke_http(
            "GET",
            "/inspections/progress",
            headers={"authorization": f"Bearer {token}"},
            query={"scope": "city", "month": month},
        )
        found: dict[str, int] = dict(self.counts)
        if response.status == 200:
            total = response.json()["total"]
            for key in ("due", "done", "done_on_time", "open", "overdue"):
                found[f"inspections_{key}"] = int(total[key])
        else:
            found["inspection_progress_error"] = response.status
        return found
