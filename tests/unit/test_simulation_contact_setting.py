"""`careroute simulate` reads the policy's `[contacts] count_toward_monthly` and does not
assume the default: its engine's projector and its coverage drift check count a phone
contact toward the month under the run's own policy, so under either setting the month's
counters agree with the recount (no drift) and follow the setting."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time

import pytest
from careroute_synthetic.city import generate_city

from careroute.domain import clock
from careroute.domain.contacts import ContactPolicy
from careroute.domain.coverage import ALL_TIERS, Scope, ScopeKind
from careroute.domain.policy import Policy, load_policy
from careroute.domain.vocabulary import CHINA_TZ, ElderStatus, Outcome, Registry
from careroute_local.simulation import SimulationConfig
from careroute_local.simulation.memory_engine import MemoryEngine
from careroute_local.simulation.state import Run

DEFAULT = load_policy()
COUNTING = replace(DEFAULT, contacts=ContactPolicy(count_toward_monthly=True))
FIRST = date(2026, 12, 1)


@pytest.fixture(scope="module")
def city() -> Registry:
    return generate_city(7, as_of=FIRST, districts=["D13"], scale=0.05)


@pytest.mark.parametrize(("policy", "visited"), [(DEFAULT, 0), (COUNTING, 1)])
def test_the_engines_counters_and_drift_check_follow_the_runs_contact_setting(
    city: Registry, policy: Policy, visited: int
) -> None:
    """Given a simulation run under `policy`, when a steward's only outcome of the month is
    a phone contact, then the month's community counters count the elder visited exactly
    when the policy says so and the engine's drift check finds nothing."""
    steward = city.stewards[0]
    elder = next(
        e
        for e in city.elders
        if e.community_id == steward.community_id and e.status is ElderStatus.ACTIVE
    )
    config = SimulationConfig(month="2026-12", engine="memory", districts=("D13",),
                              scale=0.05, days=1, workers=1)  # fmt: skip
    noon = datetime.combine(FIRST, time(12), CHINA_TZ)
    with clock.use(clock.SimulatedClock(noon)):
        engine = MemoryEngine(Run(config, city, policy), clock.SimulatedClock(noon))
        call = {"elder_id": elder.elder_id, "outcome": Outcome.PHONE_CONTACT.value,
                "visited_at": noon.isoformat(), "idempotency_key": "sim-call-000001"}  # fmt: skip
        status, answer = engine.post_outcomes(steward.steward_id, [call])
        engine.project()
        stored = engine.stored("2026-12")

    assert (status, answer["recorded"]) == (200, 1), answer
    scope = Scope(ScopeKind.COMMUNITY, elder.community_id)
    assert stored.counters[(scope, ALL_TIERS)]["elders_visited"] == visited
    assert stored.drift == []
