"""The hospitals' port in memory, with the behaviour of the DynamoDB adapter."""

from __future__ import annotations

from careroute.adapters.memory_store import ReplacedWhole
from careroute.domain.hospitals import Hospital


class MemoryHospitals(ReplacedWhole[Hospital]):
    def __init__(self) -> None:
        super().__init__(lambda h: h.hospital_id)

    replace_hospitals = ReplacedWhole.replace_whole
    all_hospitals = ReplacedWhole.in_id_order
