"""One open home care bed per elder, kept by the beds' store on both backends: a second bed
of the elder not closed is refused (ConflictError naming the first, nothing written, also
when it came past the use case's check), a bed added again by its id is False, and once the
first bed is closed (stepped over its version) the elder may have another."""

from __future__ import annotations

from dataclasses import replace

import pytest

from careroute.adapters.dynamodb import home_care_beds
from careroute.adapters.memory_beds import MemoryBeds
from careroute.domain.beds import BedAction, step
from careroute.domain.errors import ConflictError
from careroute.service_layer.ports.beds import BedRepository
from tests.conftest import TODAY
from tests.contract.conftest import Backend
from tests.contract.test_programme_ports import a_bed


@pytest.fixture
def beds(backend: Backend) -> BedRepository:
    """The beds' store of the backend (the DynamoDB one is reset with it)."""
    return backend.either(MemoryBeds, lambda: home_care_beds)


def test_the_store_keeps_one_open_bed_per_elder(beds: BedRepository) -> None:
    first = a_bed(1)
    assert beds.open_bed_of("E1") is None
    assert beds.add_bed(first, "hash-1")
    assert beds.open_bed_of("E1") == "hcb-1"
    twin = replace(a_bed(2), elder_id="E1")
    with pytest.raises(ConflictError, match="hcb-1"):
        beds.add_bed(twin, "hash-2")
    assert [b.bed_id for b in beds.beds_of_district("D01")] == ["hcb-1"]
    assert not beds.add_bed(first, "hash-again")


def test_a_closed_bed_frees_its_elder_for_another(beds: BedRepository) -> None:
    first = a_bed(1)
    assert beds.add_bed(first, "hash-1")
    closed = step(first, BedAction.CLOSE, TODAY, frozenset())
    assert beds.save_bed(first, closed)
    assert beds.open_bed_of("E1") is None
    assert not beds.save_bed(first, closed)  # the version read is gone: nothing changes
    twin = replace(a_bed(2), elder_id="E1")
    assert beds.add_bed(twin, "hash-2")
    assert beds.open_bed_of("E1") == "hcb-2"
    assert beds.get_bed("hcb-1")[0] == closed
