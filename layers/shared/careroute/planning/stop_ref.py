"""A route stop's reference (`stop_ref`): what a visit record takes from its stop's elder
beyond the ids it already has, as one string the steward's phone sends back with the
stop's outcome: `COMMUNITY.STREET.DISTRICT.TIER`.

Ids and the tier only, each of which the route read shows or names already: no birth date,
no categories, no name. The API trusts none of it: an outcome recorded from a reference is
written in one transaction that checks the steward serves the community, and that the
stored elder is in that street and district and has that tier on the visit's day (the
tier's rules, evaluated on the stored elder by the write). A reference that fails (forged,
the elder changed, the steward moved) stores nothing, and the outcome is recorded as without
one. It saves the read of the route a container that has not seen it would make first."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from careroute.domain.vocabulary import Tier
from careroute.planning.stop_elder import ELDER_FACTS

STOP_REF_PATTERN = r"^[A-Za-z0-9_-]{1,64}(\.[A-Za-z0-9_-]{1,64}){2}\.T[1-3]$"
"""Three ids (letters, digits, '_', '-', as every id) and a tier, joined by dots."""


@dataclass(frozen=True)
class StopClaim:
    """What a reference says of its stop's elder: where the elder is, and the tier."""

    community_id: str
    street_id: str
    district_id: str
    tier: Tier


def stop_ref(stop: Mapping[str, Any]) -> str | None:
    """The reference of a route stop; None for a cover stop (an absent neighbour's elder:
    recorded from the route, which says so) and for a stop written without its elder's
    facts (an urgent visit put into the day, an older route)."""
    facts = stop.get(ELDER_FACTS)
    if not facts or stop.get("cover"):
        return None
    return ".".join(
        (stop["community_id"], facts["street_id"], facts["district_id"], str(stop["tier"]))
    )


def stop_claim(ref: str) -> StopClaim | None:
    """What `ref` says; None when it is not a reference."""
    if not re.fullmatch(STOP_REF_PATTERN, ref):
        return None
    community_id, street_id, district_id, tier = ref.split(".")
    return StopClaim(community_id, street_id, district_id, Tier(tier))
