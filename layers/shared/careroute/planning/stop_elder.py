"""What a visit record takes from its elder, carried by each route stop (`elder_facts`).

A visit is recorded with its elder's scopes and tier as the elder is stored when the visit is
written: the write checks the elder it was made from (`save_visit_as_read`). The route is
written with those facts in each stop, so the API recording a day's outcomes takes the elder
from the steward's route it keeps instead of reading each elder: one write per outcome. An
elder changed since the route was written fails the write's check and is read again.

The facts are the elder's street and district, birth date, categories and urgent date: no ID
number, nothing the steward does not see at the door. The route item is the steward's
(encrypted, expiring); the steward's read and the exports leave the facts out all the same,
as the phone has no use for them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from careroute.domain.scope_ids import scope_ids_in
from careroute.domain.vocabulary import Category, Elder, GeoPoint, TimeWindow

ELDER_FACTS = "elder_facts"
"""The stop field holding them."""


def stop_elder_facts(elder: Elder) -> dict[str, Any]:
    """The facts a visit record takes from `elder`, as a stop stores them (categories as the
    sorted list the registry stores, so the write's check compares them as they are)."""
    return {
        "street_id": elder.street_id,
        "district_id": elder.district_id,
        "birth_date": elder.birth_date.isoformat(),
        "categories": sorted(c.value for c in elder.categories),
        "urgent_until": elder.urgent_until.isoformat() if elder.urgent_until else None,
    }


def elder_on_stop(stop: Mapping[str, Any]) -> Elder | None:
    """The stop's elder, to record a visit from: its ids, scopes and the tier's inputs as the
    registry had them when the route was written; its place, window and name are the stop's
    (a visit record takes none of them). None for a stop written without the facts (an
    older route, an urgent visit put into the day)."""
    facts = stop.get(ELDER_FACTS)
    if not facts:
        return None
    urgent_until = facts["urgent_until"]
    return Elder(
        elder_id=stop["elder_id"],
        **scope_ids_in({**facts, "community_id": stop["community_id"]}),
        location=GeoPoint(stop["lat"], stop["lng"]),
        categories=frozenset(map(Category, facts["categories"])),
        birth_date=date.fromisoformat(facts["birth_date"]),
        window=TimeWindow.parse(**stop["window"]),
        name=stop.get("name") or "",
        address=stop.get("address") or "",
        urgent_until=date.fromisoformat(urgent_until) if urgent_until else None,
    )
