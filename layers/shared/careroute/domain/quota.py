"""Monthly free home-service minutes per elder (e.g. 3 free hours a month for elders 80+ in
500 pilot communities).

Pure: no AWS. The policy comes from the optional `[home_services]` table of the tier policy.
The stored usage is charged with a conditional update (storage/home_services.py) so that two
orders placed at once cannot spend more than the allowance; this module holds the arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from careroute.domain.policy_tables import check_ranges, known_table, setting


@dataclass(frozen=True)
class HomeServicePolicy:
    min_age: int = setting(80, 0, 130)
    """Elders this old or older in a pilot community get free minutes."""
    pilot_communities: int = setting(500, low=0)
    """How many communities take part (the city chooses them; the home-services table lists
    them)."""
    free_minutes: int = setting(180, low=0)
    """Free service minutes per eligible elder per calendar month."""

    def __post_init__(self) -> None:
        check_ranges(self)

    def allowance(self, age: int, in_pilot: bool) -> int:
        """Free minutes a month for an elder of `age` in a pilot community or not."""
        return self.free_minutes if in_pilot and age >= self.min_age else 0


def parse_home_services(table: Any, where: str) -> HomeServicePolicy:
    """The optional `[home_services]` table; errors raise ValueError naming the key."""
    default = HomeServicePolicy()
    keys = ("min_age", "pilot_communities", "free_minutes")
    table = known_table(table, keys, where)
    values: dict[str, int] = {}
    for key in keys:
        value = table.get(key, getattr(default, key))
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{where}.{key}: expected a whole number >= 0, got {value!r}")
        values[key] = value
    try:
        return HomeServicePolicy(**values)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from exc


def month_of(day: date) -> str:
    """The quota month of a service date, YYYY-MM (charged to the month the service is in)."""
    return f"{day.year:04d}-{day.month:02d}"


def fits(allowance: int, used: int, minutes: int) -> bool:
    """Can `minutes` more be charged without going over the allowance?"""
    return minutes <= allowance - used


def remaining(allowance: int, used: int) -> int:
    return max(0, allowance - used)
