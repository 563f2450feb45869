"""A deterministic synthetic home-service market: providers, their workers and skills per
district, and the pilot communities whose elders get free minutes.

Pure: same registry communities and seed, same providers, workers and pilots. Each district
has two providers (one household services, one personal care, both doing companionship);
each worker has two or three of their provider's skills and works 08:00-18:00 with a
12:00-13:00 lunch, starting and ending at the provider's base (the district's centre of
communities), travelling by electric bike.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Sequence

from careroute.domain.providers import Provider, ServiceMarket, ServiceWorker
from careroute.domain.vocabulary import Community, residential
from careroute_synthetic.places import by_district, centre_of

PROVIDER_KINDS: tuple[tuple[str, frozenset[str]], ...] = (
    ("household", frozenset({"cleaning", "cooking", "companion"})),
    ("care", frozenset({"bathing", "escort", "companion"})),
)
WORKERS_PER_PROVIDER = (4, 7)


def choose_pilots(community_ids: Iterable[str], count: int, seed: int) -> frozenset[str]:
    """`count` communities chosen deterministically (same ids and seed, same choice),
    spread over the city by a hash order rather than the first ones listed."""

    def rank(community_id: str) -> str:
        return hashlib.sha256(f"{seed}:{community_id}".encode()).hexdigest()

    return frozenset(sorted(set(community_ids), key=rank)[:count])


def generate_market(
    communities: Sequence[Community], seed: int, pilot_count: int = 500
) -> ServiceMarket:
    """Providers and workers for every district of `communities`, and the pilots."""
    rng = random.Random(seed)
    providers: list[Provider] = []
    workers: list[ServiceWorker] = []
    districts = by_district(residential(communities))
    for district_id in sorted(districts):
        members = districts[district_id]
        base = centre_of(members)
        for kind, skills in PROVIDER_KINDS:
            provider_id = f"hp-{district_id}-{kind}"
            providers.append(Provider(provider_id, district_id, base, skills))
            ordered = sorted(skills)
            for n in range(rng.randint(*WORKERS_PER_PROVIDER)):
                # every skill is held by at least one worker: worker n has skill n mod k
                mine = {ordered[n % len(ordered)], *rng.sample(ordered, rng.randint(1, 2))}
                workers.append(
                    ServiceWorker(
                        f"hw-{district_id}-{kind}-{n + 1:02d}", provider_id, frozenset(mine)
                    )
                )
    pilots = choose_pilots((c.community_id for c in residential(communities)), pilot_count, seed)
    return ServiceMarket(tuple(providers), tuple(workers), pilots)
