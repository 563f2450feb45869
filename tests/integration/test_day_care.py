"""Day care and respite over HTTP on the local stack: the family books a day-care place and the
steward a respite stay at a centre of the elder's district, a retry replays, the centre's
places show them, a cancellation frees the place, bad input is refused with nothing written,
and the district official reads the month's place-days per centre."""

from __future__ import annotations

from datetime import timedelta

from careroute.adapters.dynamodb import day_care, service_facilities
from careroute.domain.vocabulary import ElderStatus, Registry
from careroute.planning.service_circle import FacilityKind
from careroute_local.pump import EventPump
from tests.conftest import TODAY, bearer
from tests.integration.api_calls import district_month, post_json

DAY = TODAY + timedelta(days=2)


def test_places_are_booked_shown_cancelled_and_counted(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    centre = next(f for f in service_facilities.all_facilities() if f.kind is FacilityKind.DAY_CARE)
    first, second = [
        e for e in small_city.elders
        if e.district_id == centre.district_id and e.status is ElderStatus.ACTIVE
    ][:2]  # fmt: skip
    family = bearer(loaded_stack, "family", first.elder_id)
    place = {"elder_id": first.elder_id, "community_id": first.community_id,
             "centre_id": centre.facility_id, "kind": "day_care",
             "first_day": DAY.isoformat(), "last_day": DAY.isoformat()}  # fmt: skip
    booked = post_json(loaded_stack, "/day-care/bookings", family, place, key="day-care-key-1")
    assert booked.status == 201, booked.body
    replay = post_json(loaded_stack, "/day-care/bookings", family, place, key="day-care-key-1")
    assert replay.headers.get("idempotent-replayed") == "true"

    steward = next(s for s in small_city.stewards if s.community_id == second.community_id)
    stay = {**place, "elder_id": second.elder_id, "community_id": second.community_id,
            "kind": "respite", "last_day": (DAY + timedelta(days=2)).isoformat()}  # fmt: skip
    by_steward = bearer(loaded_stack, "steward", steward.steward_id)
    assert (
        post_json(loaded_stack, "/day-care/bookings", by_steward, stay, key="day-care-key-2").status
        == 201
    )

    bad = {**place, "last_day": (DAY + timedelta(days=1)).isoformat()}
    refused = post_json(loaded_stack, "/day-care/bookings", family, bad, key="day-care-key-3")
    assert refused.status == 422 and "for one day" in refused.json()["error"]["message"]
    held = day_care.bookings_of(centre.facility_id, DAY, DAY + timedelta(days=2))
    assert sorted(b.elder_id for b in held) == sorted([first.elder_id, second.elder_id])

    path = (
        f"/day-care/centres/{centre.facility_id}/places?first={DAY}&last={DAY + timedelta(days=2)}"
    )
    days = loaded_stack.invoke_http("GET", path, headers=family).json()["days"]
    assert [d["day_care"]["booked"] for d in days] == [1, 0, 0]
    assert [d["respite"]["booked"] for d in days] == [1, 1, 1]

    booking_id = booked.json()["booking_id"]
    cancel = f"/day-care/centres/{centre.facility_id}/bookings/{booking_id}/cancel"
    assert post_json(loaded_stack, cancel, by_steward).status == 403
    assert post_json(loaded_stack, cancel, family).json()["status"] == "cancelled"
    days = loaded_stack.invoke_http("GET", path, headers=family).json()["days"]
    assert days[0]["day_care"] == {"places": 30, "booked": 0, "free": 30}

    month = district_month(loaded_stack, "/oversight/day-care", centre.district_id, f"{DAY:%Y-%m}")
    row = next(r for r in month["by_centre"] if r["centre_id"] == centre.facility_id)
    nights_in_month = sum(1 for n in range(3) if (DAY + timedelta(days=n)).month == DAY.month)
    assert (row["day_places_booked"], row["respite_nights_booked"]) == (0, nights_in_month)
