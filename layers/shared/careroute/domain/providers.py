"""Home-service providers and their workers: who can be dispatched for an order or an
urgent visit, with their skills, shift and lunch break."""

from __future__ import annotations

from dataclasses import dataclass

from careroute.domain.vocabulary import GeoPoint, TimeWindow

SHIFT = TimeWindow.parse("08:00", "18:00")
LUNCH = TimeWindow.parse("12:00", "13:00")


@dataclass(frozen=True)
class Provider:
    provider_id: str
    district_id: str
    base: GeoPoint
    skills: frozenset[str]
    """Every skill some worker of the provider has (what it can be ordered for)."""


@dataclass(frozen=True)
class ServiceWorker:
    worker_id: str
    provider_id: str
    skills: frozenset[str]
    shift: TimeWindow = SHIFT
    lunch: TimeWindow | None = LUNCH


@dataclass(frozen=True)
class ServiceMarket:
    providers: tuple[Provider, ...]
    workers: tuple[ServiceWorker, ...]
    pilots: frozenset[str]
    """Community ids of the pilot communities."""
