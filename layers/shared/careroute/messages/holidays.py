"""The bureau's holiday calendar as the API takes and shows it, and as it is stored.

Its own module (re-exported by `messages.api`): every function reads the bureau's settings at
cold start, and this needs none of the API's other bodies.
"""

from __future__ import annotations

import datetime as dt

from pydantic import ConfigDict, Field, model_validator

from careroute.messages.base import Message


class Holiday(Message):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    date: dt.date
    name: str = Field(min_length=1, max_length=60)


class Holidays(Message):
    """The bureau's calendar: on top of the chinese-calendar package's dates, and the only
    source for a year the package does not know yet."""

    model_config = ConfigDict(extra="forbid")

    holidays: list[Holiday] = Field(max_length=100)
    workdays: list[Holiday] = Field(
        default_factory=list,
        max_length=50,
        description="Make-up working days (调休): weekend days worked to bridge a holiday",
    )

    @model_validator(mode="after")
    def _unique(self) -> Holidays:
        days = [h.date for h in self.holidays + self.workdays]
        if len(days) != len(set(days)):
            raise ValueError("holidays: each date may appear once (as a holiday or a workday)")
        self.holidays.sort(key=lambda h: h.date)
        self.workdays.sort(key=lambda h: h.date)
        return self


class HolidayCalendarAnswer(Holidays):
    """The bureau's calendar as `GET /holidays` shows it, with a warning for each year near
    today that has no calendar at all (planned as plain Monday to Friday)."""

    model_config = ConfigDict(extra="forbid")

    warnings: list[str] = Field(default_factory=list)
