"""The 15-minute service circle: who lives within 15 minutes' walk of a facility, per
community, district and city, and the synthetic facilities."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date

import pytest
from careroute_synthetic.city import generate_city
from careroute_synthetic.facilities import generate_facilities
from careroute_synthetic.meals import generate_canteens

from careroute.domain.vocabulary import Category, Elder, ElderStatus, GeoPoint, TimeWindow
from careroute.planning.service_circle import Facility, FacilityKind, service_circle
from careroute.planning.travel import HaversineTravel, haversine_m

WALK = HaversineTravel(speed_kmh=4.5, circuity=1.3)  # 15 min: 1,125 m of street, 865 m straight
HOME = GeoPoint(41.80, 123.40)
STATION = Facility("F0001", FacilityKind.SERVICE_STATION, "D01", HOME)


def east(metres: float) -> GeoPoint:
    return GeoPoint(HOME.lat, HOME.lng + metres / (111_320 * math.cos(math.radians(HOME.lat))))


def elder(elder_id: str, where: GeoPoint, community: str = "C0001", district: str = "D01",
          status: ElderStatus = ElderStatus.ACTIVE) -> Elder:  # fmt: skip
    return Elder(elder_id, community, "S001", district, where, frozenset({Category.POOR}),
                 date(1945, 5, 1), TimeWindow.parse("08:30", "17:00"), "", "", status)  # fmt: skip


def test_elders_within_fifteen_minutes_walk_are_inside_and_the_others_listed() -> None:
    near, edge, far = east(820), east(880), east(2_000)
    assert 800 < haversine_m(HOME, near) < 865 < haversine_m(HOME, edge)
    elders = [elder("E1", near), elder("E2", edge), elder("E3", far, community="C0002")]
    report = service_circle(elders, [STATION], WALK)
    assert (report.city.elders, report.city.within, report.city.outside) == (3, 1, ["E2", "E3"])
    assert report.communities["C0001"].share == 0.5
    assert report.communities["C0002"].outside == ["E3"]
    assert report.districts["D01"].within == 1


def test_a_longer_limit_brings_more_elders_inside() -> None:
    elders = [elder("E1", east(1_500))]
    assert service_circle(elders, [STATION], WALK).city.within == 0
    assert service_circle(elders, [STATION], WALK, limit_seconds=30 * 60).city.within == 1


def test_moved_and_deceased_elders_are_not_counted() -> None:
    gone = [elder("E1", east(5_000), status=ElderStatus.MOVED),
            elder("E2", east(5_000), status=ElderStatus.DECEASED)]  # fmt: skip
    report = service_circle(gone, [STATION], WALK)
    assert report.city.elders == 0 and report.city.share == 1.0


def test_a_scope_without_facilities_has_everyone_outside() -> None:
    report = service_circle([elder("E1", HOME)], [], WALK)
    assert report.city.outside == ["E1"] and report.city.share == 0.0


def test_the_grid_finds_exactly_what_checking_every_facility_finds() -> None:
    city = generate_city(5, as_of=date(2026, 11, 30), districts=["Hunnan"], scale=0.3)
    every = generate_facilities(city.communities, 5, generate_canteens(city.communities, 5))
    facilities = every[::4]  # sparse, so that some elders are outside
    report = service_circle(city.elders, facilities, WALK)
    outside = set(report.city.outside)
    for e in city.elders:
        inside = any(WALK.seconds(e.location, f.location) <= 900 for f in facilities)
        assert inside == (e.elder_id not in outside), e.elder_id
    assert 0 < len(outside) < len(city.elders)


def test_synthetic_facilities_are_deterministic_with_a_day_care_centre_per_street() -> None:
    city = generate_city(5, as_of=date(2026, 11, 30), districts=["Heping", "Faku"], scale=0.2)
    canteens = generate_canteens(city.communities, 5)
    facilities = generate_facilities(city.communities, 5, canteens)
    assert facilities == generate_facilities(list(reversed(city.communities)), 5, canteens)
    kinds = [f.kind for f in facilities]
    assert kinds.count(FacilityKind.DAY_CARE) == len({c.street_id for c in city.communities})
    assert kinds.count(FacilityKind.CANTEEN) == len(canteens)
    assert kinds.count(FacilityKind.SERVICE_STATION) > 0


def test_a_non_positive_limit_is_rejected() -> None:
    with pytest.raises(ValueError, match="limit_seconds"):
        service_circle([], [], WALK, limit_seconds=0)


def test_shares_per_community_add_up_to_the_district() -> None:
    elders = [elder(f"E{k}", east(300 * k), community=f"C{k % 3}") for k in range(12)]
    report = service_circle(elders, [STATION, replace(STATION, location=east(3_000))], WALK)
    assert sum(r.within for r in report.communities.values()) == report.districts["D01"].within
