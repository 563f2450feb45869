"""The holiday calendar in force: China's public holidays and make-up working days (调休) as
published by the State Council, from the `chinese-calendar` package, with the bureau's own
calendar (`PUT /holidays`) on top.

The package knows the years up to its release (1.11.0: 2004–2026); the State Council publishes
the next year's calendar around November, so a year the package does not know yet is given
by the bureau. On a date the bureau sets, the bureau's meaning wins (a holiday, or a make-up
working day). A year near today that neither knows is warned about, once per process: it
would otherwise be planned as plain Monday to Friday.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date, timedelta

from chinese_calendar import constants

from careroute.domain import clock
from careroute.service_layer.ports import HolidayCalendar

PACKAGE_HOLIDAYS: dict[date, str] = {
    day: constants.Holiday(name).chinese for day, name in constants.holidays.items()
}
PACKAGE_WORKDAYS: dict[date, str] = {
    day: f"{constants.Holiday(name).chinese}调休" for day, name in constants.workdays.items()
}
PACKAGE_YEARS = range(min(PACKAGE_HOLIDAYS).year, max(PACKAGE_HOLIDAYS).year + 1)
"""The years the package knows (every year has a New Year's Day holiday)."""

LOOK_AHEAD = timedelta(days=62)
"""How far ahead a missing calendar matters: the plans' horizon (deadlines, holidays near)."""

_log = logging.getLogger(__name__)
_warned: set[int] = set()


class ChinaCalendar:
    """A `HolidayCalendar` giving the calendar in force: the package's dates, with the stored
    bureau calendar's dates on top. Saving stores the bureau's calendar."""

    def __init__(self, bureau: HolidayCalendar) -> None:
        self.bureau = bureau

    def holidays(self) -> dict[date, str]:
        bureau_holidays, bureau_workdays = self.bureau.holidays(), self.bureau.workdays()
        self._warn_about_missing_years(bureau_holidays, bureau_workdays)
        return _merged(PACKAGE_HOLIDAYS, bureau_holidays, bureau_workdays)

    def workdays(self) -> dict[date, str]:
        bureau_holidays, bureau_workdays = self.bureau.holidays(), self.bureau.workdays()
        return _merged(PACKAGE_WORKDAYS, bureau_workdays, bureau_holidays)

    def save_holidays(
        self, holidays: Mapping[date, str], by: str, workdays: Mapping[date, str] | None = None
    ) -> None:
        self.bureau.save_holidays(holidays, by, workdays)

    def missing_years(self, on: date) -> list[int]:
        """The years of `on` and of the look-ahead after it that neither the package nor the
        bureau gives a calendar for."""
        return _missing_years(on, self.bureau.holidays(), self.bureau.workdays())

    def warnings(self, on: date) -> list[str]:
        """`missing_year_warning` of each of the `missing_years`."""
        return [missing_year_warning(year) for year in self.missing_years(on)]

    def _warn_about_missing_years(
        self, bureau_holidays: Mapping[date, str], bureau_workdays: Mapping[date, str]
    ) -> None:
        for year in _missing_years(clock.today(), bureau_holidays, bureau_workdays):
            if year not in _warned:
                _warned.add(year)
                _log.warning(missing_year_warning(year))


def missing_year_warning(year: int) -> str:
    """What an operator reads about a year without a calendar, in the log and the API."""
    return (
        f"no holiday calendar for {year}: the chinese-calendar package knows "
        f"{PACKAGE_YEARS.start}-{PACKAGE_YEARS.stop - 1} and the bureau set no date in {year}, "
        "so every Monday to Friday is planned as a working day; set the year's holidays and "
        "make-up working days with PUT /holidays (or update chinese-calendar)"
    )


def _missing_years(
    on: date, bureau_holidays: Mapping[date, str], bureau_workdays: Mapping[date, str]
) -> list[int]:
    given = {day.year for day in bureau_holidays} | {day.year for day in bureau_workdays}
    near = sorted({on.year, (on + LOOK_AHEAD).year})
    return [year for year in near if year not in PACKAGE_YEARS and year not in given]


def _merged(
    package: Mapping[date, str], bureau: Mapping[date, str], bureau_other: Mapping[date, str]
) -> dict[date, str]:
    """The package's dates less those the bureau gives the other meaning, plus the bureau's."""
    merged = {day: name for day, name in package.items() if day not in bureau_other}
    merged.update(bureau)
    return dict(sorted(merged.items()))
