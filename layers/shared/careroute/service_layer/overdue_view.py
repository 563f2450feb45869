"""Keeping the overdue view: each community's late and soon-due elders (officials.py's
DueEntry), so an overdue list at city scope reads ~1,150 small items instead of ~139,000
elders.

- The nightly count (`count_overdue`, with the service circle's daily count, which reads
  every elder anyway) replaces each community's view with its elders due before the
  horizon: tiers that changed with a birthday or the policy are right from that day.
- The projector (`keep_elder`) rewrites the visited elder's entry after each visit record,
  so a visit clears the elder from the list at once (an urgent finding shortening the
  deadline shows at once too). Repeating it for the same record writes the same entry.

An elder added or changed through the registry shows in the view after the next count;
until then the community's entries are those of the count.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from careroute.domain.errors import NotFoundError
from careroute.domain.policy import Policy
from careroute.domain.vocabulary import Elder
from careroute.service_layer.officials import due_entry, watch_of
from careroute.service_layer.ports import ElderRepository
from careroute.service_layer.ports.overdue import OverdueView


def count_overdue(
    elders: Iterable[Elder], communities: Iterable[str], on: date, policy: Policy, view: OverdueView
) -> int:
    """Replace every community's view with the one of `on` (a community without elders gets
    an empty one); the communities written."""
    by_community: dict[str, list[Elder]] = {community_id: [] for community_id in communities}
    for elder in elders:
        by_community.setdefault(elder.community_id, []).append(elder)
    return view.save_watches(
        watch_of(community_id, found, on, policy) for community_id, found in by_community.items()
    )


def keep_elder(
    community_id: str,
    elder_id: str,
    on: date,
    policy: Policy,
    elders: ElderRepository,
    view: OverdueView,
) -> bool:
    """Rewrite the elder's entry in the community's view from the elder as stored now (its
    tier as of `on`); an elder no longer active (or gone) leaves the view. False when the
    community has no view yet."""
    try:
        elder = elders.get_elder(community_id, elder_id, consistent=True)
    except NotFoundError:
        return view.put_entry(community_id, elder_id, None)
    return view.put_entry(community_id, elder_id, due_entry(elder, on, policy))
