"""The holiday calendar in force: chinese-calendar's holidays and make-up working days, the
bureau's dates on top, and a warning (once) for a year near today that neither knows."""

from __future__ import annotations

import logging
from datetime import date, datetime, time

import pytest

from careroute.adapters import china_calendar
from careroute.adapters.china_calendar import PACKAGE_YEARS, ChinaCalendar
from careroute.adapters.memory import MemoryHolidays
from careroute.domain import clock
from careroute.domain.vocabulary import CHINA_TZ


def at(day: date) -> clock.Source:
    moment = datetime.combine(day, time(9), CHINA_TZ)
    return lambda: moment


def test_the_2026_calendar_comes_from_the_package() -> None:
    """2026 as the State Council published it: the National Day and Mid-Autumn week 1-7
    October is off, Sunday 20 September and Saturday 10 October are worked."""
    calendar = ChinaCalendar(MemoryHolidays())
    holidays, workdays = calendar.holidays(), calendar.workdays()
    assert all(date(2026, 10, day) in holidays for day in range(1, 8))
    assert holidays[date(2026, 10, 1)] == "国庆节"
    assert date(2026, 10, 8) not in holidays
    assert date(2026, 10, 10) in workdays and date(2026, 9, 20) in workdays
    assert workdays[date(2026, 10, 10)] == "国庆节调休"
    assert date(2026, 10, 17) not in workdays


def test_the_bureaus_dates_win_on_their_day_and_fill_an_unknown_year() -> None:
    bureau = MemoryHolidays(
        {date(2026, 10, 10): "市级活动", date(2027, 2, 6): "春节"},
        {date(2026, 10, 2): "抢修", date(2027, 2, 20): "春节调休"},
    )
    calendar = ChinaCalendar(bureau)
    holidays, workdays = calendar.holidays(), calendar.workdays()
    assert date(2026, 10, 10) in holidays and date(2026, 10, 10) not in workdays
    assert date(2026, 10, 2) in workdays and date(2026, 10, 2) not in holidays
    assert holidays[date(2027, 2, 6)] == "春节" and date(2027, 2, 20) in workdays
    assert date(2026, 10, 1) in holidays  # the rest of the package's year stays


def test_saving_stores_the_bureaus_calendar_only() -> None:
    bureau = MemoryHolidays()
    ChinaCalendar(bureau).save_holidays(
        {date(2027, 1, 1): "元旦"}, "admin", {date(2027, 1, 3): "元旦调休"}
    )
    assert bureau.holidays() == {date(2027, 1, 1): "元旦"}
    assert bureau.workdays() == {date(2027, 1, 3): "元旦调休"}


class Recorded(logging.Handler):
    """The messages logged while attached (pytest's caplog is off under `-p no:logging`)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def test_a_year_without_any_calendar_is_warned_about_once(monkeypatch: pytest.MonkeyPatch) -> None:
    unknown = PACKAGE_YEARS.stop  # 2027 with chinese-calendar 1.11.0
    monkeypatch.setattr(china_calendar, "_warned", set())
    calendar = ChinaCalendar(MemoryHolidays())
    assert calendar.missing_years(date(unknown - 1, 6, 1)) == []
    assert calendar.missing_years(date(unknown - 1, 12, 5)) == [unknown]  # within the horizon
    assert calendar.missing_years(date(unknown, 3, 1)) == [unknown]
    [warning] = calendar.warnings(date(unknown, 3, 1))
    assert f"no holiday calendar for {unknown}" in warning and "PUT /holidays" in warning
    recorded, log = Recorded(), logging.getLogger(china_calendar.__name__)
    log.addHandler(recorded)
    try:
        with clock.use(at(date(unknown, 3, 1))):
            calendar.holidays()
            calendar.holidays()
    finally:
        log.removeHandler(recorded)
    assert recorded.messages == [warning]
    given = ChinaCalendar(MemoryHolidays({date(unknown, 5, 1): "劳动节"}))
    assert given.missing_years(date(unknown, 3, 1)) == []
