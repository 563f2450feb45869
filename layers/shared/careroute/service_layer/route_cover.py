"""The cover a steward's stored route holds for other communities: the cover stops the
solver planned (or dropped), and the cover handed to the steward this morning whose re-plan
is not stored yet. A same-day re-plan plans it in; a steward who calls in sick hands it on.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from careroute.domain.policy import Policy
from careroute.domain.vocabulary import Steward, Tier
from careroute.messages.visits import CoverItem
from careroute.planning.absence_cover import CoverVisit
from careroute.service_layer.ports import RouteRepository

REPLAN_ATTEMPTS = 5
"""Tries of a same-day change to store a route over the one it read (a re-plan, or cover
handed over), reading it again after each conflict."""


PENDING_COVER = "cover_pending"
"""A stored route's field: cover handed to its steward this morning whose re-plan is not
stored yet, `{elder_id, community_id, deadline, minutes}` each (see `hold_cover`)."""

HANDED_OUT = "handed_out"
"""A stored route's field: its community's elders the night's plan gave to neighbours for the
day (overflow on its last chance), which the route, its re-plans and a sick call leave out."""


def cover_on_route(document: dict[str, Any] | None) -> list[CoverItem]:
    """The cover a stored route holds: its cover stops (planned or dropped) and the cover
    handed to it this morning and not planned into it yet."""
    return [] if document is None else cover_items(route_cover(document, 0.0, None))


def cover_items(visits: list[CoverVisit]) -> list[CoverItem]:
    """The visits as a plan job names them (community and elder)."""
    return [CoverItem(community_id=v.community_id, elder_id=v.elder_id) for v in visits]


def route_cover(document: dict[str, Any], walk: float, policy: Policy | None) -> list[CoverVisit]:
    """The cover a stored route holds, each with the deadline (and, given the policy, the
    minutes with `walk`) its route or its hand-over gave it."""
    held: dict[str, CoverVisit] = {}
    for stop in [*document["stops"], *document["unassigned"]]:
        if stop.get("cover") and not stop.get("incident_id"):  # urgent stops are kept apart
            tier = Tier(stop["tier"])
            minutes = policy.tiers[tier].service_minutes + walk if policy else 0.0
            deadline = date.fromisoformat(stop["deadline"])
            held[stop["elder_id"]] = CoverVisit(
                stop["elder_id"], stop["community_id"], deadline, True, minutes
            )
    for pending in document.get(PENDING_COVER, []):
        deadline = date.fromisoformat(pending["deadline"])
        visit = CoverVisit(
            pending["elder_id"], pending["community_id"], deadline, True, pending["minutes"]
        )
        held.setdefault(visit.elder_id, visit)
    return list(held.values())


def hold_cover(
    routes: RouteRepository,
    stewards: dict[str, Steward],
    day: date,
    assigned: dict[str, list[CoverVisit]],
) -> None:
    """Write each helper's new cover onto its stored route at once (stored only over the
    route read, as a re-plan stores): a helper who calls in sick before its re-plan is
    solved then hands that cover on too, and a re-plan that read the route before plans it
    in when it reads again. The cover also travels in the helper's plan job."""
    for community_id, visits in sorted(assigned.items()):
        steward_id = stewards[community_id].steward_id
        entries = [
            {
                "elder_id": v.elder_id,
                "community_id": v.community_id,
                "deadline": v.deadline.isoformat(),
                "minutes": v.minutes,
            }
            for v in visits
        ]
        for _ in range(REPLAN_ATTEMPTS):
            stored = routes.find_route(steward_id, day)
            if stored is None:
                break
            held = {**stored, PENDING_COVER: [*stored.get(PENDING_COVER, []), *entries]}
            if routes.replace_route(held, stored):
                break
