"""Synthetic home care beds for the synthetic city, deterministic by seed.

At full scale (1,153 communities) ~4,500 beds (the seed's count), each district's share in
proportion to its communities, never more than its eligible elders: active elders whose
categories give a care level the policy grants beds for. Each bed's elder has a subsistence
status the policy accepts (poor elders mostly the subsistence allowance or extreme poverty
support, others low income), the district's home care bed provider runs it (`bed_market`:
one per district, with a worker for every `BEDS_PER_WORKER` beds), and, as of
`as_of`, it was accepted 1-24 months before and last served within its cadence (one served
visit record, the history the first night plans from). A few more beds are applied for
and built but not yet accepted (the month's acceptance checks).
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from careroute.domain.bed_visits import BedVisit, BedVisitOutcome
from careroute.domain.beds import (
    EQUIPMENT,
    BedAction,
    BedPolicy,
    HomeCareBed,
    Subsistence,
    elder_care_level,
    step,
)
from careroute.domain.providers import Provider, ServiceMarket, ServiceWorker
from careroute.domain.scope_ids import elder_scope_ids, scope_ids
from careroute.domain.vocabulary import (
    CHINA_TZ,
    Category,
    Elder,
    ElderStatus,
    Registry,
    residential,
)
from careroute_synthetic.city import city_share
from careroute_synthetic.places import centre_of

HOME_CARE_BEDS = 4500
PENDING_SHARE = 0.02
"""Beds built but awaiting acceptance on `as_of`, as a share of the district's beds."""
BEDS_PER_WORKER = 30
"""A worker makes about 2.2 visits a month to each of their beds: ~66 visits, three a
working day, an hour each with the rides between (and room for not-home retries)."""


@dataclass(frozen=True)
class SyntheticBeds:
    beds: tuple[HomeCareBed, ...]
    history: tuple[BedVisit, ...]
    """One served visit per accepted bed before `as_of` (its last service)."""


def generate_beds(
    seed: int, city: Registry, *, as_of: date, policy: BedPolicy | None = None
) -> SyntheticBeds:
    """The beds of the districts of `city` (each district from its own random stream)."""
    policy = policy or BedPolicy()
    by_district: dict[str, list[Elder]] = defaultdict(list)
    for elder in city.elders:
        if elder.status is ElderStatus.ACTIVE and elder_care_level(elder) in policy.care_levels:
            by_district[elder.district_id].append(elder)
    communities: dict[str, int] = defaultdict(int)
    for community in residential(city.communities):
        communities[community.district_id] += 1
    beds: list[HomeCareBed] = []
    history: list[BedVisit] = []
    for district_id in sorted(communities):
        rng = random.Random(f"{seed}:beds:{district_id}")
        eligible = sorted(by_district[district_id], key=lambda e: e.elder_id)
        share = city_share(HOME_CARE_BEDS, communities[district_id])
        chosen = rng.sample(eligible, min(len(eligible), share))
        pending = max(1, round(len(chosen) * PENDING_SHARE))
        for n, elder in enumerate(sorted(chosen, key=lambda e: e.elder_id)):
            bed = _bed(rng, elder, district_id, as_of, policy, accepted=n >= pending)
            beds.append(bed)
            if bed.accepted_on is not None:
                history.append(_last_service(rng, bed, as_of, policy))
    return SyntheticBeds(tuple(beds), tuple(history))


def _bed(
    rng: random.Random,
    elder: Elder,
    district_id: str,
    as_of: date,
    policy: BedPolicy,
    accepted: bool,
) -> HomeCareBed:
    poor = Category.POOR in elder.categories
    statuses = sorted(policy.subsistence)
    means = (
        [s for s in statuses if s is not Subsistence.LOW_INCOME] if poor else statuses
    ) or statuses
    level = elder_care_level(elder)
    assert level is not None
    applied = as_of - timedelta(days=rng.randint(40, 730))
    bed = HomeCareBed(
        bed_id=f"HCB-{elder.elder_id}",
        **elder_scope_ids(elder),
        location=elder.location,
        provider_id=bed_provider_id(district_id),
        subsistence=rng.choice(means),
        care_level=level,
        applied_on=applied,
    )
    equipment = frozenset(rng.sample(sorted(EQUIPMENT), rng.randint(2, 4)))
    built_on = applied + timedelta(days=rng.randint(5, 20))
    if not accepted:
        return step(bed, BedAction.BUILD, min(built_on, as_of), equipment)
    bed = step(bed, BedAction.BUILD, built_on, equipment)
    return step(bed, BedAction.ACCEPT, built_on + timedelta(days=rng.randint(3, 15)), frozenset())


def _last_service(rng: random.Random, bed: HomeCareBed, as_of: date, policy: BedPolicy) -> BedVisit:
    assert bed.accepted_on is not None
    earliest = max(bed.accepted_on, as_of - timedelta(days=policy.cadence_days - 1))
    served_on = earliest + timedelta(days=rng.randint(0, max(0, (as_of - earliest).days - 1)))
    at = datetime.combine(served_on, datetime.min.time(), CHINA_TZ) + timedelta(hours=10)
    return BedVisit(
        visit_id=f"bv-history-{bed.bed_id}",
        bed_id=bed.bed_id,
        elder_id=bed.elder_id,
        provider_id=bed.provider_id,
        worker_id="",
        **scope_ids(bed),
        visited_at=at,
        outcome=BedVisitOutcome.SERVED,
        minutes=policy.service_minutes,
        recorded_at=at,
        note="synthetic history",
    )


def bed_provider_id(district_id: str) -> str:
    return f"hb-{district_id}"


def bed_market(city: Registry, beds: Sequence[HomeCareBed]) -> ServiceMarket:
    """One home care bed provider per district with beds, based at the centre of its
    communities, with a worker (skill "bed_care") for every BEDS_PER_WORKER beds."""
    counts: dict[str, int] = defaultdict(int)
    for bed in beds:
        counts[bed.district_id] += 1
    providers: list[Provider] = []
    workers: list[ServiceWorker] = []
    for district_id in sorted(counts):
        members = [c for c in residential(city.communities) if c.district_id == district_id]
        base = centre_of(members)
        provider_id = bed_provider_id(district_id)
        providers.append(Provider(provider_id, district_id, base, frozenset({"bed_care"})))
        for n in range(math.ceil(counts[district_id] / BEDS_PER_WORKER)):
            worker_id = f"hbw-{district_id}-{n + 1:02d}"
            workers.append(ServiceWorker(worker_id, provider_id, frozenset({"bed_care"})))
    return ServiceMarket(tuple(providers), tuple(workers), frozenset())


def pending_beds(beds: Sequence[HomeCareBed]) -> list[HomeCareBed]:
    """Beds built but not accepted yet (the month's acceptance checks), in id order."""
    return sorted((b for b in beds if b.accepted_on is None), key=lambda b: b.bed_id)
