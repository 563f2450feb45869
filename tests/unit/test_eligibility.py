"""Policy finds people: benefit rules, care levels from categories, once-only filtering and
the `[benefits]` policy table."""

from datetime import UTC, date, datetime, timedelta

import pytest

from careroute.domain.eligibility import (
    Benefits,
    CareLevel,
    benefit_ticket_id,
    care_level,
    newly_qualifying,
    office_ticket,
    parse_benefits,
)
from careroute.domain.policy import DEFAULT_POLICY_PATH, PolicyError, load_policy, parse_policy
from careroute.domain.tickets import Level, TicketSla, TicketSource
from careroute.domain.vocabulary import Category, Elder, ElderStatus, Severity
from tests.builders import an_elder

BENEFITS = Benefits()


def elder(
    *categories: Category, born: date = date(1950, 3, 15), status: ElderStatus = ElderStatus.ACTIVE
) -> Elder:
    return an_elder(*categories, born=born, status=status)


@pytest.mark.parametrize(
    ("threshold", "amount"), [(80, 100), (90, 300), (100, 1000)]
)  # fmt: skip
def test_an_elder_qualifies_for_an_age_tier_on_the_birthday_that_reaches_it(
    threshold: int, amount: int
) -> None:
    person = elder(born=date(2026 - threshold, 3, 15))
    before = newly_qualifying(person, date(2026, 3, 14), set(), BENEFITS)
    on = newly_qualifying(person, date(2026, 3, 15), set(), BENEFITS)
    assert (f"high_age_{threshold}", amount) not in before
    assert on == [(f"high_age_{threshold}", amount)]


def test_only_the_highest_age_tier_reached_applies() -> None:
    assert newly_qualifying(elder(born=date(1931, 1, 1)), date(2026, 6, 1), set(), BENEFITS) == [
        ("high_age_90", 300)
    ]
    assert newly_qualifying(elder(born=date(1960, 1, 1)), date(2026, 6, 1), set(), BENEFITS) == []


@pytest.mark.parametrize(
    ("categories", "level"),
    [
        ({Category.SEVERELY_HANDICAPPED}, CareLevel.DISABLED),
        ({Category.SEVERELY_HANDICAPPED, Category.DISABLED}, CareLevel.DISABLED),
        ({Category.DISABLED}, CareLevel.SEMI_DISABLED),
        ({Category.LIVING_ALONE, Category.POOR}, None),
    ],
)
def test_the_care_level_is_derived_from_the_categories(
    categories: set[Category], level: CareLevel | None
) -> None:
    assert care_level(frozenset(categories)) is level


def test_care_subsidy_amounts_follow_the_level() -> None:
    on = date(2026, 6, 1)
    assert newly_qualifying(elder(Category.DISABLED), on, set(), BENEFITS) == [
        ("care_subsidy_semi", 400)
    ]
    assert newly_qualifying(elder(Category.SEVERELY_HANDICAPPED), on, set(), BENEFITS) == [
        ("care_subsidy_disabled", 600)
    ]


def test_rules_already_notified_and_inactive_elders_are_left_out() -> None:
    person = elder(Category.DISABLED, born=date(1936, 6, 1))
    on = date(2026, 6, 1)
    assert newly_qualifying(person, on, {"high_age_90"}, BENEFITS) == [("care_subsidy_semi", 400)]
    assert newly_qualifying(person, on, {"high_age_90", "care_subsidy_semi"}, BENEFITS) == []
    moved = elder(Category.DISABLED, status=ElderStatus.MOVED)
    assert newly_qualifying(moved, on, set(), BENEFITS) == []


def test_the_office_ticket_is_deterministic_and_goes_to_the_street() -> None:
    at = datetime(2026, 5, 31, 22, tzinfo=UTC)
    ticket = office_ticket(elder(), "high_age_90", 300, at, TicketSla())
    assert ticket.ticket_id == benefit_ticket_id("E1", "high_age_90")
    assert ticket.ticket_id != benefit_ticket_id("E1", "high_age_100")
    assert (ticket.level, ticket.severity, ticket.source) == (
        Level.STREET, Severity.NORMAL, TicketSource.BENEFIT
    )  # fmt: skip
    assert ticket.due_at - ticket.opened_at == timedelta(hours=168)
    assert "王" not in ticket.note


def test_the_default_policy_carries_the_default_benefits() -> None:
    assert load_policy().benefits == BENEFITS
    assert BENEFITS.rule_ids() == [
        "high_age_80", "high_age_90", "high_age_100",
        "care_subsidy_self", "care_subsidy_semi", "care_subsidy_disabled",
    ]  # fmt: skip


def test_benefit_amounts_are_configurable_and_defaulted_per_key() -> None:
    benefits = parse_benefits({"high_age": {"90": 350}, "care_subsidy": {"semi": 450}}, "b")
    assert benefits.high_age == ((90, 350),)
    assert dict(benefits.care_subsidy)[CareLevel.SEMI_DISABLED] == 450
    assert dict(benefits.care_subsidy)[CareLevel.DISABLED] == 600


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ({"allowance": {}}, "unknown keys ['allowance']"),
        ({"high_age": {"ninety": 300}}, "benefits.high_age.ninety"),
        ({"high_age": {"90": "300"}}, "benefits.high_age.90"),
        ({"high_age": {"90": -1}}, "benefits.high_age.90"),
        ({"care_subsidy": {"bedridden": 600}}, "benefits.care_subsidy.bedridden"),
        ({"care_subsidy": [200]}, "benefits.care_subsidy"),
    ],
)
def test_a_malformed_benefits_table_names_the_key(table: dict[str, object], key: str) -> None:
    import tomllib

    raw = tomllib.loads(DEFAULT_POLICY_PATH.read_text("utf-8"))
    raw["benefits"] = table
    with pytest.raises(PolicyError, match=key.replace("[", r"\[").replace("]", r"\]")):
        parse_policy(raw, "policy")
