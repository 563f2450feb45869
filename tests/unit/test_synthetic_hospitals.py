"""Synthetic hospitals: two to four per district, near its communities, named uniquely."""

from __future__ import annotations

import pytest
from careroute_synthetic.hospitals import SITE_OFFSET_M, chinese_number, hospitals_of

from careroute.domain.hospitals import Hospital
from careroute.domain.vocabulary import Community, GeoPoint
from careroute.planning.travel import haversine_m

DISTRICTS = {"D01": ("和平区", GeoPoint(41.79, 123.40)), "D12": ("法库县", GeoPoint(42.50, 123.42))}


def _communities() -> list[Community]:
    found = []
    for district_id, (name, centre) in DISTRICTS.items():
        for k in range(5):
            found.append(
                Community(
                    community_id=f"C{district_id[1:]}{k:02d}",
                    name=f"第{k + 1}社区",
                    street_id=f"S{district_id}",
                    street_name="街道",
                    district_id=district_id,
                    district_name=name,
                    location=GeoPoint(centre.lat + k * 0.01, centre.lng - k * 0.01),
                    radius_m=400,
                )
            )
    return found


def test_every_district_gets_two_to_four_hospitals_near_its_communities() -> None:
    communities = _communities()
    hospitals = hospitals_of(communities, seed=3)
    for district_id in DISTRICTS:
        mine = [h for h in hospitals if h.district_id == district_id]
        assert 2 <= len(mine) <= 4
        for hospital in mine:
            nearest = min(
                haversine_m(hospital.location, c.location)
                for c in communities
                if c.district_id == district_id
            )
            assert nearest <= SITE_OFFSET_M + 1


def test_a_district_has_its_central_hospital_first_and_every_name_is_unique() -> None:
    hospitals = hospitals_of(_communities(), seed=3)
    assert [h.name for h in hospitals if h.name.endswith("中心医院")] == [
        "和平区中心医院",
        "法库县中心医院",
    ]
    assert hospitals[0].name == "和平区中心医院"
    assert hospitals[1].name == "沈阳市第一人民医院"
    faku = [h for h in hospitals if h.district_id == "D12"]
    assert faku[1].name == "沈阳市第三十四人民医院"  # the twelfth district numbers from 34
    assert len({h.name for h in hospitals}) == len(hospitals)
    assert [h.hospital_id for h in faku] == [f"H12{n:02d}" for n in range(1, len(faku) + 1)]


def test_a_district_alone_has_the_hospitals_it_has_in_the_whole_city() -> None:
    communities = _communities()
    whole = hospitals_of(communities, seed=3)
    heping = [c for c in communities if c.district_id == "D01"]
    assert hospitals_of(heping, seed=3) == tuple(h for h in whole if h.district_id == "D01")


def test_the_same_communities_and_seed_give_the_same_hospitals_in_any_order() -> None:
    communities = _communities()
    assert hospitals_of(communities, seed=3) == hospitals_of(communities[::-1], seed=3)
    assert hospitals_of(communities, seed=3) != hospitals_of(communities, seed=4)


@pytest.mark.parametrize(
    ("n", "written"), [(1, "一"), (4, "四"), (10, "十"), (12, "十二"), (20, "二十"), (23, "二十三")]
)
def test_hospital_numbers_are_written_in_chinese_numerals(n: int, written: str) -> None:
    assert chinese_number(n) == written


def test_a_hospital_without_a_name_is_refused() -> None:
    with pytest.raises(ValueError, match="H009 needs a name"):
        Hospital("H009", " ", "D01", GeoPoint(41.79, 123.40))
