"""The command line's value types: each turns an option's text into a value or tells the user,
in argparse's words, what was expected.
"""

from __future__ import annotations

import argparse
import re
from datetime import date, datetime


def moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"expected a moment YYYY-MM-DDTHH:MM+08:00, got {text!r}"
        ) from exc
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"the moment {text!r} needs a UTC offset, e.g. +08:00")
    return moment


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from exc


def scale(text: str) -> float:
    value = float(text)
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError("scale must be in (0, 1]")
    return value


def rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1], got {text!r}") from exc
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be in [0, 1], got {text}")
    return value


def meals(text: str) -> str:
    if text in ("district", "city", "off") or re.fullmatch(r"D\d{2}", text):
        return text
    raise argparse.ArgumentTypeError(
        f"expected district, a district id (D01), city or off, got {text!r}"
    )
