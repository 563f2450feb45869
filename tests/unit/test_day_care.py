"""Day care and respite on the memory adapters: the family or the steward books a day-care
place or a respite stay at a centre of the elder's district, never over its places (a full
day refuses the whole stay and names the day), once per key; bad input is refused naming
the field with nothing written; the booker cancels before the first day and the places are
free again; officials read each centre's month recomputed from the bookings."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from careroute.adapters import memory, memory_circle
from careroute.adapters.memory_day_care import MemoryDayCare
from careroute.domain.access import Caller, Role
from careroute.domain.day_care import BookingStatus, CareKind, DayCarePolicy
from careroute.domain.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from careroute.domain.vocabulary import CHINA_TZ
from careroute.planning.service_circle import Facility, FacilityKind
from careroute.service_layer.day_care import (
    DayCareKeeping,
    PlaceRequest,
    book_place,
    cancel_place,
    centre_places,
    day_care_figures,
)
from tests.builders import BASE, CITY_ADMIN, a_community, a_steward, an_elder

RULES = DayCarePolicy(day_places=2, respite_places=1)
NOW = datetime(2026, 11, 9, 10, 0, tzinfo=CHINA_TZ)
DAY = date(2026, 11, 12)
FAMILY = Caller("family-sub", Role.FAMILY, "E1")
STEWARD = Caller("steward-sub", Role.STEWARD, "W1")


@pytest.fixture
def ports() -> DayCareKeeping:
    """Elders E1, E2, E3 of community C1 (district D1, steward W1); centre F1 in D1, F2 in D2."""
    communities = memory.MemoryCommunities()
    communities.save_communities([a_community(location=BASE)])
    facilities = memory_circle.MemoryFacilities()
    facilities.replace_facilities([
        Facility("F1", FacilityKind.DAY_CARE, "D1", BASE),
        Facility("F2", FacilityKind.DAY_CARE, "D2", BASE),
        Facility("F3", FacilityKind.CANTEEN, "D1", BASE),
    ])  # fmt: skip
    elders = memory.MemoryElders()
    elders.save_elders([replace(an_elder(), elder_id=e) for e in ("E1", "E2", "E3")])
    stewards = memory.MemoryStewards()
    stewards.save_stewards([a_steward()])
    return DayCareKeeping(MemoryDayCare(), facilities, elders, stewards,
                          memory.MemoryScopes(communities))  # fmt: skip


def day_place(elder: str = "E1", day: date = DAY, centre: str = "F1") -> PlaceRequest:
    return PlaceRequest(elder, "C1", centre, CareKind.DAY_CARE, day, day)


def test_places_are_booked_once_per_key_and_never_beyond_the_days_places(
    ports: DayCareKeeping,
) -> None:
    first, created = book_place(FAMILY, day_place(), "k1", NOW, RULES, ports)
    again, created_again = book_place(FAMILY, day_place(), "k1", NOW, RULES, ports)
    assert (created, created_again, again) == (True, False, first)
    book_place(STEWARD, day_place("E2"), "k2", NOW, RULES, ports)
    with pytest.raises(ConflictError, match=f"no day_care place left on {DAY}"):
        book_place(STEWARD, day_place("E3"), "k3", NOW, RULES, ports)
    places = centre_places("F1", DAY, DAY, RULES, ports)["days"][0]["day_care"]
    assert places == {"places": 2, "booked": 2, "free": 0}
    assert [d["date"] for d in centre_places("F1", date.max, date.max, RULES, ports)["days"]] == [
        "9999-12-31"
    ]


def test_a_respite_stay_over_a_full_night_books_none_of_its_nights(ports: DayCareKeeping) -> None:
    stay = PlaceRequest("E1", "C1", "F1", CareKind.RESPITE, DAY, DAY + timedelta(days=4))
    blocker = replace(stay, elder_id="E2", first_day=DAY + 2 * timedelta(days=1),
                      last_day=DAY + timedelta(days=2))  # fmt: skip
    book_place(CITY_ADMIN, blocker, "k-block", NOW, RULES, ports)
    with pytest.raises(ConflictError, match=f"on {DAY + timedelta(days=2)}"):
        book_place(FAMILY, stay, "k-stay", NOW, RULES, ports)
    nights = centre_places("F1", DAY, DAY + timedelta(days=4), RULES, ports)["days"]
    assert [n["respite"]["booked"] for n in nights] == [0, 0, 1, 0, 0]


@pytest.mark.parametrize(
    ("request_", "error", "message"),
    [
        (day_place(day=date(2026, 11, 8)), ValidationError, "first_day: 2026-11-08 is in the past"),
        (day_place(day=date(2026, 12, 31)), ValidationError, "at most 30 days ahead"),
        (replace(day_place(), last_day=DAY + timedelta(days=1)), ValidationError,
         "a day-care booking is for one day"),
        (PlaceRequest("E1", "C1", "F1", CareKind.RESPITE, DAY, DAY + timedelta(days=40)),
         ValidationError, "a respite stay lasts at most 30 days"),
        (day_place(centre="F2"), ValidationError, "F2 is not in the elder's district"),
        (day_place(centre="F3"), NotFoundError, "no day-care centre F3"),
        (day_place("E2"), ForbiddenError, "may not book for this elder"),
    ],
)  # fmt: skip
def test_a_bad_booking_is_refused_naming_the_field_and_nothing_is_written(
    ports: DayCareKeeping, request_: PlaceRequest, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        book_place(FAMILY, request_, "k1", NOW, RULES, ports)
    assert ports.bookings.bookings_of("F1", date(2026, 11, 1), date(2026, 12, 31)) == []


def test_the_booker_cancels_before_the_first_day_and_the_place_is_free_again(
    ports: DayCareKeeping,
) -> None:
    booking, _ = book_place(FAMILY, day_place(), "k1", NOW, RULES, ports)
    with pytest.raises(ForbiddenError):
        cancel_place(STEWARD, "F1", booking.booking_id, NOW, ports)
    late = datetime.combine(DAY, datetime.min.time(), CHINA_TZ)
    with pytest.raises(ConflictError, match="only before its first day"):
        cancel_place(FAMILY, "F1", booking.booking_id, late, ports)
    cancelled = cancel_place(FAMILY, "F1", booking.booking_id, NOW, ports)
    assert cancelled.status is BookingStatus.CANCELLED
    assert centre_places("F1", DAY, DAY, RULES, ports)["days"][0]["day_care"]["booked"] == 0


def test_officials_read_each_centres_month_from_the_bookings(ports: DayCareKeeping) -> None:
    book_place(FAMILY, day_place(), "k1", NOW, RULES, ports)
    book_place(STEWARD, day_place("E2", DAY + timedelta(days=1)), "k2", NOW, RULES, ports)
    stay = PlaceRequest("E3", "C1", "F1", CareKind.RESPITE, date(2026, 11, 29), date(2026, 12, 2))
    book_place(STEWARD, stay, "k3", NOW, RULES, ports)
    official = Caller("district-sub", Role.DISTRICT_OFFICIAL, "D1")
    month = day_care_figures(official, "district:D1", "2026-11", RULES, ports)
    assert (month["centres"], month["day_places_offered"], month["day_places_booked"]) == (
        1, 60, 2,
    )  # fmt: skip
    assert (month["respite_nights_offered"], month["respite_nights_booked"]) == (30, 2)
    assert (month["bookings"], month["day_occupancy"]) == (3, round(2 / 60, 4))
    december = day_care_figures(official, "district:D1", "2026-12", RULES, ports)
    assert december["respite_nights_booked"] == 2
    with pytest.raises(ForbiddenError):
        day_care_figures(official, "district:D2", "2026-11", RULES, ports)
