"""Synthetic hospitals: two to four per district, named as Shenyang's are ("和平区中心医院",
"沈阳市第四人民医院"), each standing near one of the district's communities.

The steward page offers them when an elder is found gone to hospital, and the planner plans
that elder's visit at the chosen hospital. Pure: same communities and seed, same hospitals.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from careroute.domain.hospitals import Hospital
from careroute.domain.vocabulary import Community
from careroute_synthetic.places import by_district, point_near

HOSPITALS_PER_DISTRICT = (2, 4)
"""Fewest and most hospitals a district gets."""
SITE_OFFSET_M = 600
"""How far from the community it is drawn near a hospital stands, at most."""
_DIGITS = "零一二三四五六七八九"


def hospitals_of(communities: Sequence[Community], seed: int) -> tuple[Hospital, ...]:
    """The city's hospitals, district by district (ids "H001"...): first the district's
    central hospital ("<district>中心医院"), then numbered city hospitals
    ("沈阳市第N人民医院", N counting on across the city so every name is unique)."""
    rng = random.Random(seed)
    ordered = sorted(communities, key=lambda c: c.community_id)
    found: list[Hospital] = []
    numbered = 0
    for district_id, members in sorted(by_district(ordered).items()):
        for nth in range(rng.randint(*HOSPITALS_PER_DISTRICT)):
            if nth == 0:
                name = f"{members[0].district_name}中心医院"
            else:
                numbered += 1
                name = f"沈阳市第{chinese_number(numbered)}人民医院"
            where = point_near(rng, rng.choice(members).location, SITE_OFFSET_M)
            found.append(Hospital(f"H{len(found) + 1:03d}", name, district_id, where))
    return tuple(found)


def chinese_number(n: int) -> str:
    """1..99 in Chinese numerals as hospital names write them: 四, 十, 十二, 二十, 二十三."""
    if not 1 <= n <= 99:
        raise ValueError(f"{n} is outside 1..99")
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + ("" if ones == 0 else _DIGITS[ones])
