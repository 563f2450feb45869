"""The 15-minute service circle's daily counts per scope, in the coverage table (one item
`circle#SCOPE` per city, district, street and community, overwritten by each count), so a
coverage report reads one item instead of every elder of its scope."""

from __future__ import annotations

from datetime import date

from careroute.adapters.dynamodb.coverage import CoverageModel
from careroute.adapters.dynamodb.errors import storage_errors
from careroute.adapters.dynamodb.tables import write_all
from careroute.domain.coverage import Scope

SK = "circle"


def _pk(scope: Scope) -> str:
    return f"circle#{scope}"


def save_counts(counts: dict[Scope, tuple[int, int]], day: date) -> int:
    """Store (elders counted, within the circle) per scope as of `day`; the items written."""
    items = (
        CoverageModel(
            _pk(scope), SK, elders=elders, circle_within=within, circle_as_of=day.isoformat()
        )
        for scope, (elders, within) in counts.items()
    )
    return write_all(CoverageModel, items, "save service-circle counts")


def read_counts(scope: Scope) -> tuple[int, int, date] | None:
    """(elders, within, as of) of the scope's latest count; None before the first count."""
    with storage_errors("read service-circle counts"):
        try:
            item = CoverageModel.get(_pk(scope), SK)
        except CoverageModel.DoesNotExist:
            return None
    if item.circle_within is None or item.circle_as_of is None:
        return None
    return int(item.elders or 0), int(item.circle_within), date.fromisoformat(item.circle_as_of)
