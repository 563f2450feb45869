"""The synthetic Shenyang: deterministic, the right size, and realistic enough to plan on."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

import pytest
from careroute_synthetic.city import DISTRICTS, TOTAL_COMMUNITIES, community_counts, generate_city

from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import (
    Category,
    ElderStatus,
    GeoPoint,
    Registry,
    Tier,
    TimeWindow,
    TravelMode,
)
from careroute.planning.travel import haversine_m
from tests.unit.conftest import FULL_CITY_AS_OF

AS_OF = FULL_CITY_AS_OF
ID_NUMBER = re.compile(r"\d{17}[\dXx]")


@pytest.fixture
def city(full_city: Registry) -> Registry:
    return full_city


def shares(counter: Counter[str], total: int) -> dict[str, float]:
    return {key: round(count / total, 3) for key, count in sorted(counter.items())}


@pytest.fixture(scope="module")
def seed_42() -> Registry:
    """The city of seed 42 at scale 0.05, generated once for the two seed tests."""
    return generate_city(42, as_of=AS_OF, scale=0.05)


def test_the_same_seed_gives_an_identical_registry(seed_42: Registry) -> None:
    assert generate_city(42, as_of=AS_OF, scale=0.05) == seed_42


def test_a_different_seed_gives_a_different_registry(seed_42: Registry) -> None:
    other = generate_city(43, as_of=AS_OF, scale=0.05)
    assert seed_42.communities != other.communities
    assert seed_42.elders != other.elders


def test_the_full_city_has_exactly_1153_communities_in_the_13_districts(city: Registry) -> None:
    assert len(city.communities) == TOTAL_COMMUNITIES == 1153
    assert sum(community_counts().values()) == 1153
    assert {c.district_id for c in city.communities} == {d.district_id for d in DISTRICTS}
    assert len({c.district_name for c in city.communities}) == 13
    assert len({c.community_id for c in city.communities}) == 1153


def test_the_full_city_has_between_150_and_250_streets_each_in_one_district(
    city: Registry,
) -> None:
    district_of_street = {(c.street_id, c.district_id) for c in city.communities}
    streets = {street for street, _ in district_of_street}
    assert 150 <= len(streets) <= 250
    assert len(district_of_street) == len(streets)
    assert len({(c.street_id, c.street_name) for c in city.communities}) == len(streets)


def test_the_big_urban_districts_have_more_streets_and_communities_than_the_counties(
    city: Registry,
) -> None:
    communities = Counter(c.district_name for c in city.communities)
    streets = {
        d: {c.street_id for c in city.communities if c.district_name == d} for d in communities
    }
    assert communities["铁西区"] > communities["和平区"] > communities["康平县"]
    assert len(streets["铁西区"]) > len(streets["康平县"])


def test_every_community_has_exactly_one_steward_with_the_standard_shift(city: Registry) -> None:
    assert len(city.stewards) == 1153
    assert Counter(s.community_id for s in city.stewards) == Counter(
        c.community_id for c in city.communities
    )
    for steward in city.stewards:
        assert steward.shift == TimeWindow.parse("08:30", "17:00")
        assert steward.lunch_break == TimeWindow.parse("12:00", "13:30")
        assert steward.max_visits_per_day == 16
        assert steward.days_off == frozenset({5, 6})


def test_stewards_walk_small_communities_and_cycle_larger_ones(city: Registry) -> None:
    radius = {c.community_id: c.radius_m for c in city.communities}
    for steward in city.stewards:
        walks = radius[steward.community_id] <= 600
        assert steward.mode is (TravelMode.WALK if walks else TravelMode.BIKE)
    modes = Counter(s.mode for s in city.stewards)
    assert modes[TravelMode.WALK] > 0 and modes[TravelMode.BIKE] > 0


def test_community_radii_are_300_to_900_metres_and_urban_ones_smaller(city: Registry) -> None:
    assert all(300 <= c.radius_m <= 900 for c in city.communities)
    urban = [c.radius_m for c in city.communities if c.district_id in {"D01", "D02", "D03"}]
    rural = [c.radius_m for c in city.communities if c.district_id in {"D10", "D11", "D12"}]
    assert max(urban) <= 600 < sum(rural) / len(rural)


def test_communities_lie_in_shenyang_near_their_district_centroid(city: Registry) -> None:
    centroid = {d.district_id: d for d in DISTRICTS}
    for community in city.communities:
        district = centroid[community.district_id]
        assert 41.2 <= community.location.lat <= 43.1
        assert 122.3 <= community.location.lng <= 123.9
        centre = GeoPoint(district.lat, district.lng)
        distance_km = haversine_m(community.location, centre) / 1000
        assert distance_km <= district.spread_km + 3


def test_the_full_city_has_120k_to_160k_elders_with_unique_ids(city: Registry) -> None:
    assert 120_000 <= len(city.elders) <= 160_000
    assert len({e.elder_id for e in city.elders}) == len(city.elders)
    per_community = Counter(e.community_id for e in city.elders)
    assert min(per_community.values()) >= 90 and max(per_community.values()) <= 150


def test_ids_follow_the_documented_formats(city: Registry) -> None:
    assert city.communities[0].community_id == "C0001"
    assert city.stewards[0].steward_id == "W0001"
    assert city.elders[0].elder_id == "E000001"
    assert all(re.fullmatch(r"S\d{3}", c.street_id) for c in city.communities)
    assert all(re.fullmatch(r"D\d{2}", c.district_id) for c in city.communities)
    assert [s.steward_id[1:] for s in city.stewards] == [
        c.community_id[1:] for c in city.communities
    ]


def test_every_elder_lives_inside_their_community_circle(city: Registry) -> None:
    communities = {c.community_id: c for c in city.communities}
    for elder in city.elders:
        community = communities[elder.community_id]
        assert haversine_m(elder.location, community.location) <= community.radius_m + 1
        assert (elder.street_id, elder.district_id) == (community.street_id, community.district_id)


def test_elders_are_60_to_105_and_mostly_70_to_85(city: Registry) -> None:
    ages = [e.age_on(AS_OF) for e in city.elders]
    assert min(ages) >= 60 and max(ages) <= 105
    share_70_to_85 = sum(70 <= a <= 85 for a in ages) / len(ages)
    share_90_plus = sum(a >= 90 for a in ages) / len(ages)
    assert 0.5 <= share_70_to_85 <= 0.75
    assert 0.04 <= share_90_plus <= 0.12


def test_category_shares_are_plausible(city: Registry) -> None:
    counts = Counter(category.value for e in city.elders for category in e.categories)
    share = shares(counts, len(city.elders))
    expected = {
        Category.EMPTY_NEST: (0.45, 0.75),
        Category.LIVING_ALONE: (0.18, 0.32),
        Category.LEFT_BEHIND: (0.02, 0.15),
        Category.DISABLED: (0.08, 0.16),
        Category.SEVERELY_HANDICAPPED: (0.03, 0.08),
        Category.POOR: (0.06, 0.14),
        Category.FAMILY_PLANNING_SPECIAL: (0.015, 0.05),
    }
    for category, (low, high) in expected.items():
        assert low <= share[category.value] <= high, share
    assert all(e.categories for e in city.elders)


def test_left_behind_elders_are_mostly_rural(city: Registry) -> None:
    rural = {"D10", "D11", "D12", "D13"}
    left_behind = [e for e in city.elders if Category.LEFT_BEHIND in e.categories]
    rural_elders = [e for e in city.elders if e.district_id in rural]
    rural_share = sum(e.district_id in rural for e in left_behind) / len(left_behind)
    assert rural_share > 2 * len(rural_elders) / len(city.elders)


def test_tier_mix_is_plausible(city: Registry) -> None:
    policy = load_policy()
    tiers = Counter(policy.tier_of(e, AS_OF).value for e in city.elders)
    share = shares(tiers, len(city.elders))
    assert 0.02 <= share[Tier.T1] <= 0.12, share
    assert 0.12 <= share[Tier.T2] <= 0.35, share
    assert 0.55 <= share[Tier.T3] <= 0.85, share


def test_availability_windows_are_mostly_all_day(city: Registry) -> None:
    windows = Counter(str(e.window) for e in city.elders)
    share = shares(windows, len(city.elders))
    assert set(share) == {"08:30-17:00", "08:30-12:00", "13:30-17:00"}
    assert 0.65 <= share["08:30-17:00"] <= 0.75
    assert 0.11 <= share["08:30-12:00"] <= 0.19
    assert 0.11 <= share["13:30-17:00"] <= 0.19


def test_elders_are_active_but_for_about_one_percent_in_hospital(city: Registry) -> None:
    statuses = Counter(e.status for e in city.elders)
    assert set(statuses) == {ElderStatus.ACTIVE, ElderStatus.HOSPITALISED}
    assert 0.005 <= statuses[ElderStatus.HOSPITALISED] / len(city.elders) <= 0.02


def test_last_visits_fall_on_weekdays_within_each_tier_cadence_before_as_of(
    city: Registry,
) -> None:
    """No elder starts overdue: the last visit is a weekday less than one cadence ago."""
    policy = load_policy()
    days_back: dict[Tier, Counter[int]] = {tier: Counter() for tier in Tier}
    for elder in city.elders:
        assert elder.last_visited_on is not None and elder.urgent_until is None
        assert elder.last_visited_on.weekday() < 5
        tier = policy.tier_of(elder, AS_OF)
        back = (AS_OF - elder.last_visited_on).days
        assert 1 <= back < (policy.tiers[tier].cadence_days or 31)
        days_back[tier][back] += 1
    weekdays_back = {d for d in range(1, 30) if (AS_OF - timedelta(days=d)).weekday() < 5}
    assert set(days_back[Tier.T1]) == {d for d in weekdays_back if d < 7}
    assert set(days_back[Tier.T3]) == weekdays_back


def test_names_and_addresses_are_synthetic_chinese_and_hold_no_id_numbers(city: Registry) -> None:
    communities = {c.community_id: c for c in city.communities}
    for elder in city.elders[:5000]:
        assert 2 <= len(elder.name) <= 3
        assert elder.address.startswith(communities[elder.community_id].name + " ")
        assert re.search(r"\d+号楼\d单元\d{3}室$", elder.address)
    for text in [e.name + e.address for e in city.elders] + [s.name for s in city.stewards]:
        assert not ID_NUMBER.search(text)
    assert all(c.name.endswith("社区") for c in city.communities)
    assert all(c.street_name.endswith(("街道", "镇", "乡")) for c in city.communities)


def test_districts_can_be_chosen_by_id_english_or_chinese_name_in_any_case() -> None:
    small = generate_city(7, as_of=AS_OF, districts=["d01", "SHENHE", "康平县"], scale=0.1)
    assert {c.district_id for c in small.communities} == {"D01", "D02", "D13"}
    assert {e.district_id for e in small.elders} == {"D01", "D02", "D13"}
    assert {s.community_id for s in small.stewards} == {c.community_id for c in small.communities}


def test_a_chosen_district_is_exactly_that_part_of_the_full_city(city: Registry) -> None:
    heping = generate_city(2026, as_of=AS_OF, districts=["Heping"])
    assert heping.communities == tuple(c for c in city.communities if c.district_id == "D01")
    assert heping.elders == tuple(e for e in city.elders if e.district_id == "D01")
    kangping = generate_city(2026, as_of=AS_OF, districts=["Kangping"])
    assert kangping.stewards == tuple(
        s for s in city.stewards if s.community_id in {c.community_id for c in kangping.communities}
    )


def test_an_unknown_district_raises_a_value_error_listing_the_known_ones() -> None:
    with pytest.raises(ValueError, match="unknown district") as caught:
        generate_city(7, as_of=AS_OF, districts=["Heping", "Atlantis"])
    message = str(caught.value)
    assert "Atlantis" in message
    assert all(d.name_en in message and d.name_zh in message for d in DISTRICTS)


def test_an_empty_district_list_or_a_non_positive_scale_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        generate_city(7, as_of=AS_OF, districts=[])
    with pytest.raises(ValueError, match="scale"):
        generate_city(7, as_of=AS_OF, scale=0)


def test_scale_001_gives_a_tiny_city_with_at_least_one_community_per_district() -> None:
    tiny = generate_city(7, as_of=AS_OF, scale=0.01)
    per_district = Counter(c.district_id for c in tiny.communities)
    assert set(per_district) == {d.district_id for d in DISTRICTS}
    assert sum(per_district.values()) == sum(community_counts(0.01).values()) < 40
    assert len(tiny.stewards) == len(tiny.communities)
    assert 90 * len(tiny.communities) <= len(tiny.elders) <= 150 * len(tiny.communities)


def test_scale_multiplies_the_communities_of_each_district() -> None:
    full, half = community_counts(), community_counts(0.5)
    assert all(half[d] == max(1, round(full[d] * 0.5)) for d in full)
    city = generate_city(7, as_of=AS_OF, districts=["Tiexi"], scale=0.5)
    assert len(city.communities) == half["D05"]
