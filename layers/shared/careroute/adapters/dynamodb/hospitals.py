"""The city's hospitals as one document in the coverage table (`config#hospitals`, beside the
bureau's other settings): a city has a few dozen to a few hundred hospitals, read whole by
every `GET /hospitals`, so one item read is cheaper than a table of its own to scan, and an
import replaces the list in one write (a hospital left out is gone).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from careroute.adapters.dynamodb import settings_items
from careroute.domain.hospitals import Hospital
from careroute.domain.vocabulary import GeoPoint

SETTING = "hospitals"
IMPORTED_BY = "data import"


def _document(h: Hospital) -> dict[str, Any]:
    return {
        "hospital_id": h.hospital_id,
        "name": h.name,
        "district_id": h.district_id,
        "lat": h.location.lat,
        "lng": h.location.lng,
    }


def _hospital(document: dict[str, Any]) -> Hospital:
    return Hospital(
        document["hospital_id"],
        document["name"],
        document["district_id"],
        GeoPoint(float(document["lat"]), float(document["lng"])),
    )


class DynamoHospitals:
    def replace_hospitals(self, hospitals: Iterable[Hospital]) -> int:
        ordered = sorted(hospitals, key=lambda h: h.hospital_id)
        settings_items.put_setting(SETTING, [_document(h) for h in ordered], IMPORTED_BY)
        return len(ordered)

    def all_hospitals(self) -> list[Hospital]:
        stored = settings_items.get_setting(SETTING) or []
        return [_hospital(document) for document in stored]
