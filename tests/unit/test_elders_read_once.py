"""The fan-out's elders read once (service_layer/elders_read_once.py): on the planner's first
night every community's elders are read for the cover, and again for the communities looked
at and their helpers; each community's list is read from the repository once, and the jobs
carry the cover of reading it each time. A change made through it drops the list it kept."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from careroute.adapters.memory import MemoryElders
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import CHINA_TZ, Elder, Registry
from careroute.messages.visits import NightlyTick
from careroute.service_layer.cover import plan_cover
from careroute.service_layer.elders_read_once import EldersReadOnce
from careroute.service_layer.planning import fan_out
from careroute.service_layer.route_cover import cover_items
from tests.contract.conftest import memory_backend

PLAN_DATE = date(2026, 12, 8)
POLICY = load_policy()


class CountedElders(MemoryElders):
    """The memory elders, counting each community's list read."""

    def __init__(self) -> None:
        super().__init__()
        self.listed: Counter[str] = Counter()

    def elders_of_community(self, community_id: str) -> list[Elder]:
        self.listed[community_id] += 1
        return super().elders_of_community(community_id)


def first_night(street: Registry) -> Registry:
    """The street with 80 more elders in its first community: short of hours, so the first
    night looks at it and asks its neighbours' spare minutes."""
    community_id = street.stewards[0].community_id
    own = [e for e in street.elders if e.community_id == community_id]
    more = [replace(own[n % len(own)], elder_id=f"E-more-{n}") for n in range(80)]
    return replace(street, elders=(*street.elders, *more))


def test_the_first_nights_fan_out_reads_each_communitys_elders_once_and_sends_the_same_jobs(
    one_street: Registry,
) -> None:
    city = first_night(one_street)
    evening = datetime.combine(PLAN_DATE - timedelta(days=1), time(21), CHINA_TZ)
    tick = NightlyTick(scheduled_time=evening.astimezone(UTC))
    counted = CountedElders()
    counted.save_elders(city.elders)
    reading_once = memory_backend().holding(city)
    sent = fan_out(tick, "night", POLICY, replace(reading_once.nightly, elders=counted))
    assert sent.covered > 0  # the cover read the short community's and its helpers' elders
    assert counted.listed == Counter({c.community_id: 1 for c in city.communities})

    # The cover read from the repository each time is the cover the jobs carry.
    plain = memory_backend().holding(city)
    stewards = {s.community_id: s for s in city.stewards}
    communities = {c.community_id: c for c in city.communities}
    cover = plan_cover(plain.nightly, communities, stewards, PLAN_DATE, frozenset(), POLICY)
    carried = {job.community_id: job.cover for job in reading_once.queued() if job.cover}
    assert carried == {c: cover_items(v) for c, v in cover.assigned.items() if v}


def test_a_change_through_it_drops_the_communitys_kept_list(one_street: Registry) -> None:
    counted = CountedElders()
    counted.save_elders(one_street.elders)
    elders = EldersReadOnce(counted)
    first, second = one_street.communities[0].community_id, one_street.communities[1].community_id
    before = elders.elders_of_communities([first, second])
    assert elders.elders_of_community(first) == before[first]
    assert counted.listed == Counter({first: 1, second: 1})
    elder = before[first][0]
    assert elders.mark_visited(first, elder.elder_id, PLAN_DATE) is True
    after = elders.elders_of_community(first)
    assert after[0].last_visited_on == PLAN_DATE and after[1:] == before[first][1:]
    assert elders.elders_of_community(second) == before[second]
    assert counted.listed == Counter({first: 2, second: 1})
