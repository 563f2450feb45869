"""The nightly plan finds the overflow marks of the last days worked, over a weekend or a
public holiday week alike (help for a steward with more work than days comes after it)."""

from __future__ import annotations

from datetime import date, timedelta

from careroute.adapters.memory_visits import MemoryOverflowMarks
from careroute.service_layer.overflow_look_back import overloaded_communities
from careroute.service_layer.ports.visits import DayMark

NATIONAL_DAY_WEEK = frozenset(date(2026, 10, 1) + timedelta(days=k) for k in range(7))


def marked_on(day: date, community_id: str) -> MemoryOverflowMarks:
    marks = MemoryOverflowMarks()
    marks.mark_overflow(day, community_id, True, DayMark.OVERFLOW)
    return marks


def test_monday_finds_the_marks_of_thursday_and_friday() -> None:
    marks = marked_on(date(2026, 12, 3), "C0001")
    marks.mark_overflow(date(2026, 12, 4), "C0002", True, DayMark.OVERFLOW)
    assert overloaded_communities(marks, date(2026, 12, 7)) == {"C0001", "C0002"}


def test_the_look_back_stays_four_days_without_a_holiday() -> None:
    assert overloaded_communities(marked_on(date(2026, 12, 2), "C0001"), date(2026, 12, 7)) == set()


def test_the_first_day_after_the_national_day_week_finds_the_marks_of_the_day_before_it() -> None:
    marks = marked_on(date(2026, 9, 30), "C0001")
    assert overloaded_communities(marks, date(2026, 10, 8), NATIONAL_DAY_WEEK) == {"C0001"}


def test_pinned_marks_are_found_apart_from_overflow_marks() -> None:
    marks = marked_on(date(2026, 12, 3), "C0001")
    marks.mark_overflow(date(2026, 12, 4), "C0002", True, DayMark.PINNED)
    assert overloaded_communities(marks, date(2026, 12, 7)) == {"C0001"}
    assert overloaded_communities(marks, date(2026, 12, 7), kind=DayMark.PINNED) == {"C0002"}
