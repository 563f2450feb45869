"""An outcome recorded from its stop's reference (a claimed community, street, district and
tier; no facts): both visit adapters store it exactly when the stored steward serves the
community and the stored elder is there with that tier on the visit's day, as
`Policy.tier_of` gives it. The DynamoDB one evaluates the policy's rules in the write's
condition, so the grid below (the rules' categories, the ages around their thresholds,
urgent dates around the day, 29 February) checks that condition against `tier_of` itself."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from itertools import combinations

import pytest

from careroute.adapters import memory_visits
from careroute.domain.errors import KEY_REUSED, ConflictError
from careroute.domain.policy import TierRule, load_policy
from careroute.domain.vocabulary import (
    CHINA_TZ,
    Category,
    Elder,
    Registry,
    Tier,
    VisitRecord,
)
from careroute.service_layer.ports import VisitRepository
from tests.builders import a_visit_to
from tests.conftest import china_now
from tests.contract.conftest import Backend

POLICY = load_policy()
RULE_CATEGORIES = (
    Category.LIVING_ALONE,
    Category.DISABLED,
    Category.SEVERELY_HANDICAPPED,
    Category.FAMILY_PLANNING_SPECIAL,
)


def claiming_visits(backend: Backend) -> VisitRepository:
    """The backend's visits, checking claims against its stewards and elders."""
    return backend.either(
        lambda: memory_visits.MemoryVisits(backend.elders, backend.stewards),
        lambda: backend.visits,
    )


def years_before(day: date, years: int) -> date:
    return day.replace(year=day.year - years)


def elders_around(elder: Elder, day: date) -> list[Elder]:
    """`elder` with every set of the rules' categories, aged just under and at 80 and 90 on
    `day` and 70, without an urgent date, urgent until the day and until the day before."""
    births = [
        years_before(day, 90),
        years_before(day, 90) + timedelta(days=1),
        years_before(day, 80),
        years_before(day, 80) + timedelta(days=1),
        years_before(day, 70),
    ]
    sets = [frozenset(c) for n in range(5) for c in combinations(RULE_CATEGORIES, n)]
    urgent = [None, day, day - timedelta(days=1)]
    return [
        replace(
            elder,
            elder_id=f"G{i:03d}",
            categories=categories,
            birth_date=born,
            urgent_until=until,
        )
        for i, (categories, born, until) in enumerate(
            (c, b, u) for c in sets for b in births for u in urgent
        )
    ]


def claimed(elder: Elder, steward_id: str, tier: Tier, at: datetime, n: int) -> VisitRecord:
    return a_visit_to(elder, f"claim-{n:05d}", at, steward_id=steward_id, tier=tier)


def test_a_claim_is_stored_exactly_when_the_stored_elder_has_its_tier_on_the_day(
    backend: Backend, small_city: Registry
) -> None:
    steward = small_city.stewards[0]
    home = next(e for e in small_city.elders if e.community_id == steward.community_id)
    at = china_now().replace(microsecond=0) - timedelta(minutes=30)
    day = at.date()
    grid = elders_around(home, day)
    backend.stewards.save_stewards([steward])
    backend.elders.save_elders(grid)
    visits = claiming_visits(backend)
    wrong = []
    for n, elder in enumerate(grid):
        for tier in Tier:
            record = claimed(elder, steward.steward_id, tier, at, n * 3 + int(tier.value[1]))
            stored = visits.save_visit_as_claimed(record, "hash", POLICY) is not None
            if stored != (POLICY.tier_of(elder, day) is tier):
                wrong.append((sorted(elder.categories), elder.birth_date, elder.urgent_until, tier))
    assert wrong == []
    assert len(list(visits.all_visits())) == len(grid)


@pytest.mark.parametrize("day", [date(2026, 2, 28), date(2026, 3, 1), date(2028, 2, 29)])
def test_an_elder_born_on_29_february_comes_of_age_as_tier_of_counts(
    backend: Backend, small_city: Registry, day: date
) -> None:
    steward = small_city.stewards[0]
    home = next(e for e in small_city.elders if e.community_id == steward.community_id)
    elder = replace(
        home,
        categories=frozenset({Category.LIVING_ALONE}),
        birth_date=date(1936, 2, 29),
        urgent_until=None,
    )
    backend.stewards.save_stewards([steward])
    backend.elders.save_elders([elder])
    visits = claiming_visits(backend)
    at = datetime.combine(day, time(10), CHINA_TZ)
    stored = {
        tier: visits.save_visit_as_claimed(
            claimed(elder, steward.steward_id, tier, at, n), "hash", POLICY
        )
        for n, tier in enumerate(Tier)
    }
    assert [tier for tier, kept in stored.items() if kept] == [POLICY.tier_of(elder, day)]


def test_a_claim_of_another_place_or_steward_or_elder_stores_nothing_and_a_replay_answers(
    backend: Backend, small_city: Registry
) -> None:
    steward = small_city.stewards[0]
    home = next(e for e in small_city.elders if e.community_id == steward.community_id)
    other = next(s for s in small_city.stewards if s.community_id != steward.community_id)
    backend.stewards.save_stewards([steward, other])
    backend.elders.save_elders([home])
    visits = claiming_visits(backend)
    at = china_now().replace(microsecond=0) - timedelta(minutes=30)
    tier = POLICY.tier_of(home, at.date())
    record = claimed(home, steward.steward_id, tier, at, 1)
    refused = [
        replace(record, steward_id=other.steward_id),  # serves another community
        replace(record, street_id="S-NOWHERE"),
        replace(record, district_id="D-NOWHERE"),
        replace(record, elder_id="E-NOBODY"),
        replace(record, community_id=other.community_id),  # not the steward's, nor the elder's
    ]
    for n, wrong in enumerate(refused):
        assert visits.save_visit_as_claimed(replace(wrong, visit_id=f"no-{n}"), "h", POLICY) is None
    assert list(visits.all_visits()) == []
    assert visits.save_visit_as_claimed(record, "h", POLICY) == (record, True)
    assert visits.save_visit_as_claimed(record, "h", POLICY) == (record, False)
    untrue = replace(record, tier=next(t for t in Tier if t is not tier))
    assert visits.save_visit_as_claimed(untrue, "h", POLICY) == (record, False)  # a replay
    with pytest.raises(ConflictError, match=KEY_REUSED):
        visits.save_visit_as_claimed(record, "another request", POLICY)
    assert list(visits.all_visits()) == [record]


def test_a_tier_no_elder_can_have_is_refused_and_a_replay_still_answered(
    backend: Backend, small_city: Registry
) -> None:
    """Under a policy where every elder is T1, a claim of T2 stores nothing (the condition
    can hold for no item), and a replay of a stored visit answers it, as on every path."""
    everyone_urgent = replace(POLICY.tiers[Tier.T1], rules=(TierRule(),))
    policy = replace(POLICY, tiers={**POLICY.tiers, Tier.T1: everyone_urgent})
    steward = small_city.stewards[0]
    home = next(e for e in small_city.elders if e.community_id == steward.community_id)
    backend.stewards.save_stewards([steward])
    backend.elders.save_elders([home])
    visits = claiming_visits(backend)
    at = china_now().replace(microsecond=0) - timedelta(minutes=30)
    record = claimed(home, steward.steward_id, Tier.T1, at, 1)
    assert visits.save_visit_as_claimed(replace(record, tier=Tier.T2), "h", policy) is None
    assert visits.save_visit_as_claimed(record, "h", policy) == (record, True)
    assert visits.save_visit_as_claimed(replace(record, tier=Tier.T2), "h", policy) == (
        record,
        False,
    )
