"""A needs assessment's grade sets the elder's tier as the policy says ([assessment]
care_levels -> the `disabled` category -> [tiers] rules), written through the registry's
own update (the PATCH an official makes), so the next nightly plan visits the elder at the
new tier; the month simulation sends each grade to the engine's registry and counts the
tiers it changed."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from careroute_synthetic.city import generate_city

from careroute.adapters.memory import MemoryElders
from careroute.domain import clock
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import CHINA_TZ, Category, Elder, ElderStatus, Registry, Tier
from careroute_local.assessment_sim import AssessmentDays, result_figures
from careroute_local.sim_city import SimMonth, memory_stewards
from careroute_local.simulation import SimulationConfig
from careroute_local.simulation.memory_engine import MemoryEngine
from careroute_local.simulation.state import Run

POLICY = load_policy()
FIRST = date(2026, 12, 1)


@pytest.fixture(scope="module")
def city() -> Registry:
    return generate_city(7, as_of=FIRST, districts=["D13"], scale=0.2)


class Patches:
    """The engine's registry as the simulation calls it: every change asked for."""

    def __init__(self) -> None:
        self.asked: dict[str, list[str]] = {}
        self.at: dict[str, datetime] = {}

    def __call__(self, community_id: str, elder_id: str, categories: list[str]) -> tuple[int, Any]:
        self.asked[elder_id] = categories
        self.at[elder_id] = clock.now()
        return 200, {"elder_id": elder_id, "changed": ["categories"]}


def test_each_grade_changing_the_categories_is_sent_to_the_engines_registry(
    city: Registry,
) -> None:
    elders = MemoryElders()
    elders.save_elders(city.elders)
    month = SimMonth(city, POLICY, seed=1, city_seed=7, first=FIRST)
    days = AssessmentDays(month, elders, memory_stewards(city))
    before = {e.elder_id: e for e in city.elders}
    patches = Patches()
    for n in range(3):
        days.day(FIRST + timedelta(days=n), [], patches)
    assert days.results
    for result in days.results:
        old = before[result["elder_id"]]
        graded = elders.get_elder(old.community_id, old.elder_id)
        tomorrow = date.fromisoformat(result["assessed_at"][:10]) + timedelta(days=1)
        assert result["tier_before"] == POLICY.tier_of(old, tomorrow).value
        assert result["tier_after"] == POLICY.tier_of(graded, tomorrow).value
        if graded.categories != old.categories:
            assert patches.asked[old.elder_id] == sorted(c.value for c in graded.categories)
            # that evening, after the day's work and before the next day's plan (21:00)
            evening = datetime.combine(tomorrow - timedelta(days=1), time(20, 45), CHINA_TZ)
            assert patches.at[old.elder_id] == evening
        else:
            assert old.elder_id not in patches.asked
    figures = result_figures(days.results)
    assert days.counts["registry_categories_changed"] == len(patches.asked) > 0
    assert figures["tiers_raised"] + figures["tiers_lowered"] == sum(
        figures["tier_changes"].values()
    )
    assert figures["tiers_raised"] + figures["tiers_lowered"] + figures["tiers_unchanged"] == (
        len(days.results)
    )


def a_t3_elder_a_grade_raises(city: Registry) -> Elder:
    """Active, not disabled, at T3, whose `disabled` category gives T2, last visited more
    than T2's cadence ago (so T2 makes the visit due on the first day)."""
    cadence = POLICY.tiers[Tier.T2].cadence_days or 14
    for elder in sorted(city.elders, key=lambda e: e.elder_id):
        graded = replace(elder, categories=elder.categories | {Category.DISABLED})
        if (
            elder.status is ElderStatus.ACTIVE
            and POLICY.tier_of(elder, FIRST) is Tier.T3
            and POLICY.tier_of(graded, FIRST) is Tier.T2
            and elder.last_visited_on is not None
            and elder.last_visited_on < FIRST - timedelta(days=cadence + 1)
        ):
            return elder
    raise AssertionError("no such elder in the synthetic city")


def planned_tier(engine: MemoryEngine, city: Registry, elder: Elder, day: date) -> str | None:
    """The tier the elder's stop has on the steward's route planned for `day`, if any."""
    evening = datetime.combine(day - timedelta(days=1), time(20), CHINA_TZ)
    with clock.use(clock.SimulatedClock(evening)):
        engine.fan_out(evening, day, ["D13"])
        engine.solve()
    steward = next(s for s in city.stewards if s.community_id == elder.community_id)
    route = engine.planned_route(steward.steward_id, day) or {"stops": []}
    return next((s["tier"] for s in route["stops"] if s["elder_id"] == elder.elder_id), None)


def test_a_grade_that_raises_the_level_makes_the_next_plan_visit_at_the_new_tier(
    city: Registry,
) -> None:
    elder = a_t3_elder_a_grade_raises(city)
    config = SimulationConfig(month="2026-12", engine="memory", districts=("D13",), scale=0.2,
                              days=2, workers=1)  # fmt: skip
    noon = datetime.combine(FIRST - timedelta(days=1), time(12), CHINA_TZ)
    with clock.use(clock.SimulatedClock(noon)):
        engine = MemoryEngine(Run(config, city, POLICY), clock.SimulatedClock(noon))
        graded = sorted(c.value for c in elder.categories | {Category.DISABLED})
        status, body = engine.change_categories(elder.community_id, elder.elder_id, graded)
    assert (status, body["changed"]) == (200, ["categories"])
    assert planned_tier(engine, city, elder, FIRST) == Tier.T2.value
