"""Free home-service minutes: the policy table, the allowance and the arithmetic."""

from __future__ import annotations

from datetime import date

import pytest
from careroute_synthetic.services import choose_pilots

from careroute.domain.policy import PolicyError, load_policy, parse_policy
from careroute.domain.quota import (
    HomeServicePolicy,
    fits,
    month_of,
    remaining,
)


def test_the_default_policy_gives_180_free_minutes_to_elders_80_plus_in_500_pilots() -> None:
    rules = load_policy().home_services
    assert rules == HomeServicePolicy(min_age=80, pilot_communities=500, free_minutes=180)
    assert rules.allowance(80, in_pilot=True) == 180
    assert rules.allowance(79, in_pilot=True) == 0
    assert rules.allowance(95, in_pilot=False) == 0


def test_minutes_fit_only_up_to_the_allowance() -> None:
    assert fits(180, 90, 90)
    assert not fits(180, 91, 90)
    assert not fits(0, 0, 1)
    assert remaining(180, 200) == 0 and remaining(180, 45) == 135


def test_the_quota_month_is_the_service_month() -> None:
    assert month_of(date(2026, 12, 31)) == "2026-12"


def test_a_bad_home_services_table_is_a_policy_error() -> None:
    import tomllib

    from careroute.domain.policy import DEFAULT_POLICY_PATH

    raw = tomllib.loads(DEFAULT_POLICY_PATH.read_text("utf-8"))
    raw["home_services"] = {"free_minutes": True}
    with pytest.raises(PolicyError, match=r"home_services\.free_minutes"):
        parse_policy(raw)


def test_pilots_are_chosen_deterministically_and_spread() -> None:
    ids = [f"c{n:04d}" for n in range(1153)]
    pilots = choose_pilots(ids, 500, seed=7)
    assert len(pilots) == 500 and pilots == choose_pilots(reversed(ids), 500, seed=7)
    assert pilots != choose_pilots(ids, 500, seed=8)
    assert pilots != frozenset(ids[:500])
