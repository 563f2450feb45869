"""The visit's item as the outcome's write builds it by hand is the item pynamodb's model of
the same record serialises to, so a visit stored by the API reads back as any other."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

import pytest

from careroute.adapters.dynamodb.visits import VisitModel, to_record, visit_item
from careroute.domain import vocabulary as v
from careroute.domain.scope_ids import scope_ids
from careroute.domain.visit_records import findings_to_list, stay_to_dict
from tests.builders import a_visit

AT = datetime(2026, 12, 8, 10, 30, tzinfo=v.CHINA_TZ)
PLAIN = a_visit("v" * 32, AT)
RECORDS = {
    "plain": PLAIN,
    "with everything": dataclasses.replace(
        PLAIN,
        outcome=v.Outcome.HOSPITALISED,
        notes="住院 · 3 楼",
        findings=(v.Finding(v.FindingCategory.HEALTH, v.Severity.HIGH, "发烧"),),
        location=v.GeoPoint(41.8, 123.4),
        stay=v.Stay("第一医院", v.GeoPoint(41.75, 123.45)),
    ),
    "a whole-degree location": dataclasses.replace(PLAIN, location=v.GeoPoint(41, 123)),
}


def as_the_model_serialises(record: v.VisitRecord, request_hash: str) -> dict[str, Any]:
    """The item as pynamodb's model builds it from the record, attribute by attribute."""
    model = VisitModel(
        record.visit_id,
        **scope_ids(record),
        elder_id=record.elder_id,
        steward_id=record.steward_id,
        tier=record.tier.value,
        outcome=record.outcome.value,
        visited_at=record.visited_at.isoformat(),
        recorded_at=record.recorded_at.isoformat(),
        notes=record.notes,
        findings=findings_to_list(record.findings) or None,
        lat=record.location.lat if record.location else None,
        lng=record.location.lng if record.location else None,
        stay=stay_to_dict(record.stay),
        request_hash=request_hash,
    )
    serialised: dict[str, Any] = model.serialize()
    return serialised


@pytest.mark.parametrize("name", RECORDS)
def test_the_hand_built_item_is_the_models_and_reads_back_as_the_record(name: str) -> None:
    """Given a visit record, when its item is built for the write, then it is exactly the
    model's serialisation, and the model read from it gives the record back."""
    record = RECORDS[name]

    item = visit_item(record, "h" * 64)

    assert item == as_the_model_serialises(record, "h" * 64)
    assert to_record(VisitModel.from_raw_data(item)) == record
