"""Visits stream -> coverage: keep counters and each elder's last completed visit current."""

from __future__ import annotations

from careroute.domain import VisitRecord
from careroute.storage import coverage, registry
from careroute.storage.coverage import Projection


def project(record: VisitRecord) -> Projection:
    """Apply one visit record; safe to call any number of times for the same record.

    The elder's last-visit date moves first (a max, so repeats are harmless): if the counter
    transaction then fails, the retried record redoes both.
    """
    if record.completed:
        registry.mark_visited(record.community_id, record.elder_id, record.local_date)
    return coverage.project_visit(record)
