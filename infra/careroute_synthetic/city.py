"""A deterministic synthetic Shenyang: districts, streets, communities, stewards and elders.

`generate_city(seed, as_of=...)` builds the embedded default registry: the 13 real districts and
counties of Shenyang (real names, approximate centroids), about 200 streets and towns, exactly
1,153 communities with one steward each (and, if asked, a relief post per street),
and about 140,000 special-difficulty elders with a realistic mix of ages and categories and a
visit history spread over each elder's cadence on the days the stewards had routes
(history.py: China's holidays and holiday duty days).

Everything is drawn from `random.Random(seed)`, in a fixed order, so the same arguments always
give the same registry. The city is first *planned* for every district (how many streets,
communities and elders, and their ids), then each selected district is filled in from its own
random stream; so a city generated with `districts=[...]` is exactly the matching part of the
full city at the same seed, scale and date.

Ids: districts "D01".."D13" (in the order of `DISTRICTS`), streets "S001", communities "C0001",
stewards "W0001" (steward n serves community n), elders "E000001". Names and addresses are
synthetic; nothing resembling a national ID number is ever produced.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from itertools import accumulate

from careroute.domain.policy import load_policy
from careroute.domain.scope_ids import scope_ids
from careroute.domain.vocabulary import (
    Category,
    Community,
    Elder,
    ElderStatus,
    GeoPoint,
    Registry,
    Steward,
    TimeWindow,
    TravelMode,
)
from careroute_synthetic.history import VisitHistory
from careroute_synthetic.places import point_near
from careroute_synthetic.relief_posts import relief_posts

TOTAL_COMMUNITIES = 1153
"""Communities in the full city at scale 1.0 (Shenyang's stated figure)."""


def city_share(city_total: int, communities: int) -> int:
    """The share of a city-wide total (beds, institutions, canteens) that a part of the city
    with `communities` holds, in proportion to its communities: at least one."""
    return max(1, round(city_total * communities / TOTAL_COMMUNITIES))


class AreaKind(StrEnum):
    """How built-up a district is; sets density, community size and category mix."""

    URBAN = "urban"
    SUBURBAN = "suburban"
    RURAL = "rural"


@dataclass(frozen=True)
class District:
    district_id: str
    name_en: str
    name_zh: str
    lat: float
    lng: float
    kind: AreaKind
    weight: float
    """Share of the city's communities (roughly the urban population, in 10,000s)."""
    streets: int
    """Streets (街道) or towns (镇/乡) at most; a street exists only if it has a community."""
    spread_km: float
    """Rough radius of the district's built-up area around its centroid."""


DISTRICTS: tuple[District, ...] = (
    District("D01", "Heping", "和平区", 41.7897, 123.3960, AreaKind.URBAN, 120, 13, 4.0),
    District("D02", "Shenhe", "沈河区", 41.7965, 123.4585, AreaKind.URBAN, 93, 12, 4.0),
    District("D03", "Dadong", "大东区", 41.8160, 123.5050, AreaKind.URBAN, 101, 13, 5.0),
    District("D04", "Huanggu", "皇姑区", 41.8240, 123.4060, AreaKind.URBAN, 101, 12, 3.5),
    District("D05", "Tiexi", "铁西区", 41.7930, 123.3300, AreaKind.URBAN, 183, 22, 7.0),
    District("D06", "Sujiatun", "苏家屯区", 41.6650, 123.3440, AreaKind.SUBURBAN, 30, 13, 12.0),
    District("D07", "Hunnan", "浑南区", 41.7150, 123.4500, AreaKind.SUBURBAN, 54, 15, 12.0),
    District("D08", "Shenbei", "沈北新区", 42.0520, 123.5210, AreaKind.SUBURBAN, 40, 14, 13.0),
    District("D09", "Yuhong", "于洪区", 41.8420, 123.2930, AreaKind.SUBURBAN, 70, 14, 10.0),
    District("D10", "Liaozhong", "辽中区", 41.5120, 122.7310, AreaKind.RURAL, 15, 20, 20.0),
    District("D11", "Xinmin", "新民市", 41.9960, 122.8280, AreaKind.RURAL, 16, 26, 26.0),
    District("D12", "Faku", "法库县", 42.5000, 123.4160, AreaKind.RURAL, 10, 19, 22.0),
    District("D13", "Kangping", "康平县", 42.7410, 123.3520, AreaKind.RURAL, 8, 15, 21.0),
)

# Per kind of area: how far communities lie from their street's centre (km), community radius
# range (m), and the shares of the categories that depend on place.
COMMUNITY_SPREAD_KM = {AreaKind.URBAN: 0.9, AreaKind.SUBURBAN: 1.6, AreaKind.RURAL: 2.5}
RADIUS_RANGE_M = {
    AreaKind.URBAN: (300, 600),
    AreaKind.SUBURBAN: (400, 800),
    AreaKind.RURAL: (500, 900),
}
WALK_MAX_RADIUS_M = 600
LEFT_BEHIND_SHARE = {AreaKind.URBAN: 0.02, AreaKind.SUBURBAN: 0.10, AreaKind.RURAL: 0.35}
POOR_SHARE = {AreaKind.URBAN: 0.08, AreaKind.SUBURBAN: 0.10, AreaKind.RURAL: 0.16}

ELDERS_PER_COMMUNITY = (93, 150)

# Ages of special-difficulty elders: (first age, last age, share) per band; many are 70-85.
AGE_BANDS = (
    (60, 64, 8.0),
    (65, 69, 13.0),
    (70, 74, 20.0),
    (75, 79, 22.0),
    (80, 84, 18.0),
    (85, 89, 11.0),
    (90, 94, 5.5),
    (95, 99, 2.0),
    (100, 105, 0.5),
)
AGE_BAND_CUM_WEIGHTS = tuple(accumulate(band[2] for band in AGE_BANDS))

FULL_DAY = TimeWindow.parse("08:30", "17:00")
MORNING = TimeWindow.parse("08:30", "12:00")
AFTERNOON = TimeWindow.parse("13:30", "17:00")
WINDOWS = (FULL_DAY, MORNING, AFTERNOON)
WINDOW_CUM_WEIGHTS = (70, 85, 100)

SHIFT = FULL_DAY
LUNCH_BREAK = TimeWindow.parse("12:00", "13:30")
HOSPITALISED_SHARE = 0.01
FEMALE_SHARE = 0.58

# Common surnames of north-east China with rough relative frequencies.
SURNAMES = (
    ("王", 9.0), ("李", 8.5), ("张", 8.0), ("刘", 7.0), ("陈", 3.0), ("杨", 3.0), ("赵", 3.0),
    ("孙", 2.6), ("于", 2.4), ("高", 2.0), ("马", 1.8), ("徐", 1.6), ("周", 1.5), ("吴", 1.3),
    ("郭", 1.3), ("韩", 1.2), ("曹", 1.0), ("金", 1.0), ("董", 1.0), ("朱", 1.0), ("崔", 0.9),
    ("宋", 0.9), ("郑", 0.8), ("姜", 0.8), ("谢", 0.7), ("林", 0.7), ("何", 0.7), ("吕", 0.7),
    ("田", 0.7), ("范", 0.6), ("石", 0.6), ("黄", 0.6), ("付", 0.6), ("白", 0.6), ("邢", 0.5),
    ("常", 0.5), ("关", 0.5), ("佟", 0.5), ("那", 0.4), ("鲁", 0.4), ("丁", 0.4), ("孟", 0.4),
    ("曲", 0.4), ("尹", 0.3), ("潘", 0.3), ("袁", 0.3), ("邵", 0.3), ("齐", 0.3), ("侯", 0.3),
)  # fmt: skip
SURNAME_CHARS = tuple(s for s, _ in SURNAMES)
SURNAME_CUM_WEIGHTS = tuple(accumulate(w for _, w in SURNAMES))

ELDER_GIVEN_FEMALE = (
    "淑珍", "桂兰", "玉兰", "秀英", "凤英", "桂芝", "玉珍", "淑兰", "秀兰", "凤兰", "素珍",
    "桂荣", "玉芝", "淑芬", "秀珍", "丽华", "玉梅", "桂英", "淑华", "凤琴", "秀云", "玉凤",
    "桂珍", "淑贤", "凤芝", "秀芝", "玉华", "兰英", "金凤", "素梅", "英", "兰", "珍", "芳",
)  # fmt: skip
ELDER_GIVEN_MALE = (
    "德福", "福林", "振国", "玉林", "树林", "长山", "凤山", "宝山", "文华", "永昌", "德顺",
    "春生", "金生", "德才", "广田", "宝成", "振华", "国良", "志远", "庆祥", "万福", "连生",
    "文斌", "玉成", "长海", "德明", "福生", "建国", "洪彬", "景山", "财", "林", "山", "忠",
)  # fmt: skip
STEWARD_GIVEN = (
    "丽", "静", "敏", "磊", "伟", "婷", "丹", "鑫", "晓明", "海燕", "红梅", "雪梅", "丽娜",
    "志强", "春雨", "佳琪", "立新", "晓东", "雨欣", "欣怡", "博", "宇", "阳", "莹", "洋",
)  # fmt: skip

# Street and town names are two-character roots (e.g. 南湖, 长白) plus 街道 / 镇 / 乡.
ROOT_FIRST = "太南北东西长新兴和永安福宁华光明春泰德文万大青桃丰滨沙白金玉红五三马"
ROOT_SECOND = "原湖白华兴安平丰宁河山阳林园乐源桥泉台陵塔岭湾堡屯"


@dataclass(frozen=True)
class _DistrictPlan:
    """What the planning pass fixes for one district: sizes, ids and its random stream."""

    district: District
    seed: int
    first_street: int
    street_roots: tuple[str, ...]
    first_community: int
    elders_per_community: tuple[int, ...]
    first_elder: int


def generate_city(
    seed: int,
    *,
    as_of: date,
    districts: Sequence[str] | None = None,
    scale: float = 1.0,
    relief: bool = False,
) -> Registry:
    """Build a synthetic Shenyang registry as it stands on `as_of`.

    `districts` keeps only the named districts (id, English or Chinese name, any case);
    `scale` multiplies the number of communities in each district (at least one each);
    `relief`: each street also has a relief post (relief_posts.py), after its district's
    residential communities (the month simulation's city has them; the rest of the city is
    the same either way). Raises ValueError for an unknown district name or a
    non-positive scale.
    """
    if not scale > 0 or math.isinf(scale):
        raise ValueError(f"scale must be a positive number, got {scale}")
    selected = _select_districts(districts)
    history = VisitHistory(as_of, load_policy())
    communities: list[Community] = []
    stewards: list[Steward] = []
    elders: list[Elder] = []
    for plan in _plan_city(seed, scale):
        if plan.district.district_id in selected:
            first = len(communities)
            _fill_district(plan, history, communities, stewards, elders)
            if relief:
                args = (SHIFT, LUNCH_BREAK, STEWARD_GIVEN)
                posts, relief_stewards = relief_posts(communities[first:], plan.seed, *args)
                communities.extend(posts)
                stewards.extend(relief_stewards)
    return Registry(tuple(communities), tuple(stewards), tuple(elders))


def community_counts(scale: float = 1.0) -> dict[str, int]:
    """Communities per district id at a scale; exactly TOTAL_COMMUNITIES at 1.0.

    Shares follow the district weights (largest remainder, so the total is exact); at other
    scales each district's full-city count is scaled and rounded, with at least one.
    """
    total_weight = sum(d.weight for d in DISTRICTS)
    quotas = [TOTAL_COMMUNITIES * d.weight / total_weight for d in DISTRICTS]
    counts = [math.floor(q) for q in quotas]
    by_remainder = sorted(range(len(DISTRICTS)), key=lambda i: (counts[i] - quotas[i], i))
    for i in by_remainder[: TOTAL_COMMUNITIES - sum(counts)]:
        counts[i] += 1
    if scale != 1.0:
        counts = [max(1, round(n * scale)) for n in counts]
    return {d.district_id: n for d, n in zip(DISTRICTS, counts, strict=True)}


def _select_districts(names: Sequence[str] | None) -> set[str]:
    if names is None:
        return {d.district_id for d in DISTRICTS}
    if isinstance(names, str):
        names = [names]
    lookup: dict[str, str] = {}
    for d in DISTRICTS:
        for key in (d.district_id, d.name_en, d.name_zh):
            lookup[key.casefold()] = d.district_id
    known = ", ".join(f"{d.district_id} {d.name_en} {d.name_zh}" for d in DISTRICTS)
    if not names:
        raise ValueError(f"districts is empty; name at least one of: {known}")
    unknown = [n for n in names if n.strip().casefold() not in lookup]
    if unknown:
        raise ValueError(f"unknown district(s) {unknown}; known districts: {known}")
    return {lookup[n.strip().casefold()] for n in names}


def _plan_city(seed: int, scale: float) -> list[_DistrictPlan]:
    """Sizes and ids of every district (selected or not), so that ids never depend on filters."""
    rng = random.Random(seed)
    roots = [a + b for a in ROOT_FIRST for b in ROOT_SECOND if a != b]
    rng.shuffle(roots)
    counts = community_counts(scale)
    plans: list[_DistrictPlan] = []
    street_no = community_no = elder_no = 1
    for district in DISTRICTS:
        n_communities = counts[district.district_id]
        n_streets = min(district.streets, n_communities)
        sizes = tuple(rng.randint(*ELDERS_PER_COMMUNITY) for _ in range(n_communities))
        plans.append(
            _DistrictPlan(
                district=district,
                seed=rng.getrandbits(64),
                first_street=street_no,
                street_roots=tuple(roots[street_no - 1 : street_no - 1 + n_streets]),
                first_community=community_no,
                elders_per_community=sizes,
                first_elder=elder_no,
            )
        )
        street_no += n_streets
        community_no += n_communities
        elder_no += sum(sizes)
    return plans


def _street_name(root: str, kind: AreaKind, rng: random.Random) -> str:
    if kind is AreaKind.RURAL:
        return root + ("镇" if rng.random() < 0.8 else "乡")
    return root + "街道"


def _fill_district(
    plan: _DistrictPlan,
    history: VisitHistory,
    communities: list[Community],
    stewards: list[Steward],
    elders: list[Elder],
) -> None:
    district = plan.district
    rng = random.Random(plan.seed)
    n_streets = len(plan.street_roots)
    n_communities = len(plan.elders_per_community)

    # Streets: centres spread over the district; each gets at least one community.
    streets = []
    for k, root in enumerate(plan.street_roots):
        centre = point_near(rng, GeoPoint(district.lat, district.lng), district.spread_km * 800)
        streets.append(
            (f"S{plan.first_street + k:03d}", _street_name(root, district.kind, rng), root, centre)
        )
    street_weights = [rng.uniform(0.5, 1.5) for _ in range(n_streets)]
    per_street = [1] * n_streets
    for k in rng.choices(range(n_streets), weights=street_weights, k=n_communities - n_streets):
        per_street[k] += 1

    community_no = plan.first_community
    elder_no = plan.first_elder
    low, high = RADIUS_RANGE_M[district.kind]
    for (street_id, street_name, root, street_centre), count in zip(
        streets, per_street, strict=True
    ):
        for nth in range(1, count + 1):
            location = point_near(rng, street_centre, COMMUNITY_SPREAD_KM[district.kind] * 1000)
            community = Community(
                community_id=f"C{community_no:04d}",
                name=f"{root}第{nth}社区",
                street_id=street_id,
                street_name=street_name,
                district_id=district.district_id,
                district_name=district.name_zh,
                location=location,
                radius_m=rng.randint(low // 10, high // 10) * 10,
            )
            communities.append(community)
            steward = _steward(community, community_no, rng)
            stewards.append(steward)
            size = plan.elders_per_community[community_no - plan.first_community]
            for _ in range(size):
                elders.append(
                    _elder(f"E{elder_no:06d}", community, steward, district.kind, history, rng)
                )
                elder_no += 1
            community_no += 1


def _steward(community: Community, number: int, rng: random.Random) -> Steward:
    surname = rng.choices(SURNAME_CHARS, cum_weights=SURNAME_CUM_WEIGHTS)[0]
    walk = community.radius_m <= WALK_MAX_RADIUS_M
    return Steward(
        steward_id=f"W{number:04d}",
        community_id=community.community_id,
        name=surname + rng.choice(STEWARD_GIVEN),
        shift=SHIFT,
        lunch_break=LUNCH_BREAK,
        mode=TravelMode.WALK if walk else TravelMode.BIKE,
        max_visits_per_day=16,
        days_off=frozenset({5, 6}),
    )


def _birth_date(age: int, as_of: date, rng: random.Random) -> date:
    """A birth date on which the elder is exactly `age` years old on `as_of`."""
    try:
        latest = as_of.replace(year=as_of.year - age)
    except ValueError:  # 29 February in a year that has none
        latest = as_of.replace(year=as_of.year - age, day=28)
    return latest - timedelta(days=rng.randint(0, 364))


def _categories(age: int, kind: AreaKind, rng: random.Random) -> frozenset[Category]:
    """A realistic mix: empty-nest very common, living alone common, disability grows with age."""
    found: list[Category] = []
    if rng.random() < 0.25:
        found.append(Category.LIVING_ALONE)
    elif rng.random() < 0.5:
        found.append(Category.EMPTY_NEST)
    if rng.random() < LEFT_BEHIND_SHARE[kind]:
        found.append(Category.LEFT_BEHIND)
    if rng.random() < 0.05 + 0.004 * (age - 60):
        found.append(Category.DISABLED)
    if rng.random() < 0.05:
        found.append(Category.SEVERELY_HANDICAPPED)
    if rng.random() < POOR_SHARE[kind]:
        found.append(Category.POOR)
    if rng.random() < 0.03:
        found.append(Category.FAMILY_PLANNING_SPECIAL)
    if not found:  # everyone in the registry belongs to at least one category
        found.append(Category.EMPTY_NEST)
    return frozenset(found)


def _elder(
    elder_id: str,
    community: Community,
    steward: Steward,
    kind: AreaKind,
    history: VisitHistory,
    rng: random.Random,
) -> Elder:
    first, last, _ = rng.choices(AGE_BANDS, cum_weights=AGE_BAND_CUM_WEIGHTS)[0]
    age = rng.randint(first, last)
    home = point_near(rng, community.location, community.radius_m)
    given = ELDER_GIVEN_FEMALE if rng.random() < FEMALE_SHARE else ELDER_GIVEN_MALE
    name = rng.choices(SURNAME_CHARS, cum_weights=SURNAME_CUM_WEIGHTS)[0] + rng.choice(given)
    floor = rng.randint(1, 7)
    address = (
        f"{community.name} {rng.randint(1, 40)}号楼{rng.randint(1, 6)}单元"
        f"{floor}{rng.randint(1, 4):02d}室"
    )
    window = rng.choices(WINDOWS, cum_weights=WINDOW_CUM_WEIGHTS)[0]
    hospitalised = rng.random() < HOSPITALISED_SHARE
    elder = Elder(
        elder_id=elder_id,
        **scope_ids(community),
        location=home,
        categories=_categories(age, kind, rng),
        birth_date=_birth_date(age, history.as_of, rng),
        window=window,
        name=name,
        address=address,
        status=ElderStatus.HOSPITALISED if hospitalised else ElderStatus.ACTIVE,
    )
    return replace(elder, last_visited_on=history.last_visit(elder, steward, rng))
