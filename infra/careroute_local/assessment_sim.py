"""The month simulation's needs assessments: stewards open requests on their visits, each
evening the assessment planner routes the next day's requests over each district's
assessors (the fleet router), and each day every assessor walks the route and records one
result per stop, scored with the policy's instrument (the total gives the care level, which
grades the elder: care level, `disabled` category, hence tier and bed eligibility).

It runs the real use cases (`open_request`, `plan_day`, `assessor_route`, `record_result`,
`summary`) on the memory adapters, with the programmes' registry copy (bed_sim.py's elders):
a grade changes the elder there (the beds see it), and, when it changes the elder's
categories, in the engine's registry too, through the registry's own update (the PATCH an
official makes, `RegistryPatch`), so the engine's next nightly plan visits the elder at the
tier the policy gives the new categories (`[assessment] care_levels` -> the `disabled`
category -> `[tiers]` rules). Each result counts the tier it moved the elder from and to.
The district's assessors and the requests already open before the month are the synthetic
ones the local stack loads (`careroute_synthetic.assessments`, the city seed). Each result
recorded is kept as the API answered it (`results`), the raw record `--check` recounts the
month from.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from careroute_synthetic.assessments import generate_assessments

from careroute.adapters.memory import (
    MemoryElders,
    MemoryScopes,
    MemoryStewards,
)
from careroute.adapters.memory_assessments import (
    MemoryAssessmentRequests,
    MemoryAssessorRoutes,
    MemoryAssessors,
)
from careroute.domain import clock
from careroute.domain.access import Caller, Role
from careroute.domain.assessment_instrument import Instrument
from careroute.domain.errors import CareRouteError
from careroute.domain.vocabulary import Category, Elder, Registry, parse_clock
from careroute.messages.assessments import AssessmentRequestBody, AssessmentResultBody
from careroute.service_layer.assessment_planning import AssessmentPlanning, plan_day
from careroute.service_layer.assessment_requests import open_request, summary
from careroute.service_layer.assessments import Assessing, assessor_route, record_result
from careroute_local.sim_city import (
    CITY_ADMIN,
    SimMonth,
    memory_communities,
    steward_of_community,
)
from careroute_local.ticks import at

REQUEST_SHARE = 0.01
"""Of the elders a steward visits, the share whose need the steward asks to be assessed."""
PLAN_AT = 20 * 3600
"""The planner's evening run (seconds after midnight, China time)."""
REGISTRY_AT = 20 * 3600 + 45 * 60
"""When the day's grades are written to the engine's registry: after the day's visits,
confirmations and duty round, before the engine's nightly plan of the next day (21:00)."""

RegistryPatch = Callable[[str, str, list[str]], tuple[int, Any]]
"""The engine's registry change of an elder's categories (community id, elder id, the
categories) -> the HTTP status and body it answered (`Engine.change_categories`)."""


def drawn_scores(rng: random.Random, elder: Elder, instrument: Instrument) -> dict[str, int]:
    """Each dimension's score, lower for an elder the registry lists as disabled (the
    share of the maximum is drawn the same for every dimension, then jittered)."""
    frail = {Category.DISABLED, Category.SEVERELY_HANDICAPPED} & elder.categories
    share = rng.uniform(0.15, 0.85) if frail else rng.uniform(0.5, 1.0)
    return {
        name: max(0, min(top, round(top * (share + rng.uniform(-0.1, 0.1)))))
        for name, top in instrument.dimensions
    }


def memory_assessing(city: Registry, elders: MemoryElders, stewards: MemoryStewards) -> Assessing:
    """The assessment use cases' ports on the memory adapters, over `elders` and `stewards`
    and the city's communities and scopes; no assessor or request yet."""
    communities = memory_communities(city)
    return Assessing(
        assessors=MemoryAssessors(),
        requests=MemoryAssessmentRequests(elders),
        routes=MemoryAssessorRoutes(),
        elders=elders,
        scopes=MemoryScopes(communities),
        stewards=stewards,
        communities=communities,
    )


def planning_of(ports: Assessing) -> AssessmentPlanning:
    """The daily planner's ports: the same communities, assessors, requests and routes."""
    return AssessmentPlanning(ports.communities, ports.assessors, ports.requests, ports.routes)


class AssessmentDays:
    """Needs assessments through a simulated month, on the memory adapters."""

    def __init__(self, month: SimMonth, elders: MemoryElders, stewards: MemoryStewards) -> None:
        """`elders` and `stewards`: the programmes' copies of the registry, shared."""
        city = month.city
        self.policy, self.seed = month.policy, month.seed
        self.ports = memory_assessing(city, elders, stewards)
        self.planning = planning_of(self.ports)
        before = month.first - timedelta(days=1)
        assessors, backlog = generate_assessments(
            city.communities, city.elders, month.city_seed, before
        )
        self.ports.assessors.save_assessors(assessors)
        self.ports.requests.save_requests(backlog)
        self.districts = sorted({c.district_id for c in city.communities})
        self.stewards = steward_of_community(city)
        self.counts: Counter[str] = Counter({"assessment_backlog_open": len(backlog)})
        self.results: list[dict[str, Any]] = []
        """Each result as recorded: the request, when, the scores and the level they gave."""
        self.stops_on: dict[date, int] = {}
        """Each planned day's assessor stops: none, and the day's walks grade nobody."""
        self._plan(month.first)

    def _plan(self, day: date) -> None:
        evening = at(day - timedelta(days=1), PLAN_AT)
        self.stops_on[day] = 0
        for summary_ in plan_day(day, self.policy, evening, self.planning):
            self.stops_on[day] += summary_["planned"]
            self.counts["assessment_visits_planned"] += summary_["planned"]
            self.counts["assessment_mandatory_unassigned"] += summary_["unassigned_mandatory"]

    def day(self, day: date, visited: list[Elder], registry: RegistryPatch | None = None) -> None:
        """Assessors walk today's routes (each grade that changes an elder's categories
        also sent to the engine's registry, `registry`); stewards ask for the elders they
        visited today whose need they saw; the planner routes tomorrow."""
        self.walks(day, registry)
        self.after_walks(day, visited)

    def walks(self, day: date, registry: RegistryPatch | None) -> None:
        """Assessors walk today's routes: the part of the day that changes the registry."""
        for district_id in self.districts:
            for assessor in self.ports.assessors.assessors_of(district_id):
                self._walk(assessor.assessor_id, district_id, day, registry)

    def after_walks(self, day: date, visited: list[Elder]) -> None:
        """Stewards ask for the elders they visited today whose need they saw; the planner
        routes tomorrow (nothing here changes the registry)."""
        for elder in visited:
            rng = random.Random(f"{self.seed}/assessment-request/{elder.elder_id}/{day}")
            if rng.random() < REQUEST_SHARE:
                self._ask(elder, day)
        self._plan(day + timedelta(days=1))

    def _ask(self, elder: Elder, day: date) -> None:
        steward_id = self.stewards[elder.community_id]
        steward = Caller(f"sim-steward-{steward_id}", Role.STEWARD, steward_id)
        body = AssessmentRequestBody(
            community_id=elder.community_id, elder_id=elder.elder_id, reason="seen on a visit"
        )
        try:
            open_request(steward, body, day, self.policy, self.ports)
            self.counts["assessment_requests_opened_on_visits"] += 1
        except CareRouteError as exc:
            self.counts[f"assessment_requests_refused_{exc.code}"] += 1

    def _walk(
        self, assessor_id: str, district_id: str, day: date, registry: RegistryPatch | None
    ) -> None:
        try:
            route = assessor_route(CITY_ADMIN, assessor_id, day, self.ports)
        except CareRouteError:
            return  # no route: not at work, or nothing planned
        assessor = Caller(f"sim-{assessor_id}", Role.ASSESSOR, district_id)
        instrument = self.policy.assessment
        for stop in route["stops"]:
            elder = self.ports.elders.get_elder(stop["community_id"], stop["elder_id"])
            rng = random.Random(f"{self.seed}/assessment/{stop['request_id']}")
            done = at(day, parse_clock(stop["end"]))
            body = AssessmentResultBody(
                request_id=stop["request_id"],
                assessor_id=assessor_id,
                scores=drawn_scores(rng, elder, instrument),
                assessed_at=done,
            )
            try:
                answer, _ = record_result(
                    assessor, body, f"sim-{stop['request_id']}", done, self.policy, self.ports
                )
            except CareRouteError as exc:
                self.counts[f"assessment_results_refused_{exc.code}"] += 1
                continue
            self.counts["assessment_results_recorded"] += 1
            graded = self.ports.elders.get_elder(elder.community_id, elder.elder_id)
            tiers = self._regrade(elder, graded, day, registry)
            self.results.append(
                {
                    "request_id": stop["request_id"],
                    "elder_id": stop["elder_id"],
                    "district_id": district_id,
                    "deadline": stop["deadline"],
                    "assessed_at": done.isoformat(),
                    "scores": body.scores,
                    "ability_level": answer["ability_level"],
                    "level": answer["level"],
                    "bed_eligible": answer["bed_eligible"],
                    "tier_before": tiers[0],
                    "tier_after": tiers[1],
                }
            )

    def _regrade(
        self, before: Elder, graded: Elder, day: date, registry: RegistryPatch | None
    ) -> tuple[str, str]:
        """The elder's tier for tomorrow's plan before and after the grade; a grade that
        changed the categories is sent to the engine's registry that evening (REGISTRY_AT:
        the stack checks the official's token against the time of the change)."""
        tomorrow = day + timedelta(days=1)
        tiers = (self.policy.tier_of(before, tomorrow), self.policy.tier_of(graded, tomorrow))
        if graded.categories != before.categories and registry is not None:
            categories = sorted(c.value for c in graded.categories)
            with clock.use(clock.SimulatedClock(at(day, REGISTRY_AT))):
                status, _ = registry(graded.community_id, graded.elder_id, categories)
            ok = status == 200
            self.counts["registry_categories_changed" if ok else f"registry_refused_{status}"] += 1
        return tiers[0].value, tiers[1].value

    def figures(self, today: date) -> dict[str, Any]:
        """GET /assessments/summary for the city (summed over its districts), and the
        month's results: by care level, on time (assessed by the request's deadline)."""
        rows = summary(CITY_ADMIN, "city", today, self.policy, self.ports).districts
        by_care: Counter[str] = Counter()
        by_ability: Counter[str] = Counter()
        for row in rows:
            by_care.update(row.by_care_level)
            by_ability.update(row.by_ability_level)
        return {
            "open": sum(r.open for r in rows),
            "overdue": sum(r.overdue for r in rows),
            "done": sum(r.done for r in rows),
            "by_ability_level": dict(sorted(by_ability.items())),
            "by_care_level": dict(sorted(by_care.items())),
            "bed_eligible": sum(r.bed_eligible for r in rows),
            **result_figures(self.results),
            **dict(sorted(self.counts.items())),
        }


def result_figures(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The month's results as recorded: how many, by care level, assessed by their
    request's deadline, and the tiers they moved elders between (T1 the strictest: raised
    means visited more often), the figures `--check` recounts from raw/assessments.jsonl."""
    on_time = sum(1 for r in results if r["assessed_at"][:10] <= r["deadline"])
    moves = Counter(_tier_move(r.get("tier_before"), r.get("tier_after")) for r in results)
    return {
        "results_in_month": len(results),
        "results_on_time": on_time,
        "results_by_level": dict(sorted(Counter(str(r["level"]) for r in results).items())),
        "tiers_raised": moves["raised"],
        "tiers_lowered": moves["lowered"],
        "tiers_unchanged": moves["unchanged"],
        "tier_changes": dict(
            sorted(
                Counter(
                    f"{r['tier_before']}->{r['tier_after']}"
                    for r in results
                    if r.get("tier_before") != r.get("tier_after")
                ).items()
            )
        ),
    }


def _tier_move(before: str | None, after: str | None) -> str:
    if before is None or after is None or before == after:
        return "unchanged"
    return "raised" if after < before else "lowered"
