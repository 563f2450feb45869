"""The month's misses from stored elders and visit records: who is listed (not visited in a
month that is over, or past the cadence deadline), with which cause, and what is not known."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from careroute.domain.errors import ValidationError
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import (
    CHINA_TZ,
    Category,
    Elder,
    ElderStatus,
    Outcome,
    Tier,
    VisitRecord,
)
from careroute.service_layer.exports import misses_table
from careroute.service_layer.month_misses import MissCause, judgement_day, month_misses
from tests.builders import a_visit_to, an_elder

POLICY = load_policy()
MONTH = "2026-11"
AFTER = date(2026, 12, 3)
"""Asked after the month is over."""


def at(day: int, month: int = 11) -> datetime:
    return datetime(2026, month, day, 10, 0, tzinfo=CHINA_TZ)


def elder(n: int, **fields: object) -> Elder:
    return replace(an_elder(), elder_id=f"E{n}", **fields)


def visit(who: Elder, day: int, outcome: Outcome = Outcome.VISITED, month: int = 11) -> VisitRecord:
    return a_visit_to(
        who, f"V-{who.elder_id}-{month}-{day}", at(day, month), steward_id="W1", tier=Tier.T3,
        outcome=outcome,
    )  # fmt: skip


def test_an_elder_visited_in_the_month_is_no_miss_and_one_not_visited_is() -> None:
    seen, unseen = elder(1, last_visited_on=date(2026, 11, 9)), elder(2)
    misses = month_misses([seen, unseen], [visit(seen, 9)], MONTH, AFTER, POLICY)
    assert [m.elder_id for m in misses] == ["E2"]
    assert misses[0].monthly_missed and misses[0].cause is MissCause.NEVER_VISITED


def test_the_cause_is_the_status_then_the_last_failed_try_then_a_call_then_no_try() -> None:
    away = elder(1, status=ElderStatus.HOSPITALISED, last_visited_on=date(2026, 10, 2))
    tried = elder(2, last_visited_on=date(2026, 10, 2))
    called = elder(3, last_visited_on=date(2026, 10, 2))
    left = elder(4, last_visited_on=date(2026, 10, 2))
    records = [
        visit(tried, 5, Outcome.REFUSED),
        visit(tried, 12, Outcome.NOT_HOME),
        visit(called, 20, Outcome.PHONE_CONTACT),
    ]
    misses = {
        m.elder_id: m
        for m in month_misses([away, tried, called, left], records, MONTH, AFTER, POLICY)
    }
    assert misses["E1"].cause is MissCause.HOSPITALISED
    assert misses["E2"].cause is MissCause.NOT_HOME
    assert (misses["E2"].failed_tries, misses["E2"].last_try_on) == (2, date(2026, 11, 12))
    assert misses["E3"].cause is MissCause.CONTACT_ONLY and misses["E3"].failed_tries == 0
    assert misses["E4"].cause is MissCause.NOT_TRIED


def test_a_month_still_running_lists_only_the_elders_past_their_deadline() -> None:
    weekly = elder(1, urgent_until=date(2026, 11, 30), last_visited_on=date(2026, 11, 2))
    monthly = elder(2, last_visited_on=date(2026, 10, 20))
    misses = month_misses([weekly, monthly], [visit(weekly, 2)], MONTH, date(2026, 11, 15), POLICY)
    assert [m.elder_id for m in misses] == ["E1"]
    (late,) = misses
    assert late.tier is Tier.T1 and late.overdue and not late.monthly_missed
    assert late.deadline == date(2026, 11, 9) and late.days_overdue == 6


def test_a_deadline_on_the_months_last_day_is_missed_once_the_month_is_over() -> None:
    weekly = elder(1, urgent_until=date(2026, 12, 31), last_visited_on=date(2026, 11, 23))
    records = [visit(weekly, 23)]
    assert month_misses([weekly], records, MONTH, date(2026, 11, 30), POLICY) == []
    (late,) = month_misses([weekly], records, MONTH, AFTER, POLICY)
    assert late.overdue and late.deadline == date(2026, 11, 30) and not late.monthly_missed


def test_a_later_visit_hides_the_last_one_before_the_month_so_overdue_is_not_known() -> None:
    revisited = elder(
        1, categories=frozenset({Category.LIVING_ALONE}), last_visited_on=date(2026, 12, 2)
    )
    (miss,) = month_misses([revisited], [visit(revisited, 2, month=12)], MONTH, AFTER, POLICY)
    assert miss.monthly_missed and miss.overdue is None and miss.last_visited_on is None


def test_a_month_not_begun_or_malformed_is_refused() -> None:
    with pytest.raises(ValidationError):
        judgement_day("2026-12", date(2026, 11, 30))
    with pytest.raises(ValidationError):
        judgement_day("2026-13", AFTER)
    assert judgement_day(MONTH, AFTER) == date(2026, 12, 1)


def test_the_misses_table_has_ids_and_dates_only_under_chinese_headers() -> None:
    misses = month_misses([elder(1)], [], MONTH, AFTER, POLICY)
    table = misses_table("district:D1", MONTH, misses)
    assert table.name == "misses_district-D1_2026-11"
    assert [c.header for c in table.columns][:3] == ["老人编号", "社区编号", "街道编号"]
    (row,) = table.rows
    assert "王秀英" not in row and "1号楼" not in row
    assert row[0] == "E1" and row[-1] == "never_visited"
