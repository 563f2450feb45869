"""The one mapping of a visit record to plain data and back: the JSON document the month
simulation's raw records hold, and the fields the visits table and its stream carry.

`to_document` gives JSON-ready values (ISO times, enum values, findings as a list, location as
{lat, lng} or None); `from_document` reads the same shape back, whatever stored it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from careroute.domain.scope_ids import scope_ids
from careroute.domain.vocabulary import (
    Finding,
    FindingCategory,
    GeoPoint,
    Outcome,
    Severity,
    Stay,
    Tier,
    VisitRecord,
)


def findings_to_list(findings: tuple[Finding, ...]) -> list[dict[str, str]]:
    return [
        {"category": f.category.value, "severity": f.severity.value, "note": f.note}
        for f in findings
    ]


def findings_from_list(raw: Any) -> tuple[Finding, ...]:
    return tuple(
        Finding(FindingCategory(f["category"]), Severity(f["severity"]), str(f.get("note", "")))
        for f in raw or ()
    )


def stay_to_dict(stay: Stay | None) -> dict[str, Any] | None:
    if stay is None:
        return None
    return {"place": stay.place, "lat": stay.location.lat, "lng": stay.location.lng}


def stay_from_dict(raw: Mapping[str, Any] | None) -> Stay | None:
    if not raw:
        return None
    return Stay(str(raw["place"]), GeoPoint(float(raw["lat"]), float(raw["lng"])))


def to_document(record: VisitRecord) -> dict[str, Any]:
    location = record.location
    return {
        "visit_id": record.visit_id,
        "elder_id": record.elder_id,
        "steward_id": record.steward_id,
        **scope_ids(record),
        "tier": record.tier.value,
        "outcome": record.outcome.value,
        "visited_at": record.visited_at.isoformat(),
        "recorded_at": record.recorded_at.isoformat(),
        "notes": record.notes,
        "findings": findings_to_list(record.findings),
        "location": {"lat": location.lat, "lng": location.lng} if location else None,
        "stay": stay_to_dict(record.stay),
    }


def from_document(doc: Mapping[str, Any]) -> VisitRecord:
    """A visit record from `to_document`'s shape (notes, findings, location and stay
    optional)."""
    location = doc.get("location")
    return VisitRecord(
        visit_id=str(doc["visit_id"]),
        elder_id=str(doc["elder_id"]),
        steward_id=str(doc["steward_id"]),
        community_id=str(doc["community_id"]),
        street_id=str(doc["street_id"]),
        district_id=str(doc["district_id"]),
        tier=Tier(doc["tier"]),
        outcome=Outcome(doc["outcome"]),
        visited_at=datetime.fromisoformat(str(doc["visited_at"])),
        recorded_at=datetime.fromisoformat(str(doc["recorded_at"])),
        notes=str(doc.get("notes") or ""),
        findings=findings_from_list(doc.get("findings")),
        location=GeoPoint(float(location["lat"]), float(location["lng"])) if location else None,
        stay=stay_from_dict(doc.get("stay")),
    )
