"""An urgent visit held on a home-service worker's day (a worker responding to an incident).

Pure: no AWS, no OR-Tools. The provider's day plan lists each worker's stops in order; an
urgent stop is listed there as `urgent:<incident id>` and its details are held beside the
plan, so every later re-solve of the day (a new order dispatched, a tighter deadline) keeps
it with the same worker, at the same place, inside its window.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from careroute.domain.vocabulary import GeoPoint, TimeWindow

URGENT_PREFIX = "urgent:"


def urgent_stop_id(incident_id: str) -> str:
    return URGENT_PREFIX + incident_id


def is_urgent(stop_id: str) -> bool:
    return stop_id.startswith(URGENT_PREFIX)


@dataclass(frozen=True)
class UrgentHold:
    incident_id: str
    worker_id: str
    location: GeoPoint
    """The elder's home (coordinates only: the plan holds no names or addresses)."""
    window: TimeWindow
    """Service starts and ends inside this span (from dispatch to deadline + time on site)."""
    service_seconds: int

    @property
    def stop_id(self) -> str:
        return urgent_stop_id(self.incident_id)

    def as_json(self) -> dict[str, Any]:
        return {
            "incident_id": self.incident_id,
            "worker_id": self.worker_id,
            "lat": self.location.lat,
            "lng": self.location.lng,
            "start": self.window.start,
            "end": self.window.end,
            "service_seconds": self.service_seconds,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> UrgentHold:
        return cls(
            str(raw["incident_id"]),
            str(raw["worker_id"]),
            GeoPoint(float(raw["lat"]), float(raw["lng"])),
            TimeWindow(int(raw["start"]), int(raw["end"])),
            int(raw["service_seconds"]),
        )
