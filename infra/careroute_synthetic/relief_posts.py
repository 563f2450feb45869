"""One relief post per street: the street office's relief steward, who covers sick stewards.

A post is a community of kind "relief post" at the centre of its street's communities, with no
elders, and a steward with a car, a whole shift and the usual days off. Drawn from a random
stream of its own (the district's seed and "relief"), after the district is filled in, so the
rest of the city is the same with posts or without.

Ids: a post takes its street's number ("R001" for street "S001"), its steward "WR001".
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from careroute.domain.vocabulary import (
    Community,
    CommunityKind,
    Steward,
    TimeWindow,
    TravelMode,
)
from careroute_synthetic.places import centre_of

RELIEF_VISITS_PER_DAY = 10
"""A relief steward's day: fewer visits than a steward's 16, as they lie across the street."""
RELIEF_RADIUS_M = 500


def relief_posts(
    communities: Sequence[Community],
    district_seed: int,
    shift: TimeWindow,
    lunch_break: TimeWindow,
    names: Sequence[str],
) -> tuple[list[Community], list[Steward]]:
    """A post and its relief steward for every street of `communities` (one district's),
    in street order; `names` are the given names relief stewards are drawn from."""
    rng = random.Random(f"{district_seed}/relief")
    streets: dict[str, list[Community]] = {}
    for community in communities:
        streets.setdefault(community.street_id, []).append(community)
    posts: list[Community] = []
    stewards: list[Steward] = []
    for street_id, members in sorted(streets.items()):
        first = members[0]
        number = street_id.removeprefix("S")
        post = Community(
            community_id=f"R{number}",
            name=f"{first.street_name}养老服务站",
            street_id=street_id,
            street_name=first.street_name,
            district_id=first.district_id,
            district_name=first.district_name,
            location=centre_of(members, decimals=6),
            radius_m=RELIEF_RADIUS_M,
            kind=CommunityKind.RELIEF_POST,
        )
        posts.append(post)
        stewards.append(
            Steward(
                steward_id=f"WR{number}",
                community_id=post.community_id,
                name="援" + rng.choice(names),
                shift=shift,
                lunch_break=lunch_break,
                mode=TravelMode.CAR,
                max_visits_per_day=RELIEF_VISITS_PER_DAY,
                days_off=frozenset({5, 6}),
            )
        )
    return posts, stewards
