"""The rules every way into the registry checks an elder against (the CSV import and the
API): no national ID number in any field, an age within the care the registry covers, at
most one subsistence status, and phone numbers that look like phone numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from careroute.domain.vocabulary import Category

MIN_AGE = 60
MAX_AGE = 120

_ID_NUMBER = re.compile(r"(?<!\d)\d(?:[ \t-]?\d){16}[ \t-]?[\dXxＸｘ](?!\d)")
"""The shape of a Chinese resident ID number: 18 digits (the last may be X), written as one
run or grouped by single spaces or hyphens (e.g. 6-8-4)."""
ID_NUMBER_REASON = "looks like a national ID number; store no ID numbers"


def looks_like_id_number(text: str) -> bool:
    return _ID_NUMBER.search(text) is not None


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def birth_date_problem(born: date, as_of: date) -> str | None:
    """Why `born` is not the birth date of an elder in the registry's care on `as_of`."""
    if born > as_of:
        return f"{born.isoformat()} is in the future"
    age = age_on(born, as_of)
    if not MIN_AGE <= age <= MAX_AGE:
        limit = f"under {MIN_AGE}" if age < MIN_AGE else f"over {MAX_AGE}"
        return f"age {age} on {as_of.isoformat()} is {limit}"
    return None


SUBSISTENCE = (Category.SUBSISTENCE, Category.NEAR_SUBSISTENCE, Category.EXTREME_POVERTY)
"""The social assistance register's statuses: an elder has one of them at most."""


def categories_problem(categories: Iterable[Category]) -> str | None:
    """Why a set of categories cannot be an elder's (None: it can)."""
    statuses = sorted(c.value for c in set(categories) if c in SUBSISTENCE)
    if len(statuses) > 1:
        return f"{' and '.join(statuses)}: an elder has at most one subsistence status"
    return None


_PHONE = re.compile(r"\+?[0-9](?:[ -]?[0-9]){4,19}")
"""A phone number as people write one: 5 to 20 digits, single spaces or hyphens between
groups, an optional leading + (e.g. 138 0013 8000, 024-2345 6789, +86 138 0013 8000)."""


def phone_problem(text: str) -> str | None:
    """Why `text` is not a phone number (None: it is, or it is empty)."""
    if not text or _PHONE.fullmatch(text):
        return None
    return "is not a phone number (5 to 20 digits, spaces or hyphens between, a leading +)"
