"""The month simulation's home care beds: each evening the bed planner (`plan_bed_day`, the
fleet router over each provider's workers) plans the next day; each day every worker walks
their bed route and records one visit per stop (now and then nobody opens: the bed stays
due and the next night plans it again); on the month's third day the district officials
accept the beds built before the month. At the month's end the bed coverage is recomputed
from the beds and their visit records, as an official reads it (`bed_coverage`).

It runs the bed use cases on the memory adapters with either engine (the stack engine's
other parts go through HTTP; the beds' routes are tested over HTTP in
tests/integration/test_beds.py): the synthetic beds (careroute_synthetic.beds) of the
simulated city and their providers, beside the home-service market the home-service
simulation uses, the same seeds.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from careroute_synthetic.beds import bed_market, generate_beds, pending_beds
from careroute_synthetic.services import generate_market

from careroute.adapters.memory import MemoryElders, MemoryScopes
from careroute.adapters.memory_beds import MemoryBedRoutes, MemoryBeds, MemoryBedVisits
from careroute.adapters.memory_orders import MemoryProviders
from careroute.domain.access import Caller, Role
from careroute.domain.bed_visits import BedVisitOutcome
from careroute.domain.beds import BedAction
from careroute.domain.coverage import Scope
from careroute.domain.vocabulary import parse_clock
from careroute.service_layer.beds import (
    BedKeeping,
    BedVisitRequest,
    bed_coverage,
    plan_bed_day,
    scope_beds_and_visits,
    step_bed,
    worker_bed_route,
)
from careroute.service_layer.beds import record_bed_visit as record_visit
from careroute_local.sim_city import CITY_ADMIN, SimMonth, memory_communities
from careroute_local.ticks import at

MARKET_SEED = 11
"""The home-service market's seed (home_service_sim.py uses the same)."""
NOT_HOME_SHARE = 0.03
ACCEPTANCE_DAY = 3
"""The day of the month the officials accept the beds built before it."""


class BedDays:
    """Home care beds through a simulated month, on the memory adapters."""

    def __init__(self, month: SimMonth):
        city, policy, first = month.city, month.policy, month.first
        self.policy, self.seed = policy, month.seed
        communities = memory_communities(city)
        self.beds = MemoryBeds()
        self.elders = MemoryElders()
        """The programmes' copy of the registry (assessments grade, the scan notifies here)."""
        self.ports = BedKeeping(
            beds=self.beds,
            visits=MemoryBedVisits(),
            routes=MemoryBedRoutes(),
            providers=MemoryProviders(),
            elders=self.elders,
            communities=communities,
            scopes=MemoryScopes(communities),
        )
        self.elders.save_elders(city.elders)
        synthetic = generate_beds(
            month.city_seed, city, as_of=first - timedelta(days=1), policy=policy.home_care_beds
        )
        market = generate_market(city.communities, MARKET_SEED)
        beds = bed_market(city, synthetic.beds)
        self.ports.providers.save_market(
            replace(
                market,
                providers=market.providers + beds.providers,
                workers=market.workers + beds.workers,
            )
        )
        self.beds.load(synthetic.beds)
        for visit in synthetic.history:
            self.ports.visits.add_visit(visit, "")
        self.pending = pending_beds(synthetic.beds)
        self.counts: Counter[str] = Counter()
        self.seconds = 0.0
        self.last_day = first - timedelta(days=1)
        """The last day simulated: the month is judged through it."""

    def day(self, day: date) -> None:
        """Accept the built beds (on the acceptance day), plan `day`, walk every route."""
        started = time.perf_counter()
        self.last_day = day
        self._day(day)
        self.seconds += time.perf_counter() - started

    def _day(self, day: date) -> None:
        if day.day == ACCEPTANCE_DAY:
            self._accept(day)
        rules = self.policy.home_care_beds
        summaries = plan_bed_day(day, rules, self.policy.circuity, self.ports)
        for summary in summaries:
            self.counts["bed_visits_planned"] += summary["planned"]
            self.counts["bed_visits_mandatory"] += summary["mandatory"]
            self.counts["bed_visits_mandatory_unassigned"] += len(summary["unassigned_mandatory"])
            for worker in self.ports.providers.workers_of(summary["provider_id"]):
                self._walk(worker.worker_id, day)

    def _accept(self, day: date) -> None:
        for bed in self.pending:
            official = Caller(f"sim-{bed.district_id}", Role.DISTRICT_OFFICIAL, bed.district_id)
            step_bed(official, bed.bed_id, BedAction.ACCEPT, day, frozenset(), at(day, 9 * 3600),
                     self.ports)  # fmt: skip
            self.counts["beds_accepted_in_month"] += 1

    def _walk(self, worker_id: str, day: date) -> None:
        route = worker_bed_route(CITY_ADMIN, worker_id, day, self.ports)
        worker = Caller(f"sim-{worker_id}", Role.WORKER, worker_id)
        for stop in route["stops"]:
            rng = random.Random(f"{self.seed}/bed-visit/{stop['bed_id']}/{day}")
            home = rng.random() >= NOT_HOME_SHARE
            outcome = BedVisitOutcome.SERVED if home else BedVisitOutcome.NOT_HOME
            started, ended = (
                at(day, parse_clock(stop["start"])),
                at(day, parse_clock(stop["end"])),
            )
            request = BedVisitRequest(started, outcome)
            key = f"sim-{day}-{stop['bed_id']}"
            rules = self.policy.home_care_beds
            record_visit(worker, stop["bed_id"], request, key, ended, rules, self.ports)
            self.counts[f"bed_visits_{outcome.value}"] += 1

    def figures(self, month: str) -> dict[str, Any]:
        """The month's bed coverage (recomputed from beds and visit records) and the plan's
        counts, for the report."""
        rules = self.policy.home_care_beds
        after = self.last_day + timedelta(days=1)
        coverage = bed_coverage(CITY_ADMIN, "city", month, after, rules, self.ports)
        misses = coverage.pop("misses")
        return {
            **coverage,
            **dict(sorted(self.counts.items())),
            "misses_by_rule": dict(Counter(m["rule"] for m in misses)),
            "misses_sample": misses[:20],
            "wall_seconds": round(self.seconds, 1),
        }

    def raw(self, month: str) -> dict[str, Any]:
        """The city's beds and their visits as stored, which the month's bed figures are
        recounted from (`careroute simulate --check`)."""
        # Imported here, not at the module's top: the DynamoDB package loads observability,
        # whose metrics take their namespace from the environment a stack applies only later.
        from careroute.adapters.dynamodb.home_care_beds import bed_document, visit_document

        beds, visits = scope_beds_and_visits(Scope.parse("city"), month, self.ports)
        return {
            "beds": [bed_document(b) for b in beds],
            "visits": [visit_document(v) for v in visits],
        }
