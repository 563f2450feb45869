"""Tier policy: the built-in default, custom files and clear errors."""

from datetime import date
from pathlib import Path

import pytest

from careroute.domain.policy import DEFAULT_POLICY_PATH, PolicyError, load_policy
from careroute.domain.vocabulary import Category, Elder, Tier
from tests.builders import an_elder

ON = date(2026, 12, 1)


def elder(*categories: Category, age: int = 70, urgent_until: date | None = None) -> Elder:
    return an_elder(*categories, born=date(ON.year - age, 6, 1), urgent_until=urgent_until)


@pytest.mark.parametrize(
    ("categories", "age", "tier"),
    [
        ((Category.LIVING_ALONE, Category.DISABLED), 70, Tier.T1),
        ((Category.LIVING_ALONE, Category.SEVERELY_HANDICAPPED), 65, Tier.T1),
        ((Category.LIVING_ALONE,), 91, Tier.T1),
        ((Category.LIVING_ALONE,), 85, Tier.T2),
        ((Category.DISABLED,), 70, Tier.T2),
        ((Category.FAMILY_PLANNING_SPECIAL,), 66, Tier.T2),
        ((Category.EMPTY_NEST,), 75, Tier.T3),
        ((Category.POOR, Category.LIVING_ALONE), 79, Tier.T3),
    ],
)
def test_default_policy_assigns_the_tiers_of_the_design(
    categories: tuple[Category, ...], age: int, tier: Tier
) -> None:
    assert load_policy().tier_of(elder(*categories, age=age), ON) is tier


def test_an_urgent_finding_raises_an_elder_to_t1_until_its_end_date() -> None:
    policy = load_policy()
    raised = elder(Category.EMPTY_NEST, urgent_until=date(2026, 12, 20))
    assert policy.tier_of(raised, date(2026, 12, 20)) is Tier.T1
    assert policy.tier_of(raised, date(2026, 12, 21)) is Tier.T3


def test_a_custom_policy_file_changes_cadence(tmp_path: Path) -> None:
    text = DEFAULT_POLICY_PATH.read_text("utf-8").replace("cadence_days = 7", "cadence_days = 5")
    path = tmp_path / "policy.toml"
    path.write_text(text, "utf-8")
    assert load_policy(path).tiers[Tier.T1].cadence_days == 5


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("cadence_days = 14", 'cadence_days = "2 weeks"'), "T2.cadence_days: expected int"),
        (("walk = 4.5", "walk = 0"), "speed_kmh values must be positive"),
        (('all_of = ["disabled"]', 'all_of = ["sick"]'), "known categories"),
        (("[tiers.T3]", "[tiers.T9]"), "missing key 'T3'"),
        (("book_appointment = true", 'book_appointment = "yes"'), "expected true or false"),
        (("unreachable_after = 3", "unreachable_after = 0"), "unreachable_after must be >= 1"),
        (("unreachable_sla_hours = 48", "unreachable_sla_hours = 1.5"), "expected a whole"),
    ],
)
def test_a_bad_policy_file_names_the_key_at_fault(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(DEFAULT_POLICY_PATH.read_text("utf-8").replace(*change, 1), "utf-8")
    with pytest.raises(PolicyError, match=message):
        load_policy(path)


def test_a_missing_policy_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot read policy file"):
        load_policy(tmp_path / "nope.toml")
