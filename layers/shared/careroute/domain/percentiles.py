"""The one percentile every report, summary, simulation and benchmark uses.

Nearest rank: the p-th percentile of n values is the smallest value with at least p·n values
at or below it, i.e. the ceil(p·n)-th smallest (at least the first). It is always one of the
values (no interpolation), so "p99 = 812 ms" names a real solve, and two reports of the same
values agree.
"""

from __future__ import annotations

import math
from collections.abc import Iterable


def percentile(values: Iterable[float], share: float) -> float | None:
    """The nearest-rank percentile of `values` at `share` (0 < share <= 1; 0.99 for p99);
    None when there are no values."""
    if not 0 < share <= 1:
        raise ValueError(f"a percentile's share is in (0, 1], got {share}")
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, math.ceil(share * len(ordered)))
    return float(ordered[rank - 1])
