"""The month simulation records when an assessment's grade made an elder's tier stricter, so
the check counts the stricter cadence from that day (domain/compliance.py)."""

from datetime import date, datetime, time
from typing import Any

from careroute_synthetic.city import generate_city

from careroute.domain import clock
from careroute.domain.compliance import ElderBaseline
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import CHINA_TZ, Tier
from careroute_local.simulation.config import SimulationConfig
from careroute_local.simulation.month import _recording_raises
from careroute_local.simulation.state import Run

GRADED = date(2026, 12, 28)


class _Engine:
    """Answers a category change as the API does (200), or refuses it."""

    def __init__(self, status: int) -> None:
        self.status = status

    def change_categories(self, community_id: str, elder_id: str, new: list[str]) -> Any:
        return self.status, {}


def test_a_grade_that_raises_the_tier_is_recorded_with_its_day() -> None:
    city = generate_city(7, as_of=date(2026, 12, 1), districts=["D13"], scale=0.2)
    policy = load_policy()
    run = Run(SimulationConfig(month="2026-12"), city, policy)
    monthly = [e for e in city.elders if policy.tier_of(e, GRADED) is Tier.T3]
    elder, unchanged = monthly[0], monthly[1]
    for e in (elder, unchanged):
        run.baselines[e.elder_id] = ElderBaseline(
            e.elder_id, e.community_id, e.street_id, e.district_id, Tier.T3, None
        )
    disabled = sorted({*(c.value for c in elder.categories), "disabled"})
    evening = clock.SimulatedClock(datetime.combine(GRADED, time(20, 45), CHINA_TZ))
    with clock.use(evening):
        change = _recording_raises(run, _Engine(200))  # type: ignore[arg-type]
        change(elder.community_id, elder.elder_id, disabled)
        same = sorted(c.value for c in unchanged.categories)
        change(unchanged.community_id, unchanged.elder_id, same)
        refused = _recording_raises(run, _Engine(409))  # type: ignore[arg-type]
        refused(unchanged.community_id, unchanged.elder_id, disabled)
    assert run.baselines[elder.elder_id].raised == ((GRADED, Tier.T2),)
    assert run.baselines[unchanged.elder_id].raised == ()
