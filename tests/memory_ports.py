"""Use cases' ports on the memory adapters, built the way the unit tests need them."""

from __future__ import annotations

from careroute.adapters import memory, memory_visits
from careroute.domain.vocabulary import Registry
from careroute.service_layer.projection import VisitProjection


def memory_projection(city: Registry) -> VisitProjection:
    """The projector's ports on fresh memory adapters, with `city`'s elders in the registry
    and no visit, coverage or ticket yet."""
    elders = memory.MemoryElders()
    elders.save_elders(city.elders)
    coverage = memory_visits.MemoryCoverage()
    tickets = memory_visits.MemoryTickets(coverage)
    return VisitProjection(elders, tickets, coverage, memory_visits.MemoryVisits())
