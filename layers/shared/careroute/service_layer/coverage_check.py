"""Check (and if asked, rebuild) a month's coverage counters against the raw visit records.

The projector keeps counters incrementally; `careroute.domain.coverage.recompute` derives them from
the visits table alone. Any difference is drift: a bug or a lost or doubled projection.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from careroute.domain.coverage import Counters, Scope, recompute
from careroute.domain.vocabulary import VisitRecord
from careroute.service_layer.ports import CoverageRepository, VisitRepository

Row = dict[str, Any]


@dataclass(frozen=True)
class CoverageCheck:
    """The ports of the drift check: the raw visit records and the counters kept from them."""

    visits: VisitRepository
    coverage: CoverageRepository
    contacts_count: bool = False
    """Phone and video contacts cover the month (the policy's `[contacts]`), as the
    projector counted them."""


@dataclass(frozen=True)
class Drift:
    scope: Scope
    tier: str
    stored: Row | None
    expected: Row | None

    def __str__(self) -> str:
        def short(row: Row | None) -> str:
            if row is None:
                return "absent"
            return f"{row['elders_visited']} elders, {row['visits_made']} visits"

        found, expected = short(self.stored), short(self.expected)
        return f"{self.scope} {self.tier}: stored {found}, visit records say {expected}"


def _as_row(counters: Counters) -> Row:
    return {
        "elders_visited": counters.elders_visited,
        "visits_made": counters.visits_made,
        "outcomes": dict(counters.outcomes),
    }


def _same(stored: Row | None, expected: Row | None) -> bool:
    def key(row: Row | None) -> tuple[int, int, tuple[tuple[str, int], ...]]:
        if row is None:
            return (0, 0, ())
        outcomes = tuple(sorted((k, v) for k, v in row["outcomes"].items() if v))
        return (row["elders_visited"], row["visits_made"], outcomes)

    return key(stored) == key(expected)


def counted_from(
    records: Iterable[VisitRecord], month: str, contacts_count: bool = False
) -> dict[tuple[Scope, str], Row]:
    """The month's counters recounted from visit records."""
    counted = recompute((v for v in records if v.month == month), contacts_count)
    return {(scope, tier): _as_row(c) for (m, scope, tier), c in counted.items() if m == month}


def check_month(month: str, ports: CoverageCheck) -> list[Drift]:
    """Every (scope, tier) whose stored counters differ from the visit records; [] = exact."""
    stored = ports.coverage.stored_counters(month)
    return drift_of(month, stored, ports.visits.all_visits(), ports.contacts_count)


def drift_of(
    month: str,
    stored: dict[tuple[Scope, str], Row],
    records: Iterable[VisitRecord],
    contacts_count: bool = False,
) -> list[Drift]:
    """Every (scope, tier) whose `stored` counters differ from the records' recount (any
    backend's: the memory simulation checks its own this way)."""
    expected = counted_from(records, month, contacts_count)
    return [
        Drift(scope, tier, stored.get((scope, tier)), expected.get((scope, tier)))
        for scope, tier in sorted(set(stored) | set(expected), key=lambda k: (str(k[0]), k[1]))
        if not _same(stored.get((scope, tier)), expected.get((scope, tier)))
    ]


def rebuild_month(month: str, ports: CoverageCheck) -> int:
    """Overwrite the month's counters with the values recomputed from the visit records."""
    counted = counted_from(ports.visits.all_visits(), month, ports.contacts_count)
    return ports.coverage.overwrite_counters(month, counted)
