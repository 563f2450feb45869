"""A route stop's reference (`stop_ref`): what a visit record takes from the stop, as one
opaque string the steward's phone sends back with the stop's outcome.

The routes table keeps each route's references beside its stops (a string set, written with
the route), so the API records an outcome from its reference in one transaction that checks
the reference is on the steward's route of that day as stored now: no read of the route,
and nothing the phone says is trusted (a forged, stale or foreign reference fails the check
and the outcome is recorded as without one). A reference carries the ids (the route's
community, the elder's community and id, whether it is a cover stop) and the facts a visit
record takes from its elder (`elder_facts`: street, district, birth date, categories, urgent
date), which the visit's write checks against the stored elder as on every path. No names,
addresses, numbers or places."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from careroute.domain.vocabulary import Elder
from careroute.planning.stop_elder import ELDER_FACTS, elder_on_stop

PREFIX = "r1."
"""The references' format, so that a later one can be told apart."""
MAX_LENGTH = 512
"""No stop's reference is longer (ids and a few dates and categories)."""
NOWHERE = {"lat": 0.0, "lng": 0.0, "window": {"start": "00:00", "end": "24:00"}}
"""A reference carries no place or window (a visit record takes neither): its elder stands
here."""


@dataclass(frozen=True)
class RefStop:
    """A stop as its reference gives it."""

    home: str
    """The route's community: the one its steward serves that day."""
    cover: bool
    elder: Elder


def stop_ref(stop: Mapping[str, Any], home: str) -> str | None:
    """The reference of a stop of a route serving `home`; None for a stop without the elder's
    facts (an urgent visit put into the day, an older route): its outcome reads the route."""
    facts = stop.get(ELDER_FACTS)
    if not facts:
        return None
    fields = [
        home,
        stop["community_id"],
        stop["elder_id"],
        bool(stop.get("cover")),
        facts["street_id"],
        facts["district_id"],
        facts["birth_date"],
        facts["categories"],
        facts["urgent_until"],
    ]
    text = json.dumps(fields, separators=(",", ":"), ensure_ascii=False)
    return PREFIX + base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def route_stop_refs(document: Mapping[str, Any]) -> frozenset[str]:
    """The references of a route document's stops (those that have one)."""
    refs = (stop_ref(stop, document["community_id"]) for stop in document["stops"])
    return frozenset(ref for ref in refs if ref is not None)


def ref_stop(ref: str) -> RefStop | None:
    """The stop a reference gives; None when it is not one (malformed: a forged reference
    that parses is refused by the route's check instead)."""
    if not ref.startswith(PREFIX) or len(ref) > MAX_LENGTH:
        return None
    body = ref[len(PREFIX) :]
    try:
        text = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()
        home, community_id, elder_id, cover, street, district, born, categories, urgent = (
            json.loads(text)
        )
        facts = {
            "street_id": street,
            "district_id": district,
            "birth_date": born,
            "categories": categories,
            "urgent_until": urgent,
        }
        stop = {**NOWHERE, "community_id": community_id, "elder_id": elder_id}
        elder = elder_on_stop({**stop, ELDER_FACTS: facts})
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError, KeyError):
        return None
    texts = (home, community_id, elder_id, street, district)
    if elder is None or not all(isinstance(t, str) for t in texts) or not isinstance(cover, bool):
        return None
    return RefStop(home=home, cover=cover, elder=elder)
