"""What every programme simulation sets up alike from the city it runs on: the month it
runs, its communities and stewards in memory, each community's steward, and the caller
that reads the city's figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from careroute.adapters.memory import MemoryCommunities, MemoryStewards
from careroute.domain.access import Caller, Role
from careroute.domain.policy import Policy
from careroute.domain.vocabulary import Registry


@dataclass(frozen=True)
class SimMonth:
    """The month every programme simulation runs, from the same city and policy."""

    city: Registry
    policy: Policy
    seed: int
    """The run's seed: the draws of each day (not-home, results, requests)."""
    city_seed: int
    """The synthetic city's seed: the data the local stack loads (beds, assessors, targets)."""
    first: date
    """The month's first day; what existed before it is generated as of the day before."""


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
