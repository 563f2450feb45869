"""A home care bed ends with its elder's care, over the API on the local stack: an official
records and accepts a bed; a second bed for the same elder is refused (409, nothing
stored); the registry's PATCH marking the elder deceased closes the bed that day (through
the API function, on the beds table), and the elder's bed is no longer open."""

from __future__ import annotations

import pytest

from careroute.adapters.dynamodb import home_care_beds
from careroute.domain.vocabulary import Registry
from careroute_local.pump import EventPump
from tests.conftest import TODAY, bearer
from tests.integration.api_calls import post_json, send_json
from tests.integration.market_city import with_market
from tests.integration.test_beds import bed_body, build_and_accept, elders


@pytest.fixture(scope="module")
def stack(session_pump: EventPump, small_city: Registry) -> EventPump:
    return with_market(session_pump, small_city)


def test_a_deceased_elders_bed_is_closed_by_the_registry_change(
    stack: EventPump, small_city: Registry
) -> None:
    elder = elders(small_city, disabled=True)[1]
    official = bearer(stack, "district_official", elder.district_id)
    body = bed_body(elder, "subsistence_allowance")
    bed_id = post_json(stack, "/beds", official, body, key="left-care-0001").json()["bed_id"]
    build_and_accept(stack, official, bed_id, ["nursing_bed"])
    second = post_json(stack, "/beds", official, body, key="left-care-0002")
    assert second.status == 409 and bed_id in second.json()["error"]["message"], second.body
    assert [b.bed_id for b in home_care_beds.beds_of_district(elder.district_id)
            if b.elder_id == elder.elder_id] == [bed_id]  # fmt: skip

    admin = bearer(stack, "city_admin")
    path = f"/elders/{elder.community_id}/{elder.elder_id}"
    patched = send_json(stack, "PATCH", path, admin, {"status": "deceased"})
    assert patched.status == 200, patched.body
    bed, _ = home_care_beds.get_bed(bed_id)
    assert (bed.status.value, bed.closed_on) == ("closed", TODAY)
    assert home_care_beds.open_bed_of(elder.elder_id) is None
