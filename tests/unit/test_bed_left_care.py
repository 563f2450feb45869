"""A home care bed ends with its elder's care, and an elder holds one open bed at most: the
registry's change of an elder who died or moved closes their bed that day (planned no more;
a new one may be recorded later), an elder still in care keeps it, and the beds' store itself
refuses a second open bed for the elder (not only the use case's check)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from careroute.domain.beds import BedStatus
from careroute.domain.errors import ConflictError
from careroute.domain.vocabulary import ElderStatus
from careroute.planning.bed_horizon import plan_bed_horizon
from careroute.planning.horizon import DayCapacity
from careroute.service_layer.beds import BedKeeping, record_bed
from careroute.service_layer.beds_left_care import close_bed_of_departed
from tests.unit.test_bed_use_cases import (
    ACCEPTED,
    OFFICIAL,
    POLICY,
    accepted_bed,
    at,
    bed_keeping,
    request,
)

LEFT = ACCEPTED + timedelta(days=20)


@pytest.fixture
def ports() -> BedKeeping:
    return bed_keeping()


@pytest.mark.parametrize("status", [ElderStatus.DECEASED, ElderStatus.MOVED])
def test_an_elder_who_died_or_moved_has_their_bed_closed_that_day(
    ports: BedKeeping, status: ElderStatus
) -> None:
    bed = accepted_bed(ports)
    closed = close_bed_of_departed("E1", status, at(LEFT, 15), ports.beds)
    assert closed is not None
    assert (closed.bed_id, closed.status, closed.closed_on) == (bed.bed_id, BedStatus.CLOSED, LEFT)
    assert ports.beds.get_bed(bed.bed_id)[0] == closed
    assert ports.beds.open_bed_of("E1") is None
    assert not closed.in_service_on(LEFT) and bed.in_service_on(LEFT)
    next_day = LEFT + timedelta(days=1)
    room = DayCapacity(visits=10, minutes=600, travel_minutes_per_visit=10)
    beds = ports.beds.beds_of_district("D1")
    assert plan_bed_horizon(beds, [], next_day, POLICY, room).visits == ()
    again = close_bed_of_departed("E1", status, at(LEFT, 16), ports.beds)
    assert again is None and ports.beds.get_bed(bed.bed_id)[0] == closed


@pytest.mark.parametrize("status", [ElderStatus.HOSPITALISED, ElderStatus.ACTIVE])
def test_an_elder_still_in_care_keeps_their_bed(ports: BedKeeping, status: ElderStatus) -> None:
    bed = accepted_bed(ports)
    assert close_bed_of_departed("E1", status, at(LEFT), ports.beds) is None
    assert ports.beds.get_bed(bed.bed_id)[0] == bed
    assert ports.beds.open_bed_of("E1") == bed.bed_id


def test_the_store_refuses_a_second_open_bed_for_the_elder_and_writes_nothing(
    ports: BedKeeping,
) -> None:
    bed, _ = record_bed(OFFICIAL, request(), "k1", at(ACCEPTED), POLICY, ports)
    twin = replace(bed, bed_id="hcb-twin")  # a second request that raced past the check
    with pytest.raises(ConflictError, match=bed.bed_id):
        ports.beds.add_bed(twin, "other-request")
    assert [b.bed_id for b in ports.beds.beds_of_district("D1")] == [bed.bed_id]
    assert ports.beds.open_bed_of("E1") == bed.bed_id


def test_after_the_bed_closed_the_elder_may_have_a_new_one(ports: BedKeeping) -> None:
    bed = accepted_bed(ports)
    close_bed_of_departed("E1", ElderStatus.MOVED, at(LEFT), ports.beds)
    new, created = record_bed(OFFICIAL, request(), "k2", at(LEFT, 10), POLICY, ports)
    assert created and new.bed_id != bed.bed_id
    assert ports.beds.open_bed_of("E1") == new.bed_id
