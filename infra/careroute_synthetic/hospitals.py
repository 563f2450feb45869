"""Synthetic hospitals: two to four per district, named as Shenyang's are ("和平区中心医院",
"沈阳市第四人民医院"), each standing near one of the district's communities.

The steward page offers them when an elder is found gone to hospital, and the planner plans
that elder's visit at the chosen hospital. Pure: same communities and seed, same hospitals;
each district's are drawn on their own, so a city of a few districts has the very hospitals
those districts have in the whole city (as its communities and elders are the same).
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from careroute.domain.hospitals import Hospital
from careroute.domain.vocabulary import Community, residential
from careroute_synthetic.city import DISTRICTS
from careroute_synthetic.places import by_district, point_near

HOSPITALS_PER_DISTRICT = (2, 4)
"""Fewest and most hospitals a district gets."""
SITE_OFFSET_M = 600
"""How far from the community it is drawn near a hospital stands, at most."""
_DIGITS = "零一二三四五六七八九"


def hospitals_of(communities: Sequence[Community], seed: int) -> tuple[Hospital, ...]:
    """The city's hospitals, district by district (ids "H0101": district D01's first): the
    district's central hospital ("<district>中心医院"), then numbered city hospitals
    ("沈阳市第N人民医院", N from the district's own range, so every name is unique)."""
    found: list[Hospital] = []
    ordered = sorted(residential(communities), key=lambda c: c.community_id)
    groups = sorted(by_district(ordered).items())
    slots = _district_slots([district_id for district_id, _ in groups])
    for district_id, members in groups:
        rng = random.Random(f"{seed}:{district_id}")
        for nth in range(rng.randint(*HOSPITALS_PER_DISTRICT)):
            if nth == 0:
                name = f"{members[0].district_name}中心医院"
            else:
                number = slots[district_id] * (HOSPITALS_PER_DISTRICT[1] - 1) + nth
                name = f"沈阳市第{chinese_number(number)}人民医院"
            where = point_near(rng, rng.choice(members).location, SITE_OFFSET_M)
            hospital_id = f"H{district_id.removeprefix('D')}{nth + 1:02d}"
            found.append(Hospital(hospital_id, name, district_id, where))
    return tuple(found)


def _district_slots(district_ids: list[str]) -> dict[str, int]:
    """Each district's place in the city (DISTRICTS' order; a district not among them after
    those), which fixes the range its hospitals are numbered from."""
    known = {d.district_id: n for n, d in enumerate(DISTRICTS)}
    others = sorted(d for d in district_ids if d not in known)
    return known | {d: len(known) + n for n, d in enumerate(others)}


def chinese_number(n: int) -> str:
    """1..99 in Chinese numerals as hospital names write them: 四, 十, 十二, 二十, 二十三."""
    if not 1 <= n <= 99:
        raise ValueError(f"{n} is outside 1..99")
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + ("" if ones == 0 else _DIGITS[ones])
