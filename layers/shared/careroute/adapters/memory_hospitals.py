"""The hospitals' port in memory, with the behaviour of the DynamoDB adapter."""

from __future__ import annotations

from collections.abc import Iterable

from careroute.domain.hospitals import Hospital


class MemoryHospitals:
    def __init__(self) -> None:
        self._by_id: dict[str, Hospital] = {}

    def replace_hospitals(self, hospitals: Iterable[Hospital]) -> int:
        self._by_id = {h.hospital_id: h for h in hospitals}
        return len(self._by_id)

    def all_hospitals(self) -> list[Hospital]:
        return sorted(self._by_id.values(), key=lambda h: h.hospital_id)
