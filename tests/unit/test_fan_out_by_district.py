"""The night's fan-out decides its cover district by district and sends each district's jobs
as soon as it is decided (service_layer/planning.py): the cover never leaves a district, so
the jobs carry what one decision over the whole city gives, and the solvers start on the first
district's jobs while the next ones are read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from careroute_synthetic.city import generate_city

from careroute.adapters.memory_visits import MemoryPlanJobs
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import CHINA_TZ, Registry
from careroute.messages.visits import NightlyTick, PlanJob
from careroute.service_layer.cover import plan_cover
from careroute.service_layer.planning import fan_out
from careroute.service_layer.route_cover import cover_items
from tests.contract.conftest import memory_backend

PLAN_DATE = date(2026, 12, 8)
POLICY = load_policy()


class SentInBatches(MemoryPlanJobs):
    """The memory queue, keeping the community ids of each `send` apart."""

    def __init__(self) -> None:
        super().__init__()
        self.sends: list[list[str]] = []

    def send(self, jobs: Iterable[PlanJob]) -> int:
        batch = list(jobs)
        self.sends.append([job.community_id for job in batch])
        return super().send(batch)


def two_districts() -> Registry:
    """Heping and Shenhe, a street of each, with 80 more elders in the first community of
    each district (short of hours: the first night hands out a share of their overflow) and
    the second community's steward on leave on the plan date (absent: its visits go too)."""
    city = generate_city(5, as_of=date(2026, 12, 7), districts=["Heping", "Shenhe"], scale=0.02)
    elders, stewards = list(city.elders), list(city.stewards)
    for district_id in sorted({c.district_id for c in city.communities}):
        own = sorted(c.community_id for c in city.communities if c.district_id == district_id)
        first = [e for e in city.elders if e.community_id == own[0]]
        elders += [replace(first[n % len(first)], elder_id=f"E-{own[0]}-{n}") for n in range(80)]
        away = next(i for i, s in enumerate(stewards) if s.community_id == own[1])
        stewards[away] = replace(stewards[away], leave=frozenset({PLAN_DATE}))
    return replace(city, elders=tuple(elders), stewards=tuple(stewards))


def test_each_districts_jobs_go_at_once_with_the_cover_of_one_decision_over_the_city() -> None:
    city = two_districts()
    backend = memory_backend().holding(city)
    queue = SentInBatches()
    evening = datetime.combine(PLAN_DATE - timedelta(days=1), time(21), CHINA_TZ)
    tick = NightlyTick(scheduled_time=evening.astimezone(UTC))
    sent = fan_out(tick, "night", POLICY, replace(backend.nightly, plan_jobs=queue))

    by_district: dict[str, list[str]] = {}
    for c in sorted(city.communities, key=lambda c: c.community_id):
        by_district.setdefault(c.district_id, []).append(c.community_id)
    assert queue.sends == [by_district[d] for d in sorted(by_district)]
    assert sent.jobs == len(city.communities) and sent.absent == 2

    communities = {c.community_id: c for c in city.communities}
    stewards = {s.community_id: s for s in city.stewards}
    whole = plan_cover(backend.nightly, communities, stewards, PLAN_DATE, frozenset(), POLICY)
    jobs: list[PlanJob] = queue.take_all()
    carried = {job.community_id: job.cover for job in jobs if job.cover}
    assert carried == {c: cover_items(v) for c, v in whole.assigned.items() if v}
    helped = {communities[c].district_id for c in carried}
    assert helped == set(by_district)  # both districts hand out visits that night
    handed = {job.community_id: job.handed_out for job in jobs if job.handed_out}
    assert handed == {
        c: sorted(v.elder_id for vs in whole.assigned.values() for v in vs if v.community_id == c)
        for c in {v.community_id for vs in whole.assigned.values() for v in vs}
    }
    assert sent.covered == sum(len(v) for v in whole.assigned.values())
    assert sent.uncovered == len(whole.uncovered)
