"""The hospitals' port: the city's hospitals, replaced whole by an import and read whole."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from careroute.domain.hospitals import Hospital


class HospitalDirectory(Protocol):
    def replace_hospitals(self, hospitals: Iterable[Hospital]) -> int:
        """Make `hospitals` the whole list (a hospital left out is gone); the count stored."""
        ...

    def all_hospitals(self) -> list[Hospital]:
        """Every hospital, by id (none stored: an empty list)."""
        ...
