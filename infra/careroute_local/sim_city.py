"""What every programme simulation sets up alike from the city it runs on: its communities
and stewards in memory, each community's steward, and the caller that reads the city's
figures."""

from __future__ import annotations

from careroute.adapters.memory import MemoryCommunities, MemoryStewards
from careroute.domain.access import Caller, Role
from careroute.domain.vocabulary import Registry

CITY_ADMIN = Caller("sim-city-admin", Role.CITY_ADMIN, "")
"""Who a simulation reads the city's routes and figures as."""


def memory_communities(city: Registry) -> MemoryCommunities:
    """The city's communities, stored in memory."""
    communities = MemoryCommunities()
    communities.save_communities(city.communities)
    return communities


def memory_stewards(city: Registry) -> MemoryStewards:
    """The city's stewards, stored in memory."""
    stewards = MemoryStewards()
    stewards.save_stewards(city.stewards)
    return stewards


def steward_of_community(city: Registry) -> dict[str, str]:
    """Each community's steward id, by community id."""
    return {s.community_id: s.steward_id for s in city.stewards}
