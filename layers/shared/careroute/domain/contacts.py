"""Phone and video contacts (电话/视频探访): whether a call covers the elder's month.

A steward who reaches an elder by phone or video records it like any outcome; coverage
tallies it. Whether it also satisfies the monthly rule (one completed visit each calendar
month) is the city's choice, the policy's optional `[contacts]` table. It never replaces a
visit for a tier's cadence: a weekly elder still needs the door knocked on.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ContactPolicy:
    count_toward_monthly: bool = False
    """A phone or video contact covers the elder's month (default: no, the elder still
    needs a visit)."""
