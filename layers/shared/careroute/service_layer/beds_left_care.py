"""A home care bed ends with its elder's care: the registry's status change of an elder who
died or moved away (PATCH /elders) closes the elder's bed not yet closed, that day, so no
service visit is planned for it any more. Apart from beds.py so the registry's API function
imports no planner."""

from __future__ import annotations

from datetime import datetime

from careroute.domain.beds import BedAction, HomeCareBed, step
from careroute.domain.errors import ConflictError
from careroute.domain.vocabulary import ElderStatus, china_date
from careroute.service_layer.ports.beds import BedRepository

LEFT_CARE = (ElderStatus.DECEASED, ElderStatus.MOVED)
"""The registry statuses that end an elder's bed."""


def close_bed_of_departed(
    elder_id: str, status: ElderStatus, now: datetime, beds: BedRepository
) -> HomeCareBed | None:
    """The registry's status change of an elder who died or moved away closes their bed not
    yet closed, that day (no service visit is due any more); the bed closed, or None when
    the elder is still in care or holds no open bed. Run again, it finds nothing to do."""
    if status not in LEFT_CARE:
        return None
    for _ in range(3):  # a step taken meanwhile: read the bed again
        bid = beds.open_bed_of(elder_id)
        if bid is None:
            return None
        bed, _ = beds.get_bed(bid)
        after = step(bed, BedAction.CLOSE, china_date(now), frozenset())
        if beds.save_bed(bed, after):
            return after
    raise ConflictError(f"the bed of elder {elder_id} keeps changing; close it again")
