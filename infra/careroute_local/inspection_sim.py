"""The month simulation's inspections: each evening the real inspection planner and solver
plan the next day; each day every inspector fetches their route and records one result per
stop (drawn scores, now and then a rectification item, which opens a follow-up ticket); at
the month's end the city's progress (due vs done vs overdue) as the city admin reads it.

`InspectionDays` runs them on a local stack, over the HTTP API (the stack engine);
`MemoryInspectionDays` runs the same use cases (fan-out, district planner, route, result,
progress) on the memory adapters (the memory engine's month), with the same targets,
inspectors and drawn results.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

from careroute_synthetic.inspections import generate_inspections

from careroute.adapters.memory import MemoryHolidays, MemoryScopes
from careroute.adapters.memory_inspections import (
    MemoryInspectionJobs,
    MemoryInspectionPlans,
    MemoryInspectionResults,
    MemoryInspectionTargets,
    MemoryInspectors,
)
from careroute.adapters.memory_visits import MemoryCoverage, MemoryTickets
from careroute.domain import clock
from careroute.domain.access import Caller, Role
from careroute.domain.errors import CareRouteError
from careroute.domain.inspections import CHECKLIST, InspectionWorld, TargetKind
from careroute.domain.vocabulary import Registry, parse_clock
from careroute.messages.inspections import InspectionResultBody
from careroute.messages.visits import NightlyTick
from careroute.service_layer.inspections import (
    DistrictPlanning,
    Inspecting,
    InspectionFanOut,
    fan_out,
    inspector_route,
    load_world,
    plan_district,
    progress,
    record_result,
)
from careroute_local.sim_city import CITY_ADMIN, SimMonth, memory_communities
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
            body = drawn_result(self.seed, who, stop, finished)
            key = {"idempotency-key": f"sim-{day}-{stop['target_id']}"}
            posted = self.pump.invoke_http(
                "POST", "/inspections/results", headers=headers | key, body=json.dumps(body)
            )
            if posted.status == 201:
                self.counts["inspections_posted"] += 1
                self.counts["inspection_rectifications"] += len(body["rectifications"])
            else:
                self.counts[f"inspection_posts_{posted.status}"] += 1

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


def drawn_result(seed: int, who: str, stop: dict[str, Any], finished: datetime) -> dict[str, Any]:
    """The result an inspector records at a stop (the POST body): each checklist item
    scored 2-5, and now and then the worst item to put right within RECTIFY_DAYS."""
    rng = random.Random(f"{seed}:inspection:{stop['target_id']}:{finished.date()}")
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


def memory_inspecting(city: Registry, world: InspectionWorld) -> Inspecting:
    """The inspection use cases' ports on the memory adapters: the city's communities and
    scopes, and `world`'s targets and inspectors loaded."""
    communities = memory_communities(city)
    targets = MemoryInspectionTargets()
    ports = Inspecting(
        targets,
        MemoryInspectors(),
        MemoryInspectionPlans(),
        MemoryInspectionResults(targets),
        MemoryTickets(MemoryCoverage()),
        communities,
        MemoryScopes(communities),
    )
    load_world(world, ports.targets, ports.inspectors)
    return ports


class MemoryInspectionDays:
    """Inspections through a simulated month on the memory adapters: the synthetic targets
    and inspectors the stack loads, planned each evening by the nightly fan-out and the
    district planner, and each stop's drawn result recorded as the inspector's POST is."""

    def __init__(self, month: SimMonth) -> None:
        city, self.policy, self.seed = month.city, month.policy, month.seed
        before = month.first - timedelta(days=1)
        rules = month.policy.inspections
        world = generate_inspections(month.city_seed, city.communities, as_of=before, policy=rules)
        self.ports = memory_inspecting(city, world)
        self.jobs = MemoryInspectionJobs()
        self.nightly = InspectionFanOut(self.ports.communities, MemoryHolidays(), self.jobs)
        self.planning = DistrictPlanning(
            self.ports.targets, self.ports.inspectors, self.ports.plans
        )
        self.districts = sorted({c.district_id for c in city.communities})
        self.counts: Counter[str] = Counter()

    def day(self, day: date) -> None:
        """Plan `day` (the evening before), then every inspector works their route."""
        evening = at(day - timedelta(days=1), PLAN_AT)
        tick = NightlyTick(scheduled_time=evening, plan_date=day, district_ids=self.districts)
        fan_out(tick, f"sim-inspections-{day}", self.nightly)
        for job in self.jobs.take_all():
            summary = plan_district(job, self.policy, self.planning)
            self.counts["inspections_mandatory_unassigned"] += summary["unassigned_mandatory"]
        for district_id in self.districts:
            for inspector in self.ports.inspectors.inspectors_of(district_id):
                self._work(day, district_id, inspector.inspector_id)

    def _work(self, day: date, district_id: str, who: str) -> None:
        inspector = Caller(f"sim-inspector-{district_id}", Role.INSPECTOR, district_id)
        try:
            route = inspector_route(inspector, who, day, self.ports)
        except CareRouteError as exc:
            if exc.code != "not_found":  # no route: not at work, or nothing planned
                self.counts[f"inspection_route_{exc.code}"] += 1
            return
        for stop in route["stops"]:
            self.counts["inspections_planned"] += 1
            finished = at(day, parse_clock(stop["end"]))
            body = InspectionResultBody.model_validate(drawn_result(self.seed, who, stop, finished))
            key = f"sim-{day}-{stop['target_id']}"
            try:
                record_result(inspector, body, key, finished, self.policy, self.ports)
            except CareRouteError as exc:
                self.counts[f"inspection_posts_{exc.code}"] += 1
                continue
            self.counts["inspections_posted"] += 1
            self.counts["inspection_rectifications"] += len(body.rectifications)

    def totals(self, month: str, today: date) -> dict[str, int]:
        """The month's progress as the city admin reads it, and what the simulation did."""
        total = progress(CITY_ADMIN, "city", month, today, self.ports).total
        found: dict[str, int] = dict(self.counts)
        for key in ("due", "done", "done_on_time", "open", "overdue"):
            found[f"inspections_{key}"] = int(getattr(total, key))
        return found
