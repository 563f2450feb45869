"""The month's capacity forecast: can each community reach 100 % unaided, before the month starts?

Per community it sets the visit-hours the month needs (every cadence visit and the monthly one,
the retries expected after not-home or refusal, and the travel between stops) against the hours
its stewards have (working days minus days off, leave and public holidays, times the shift less
the lunch break). A community short of hours gets helpers: communities of the same street with
hours to spare, nearest first, then the rest of the district. Pure: no AWS, no storage.

Travel per stop follows the Beardwood-Halton-Hammersley estimate of a tour through n random
points in an area A (length ~ 0.7124 * sqrt(n * A)), so a stop costs 0.7124 * sqrt(A / n) of
walking, with the community a disc of its registered radius.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from careroute.domain.due import WorkCalendar, month_end
from careroute.domain.policy import Policy
from careroute.domain.vocabulary import Community, Elder, ElderStatus, Registry, Steward, Tier
from careroute.planning.travel import haversine_m

BHH_CONSTANT = 0.7124
"""Beardwood-Halton-Hammersley: a shortest tour through n uniform points in area A is
about this times sqrt(n * A)."""


@dataclass(frozen=True)
class Assumptions:
    """What the forecast cannot know from the registry: say them next to every figure."""

    attempt_success: float = 0.85
    """Share of tries that end in a completed visit (not-home and refusal are the rest)."""
    usable_share: float = 0.9
    """Share of a steward's shift that can go to visits (the rest: recording, phone calls)."""

    def __post_init__(self) -> None:
        if not 0 < self.attempt_success <= 1:
            raise ValueError("attempt_success must be in (0, 1]")
        if not 0 < self.usable_share <= 1:
            raise ValueError("usable_share must be in (0, 1]")


@dataclass(frozen=True)
class Help:
    """Minutes a helping community's stewards should give to a short community."""

    from_community_id: str
    minutes: int
    level: str
    """"street" (a neighbour in the same street) or "district" (the district's pool)."""


@dataclass(frozen=True)
class CommunityForecast:
    community_id: str
    street_id: str
    district_id: str
    elders: int
    visits_required: int
    """Completed visits the rules ask for this month (cadence and monthly)."""
    tries_expected: float
    """Visits required divided by the attempt success rate: retries included."""
    minutes_required: int
    minutes_available: int
    visit_slots: int
    """Stewards' working days times their most visits a day."""
    help: tuple[Help, ...] = ()

    @property
    def shortfall_minutes(self) -> int:
        """Minutes the community cannot do itself (time or daily visit slots, the worse)."""
        by_time = self.minutes_required - self.minutes_available
        slots_short = math.ceil(self.tries_expected) - self.visit_slots
        minutes_per_try = self.minutes_required / self.tries_expected if self.tries_expected else 0
        by_slots = math.ceil(slots_short * minutes_per_try)
        return max(0, by_time, by_slots)

    @property
    def spare_minutes(self) -> int:
        """Minutes its stewards could give away and still do their own month."""
        slots_spare = self.visit_slots - math.ceil(self.tries_expected)
        if slots_spare <= 0:
            return 0
        return max(0, self.minutes_available - self.minutes_required)

    @property
    def unaided(self) -> bool:
        return self.shortfall_minutes == 0

    @property
    def uncovered_minutes(self) -> int:
        """Shortfall that no helper in the street or district could take."""
        return max(0, self.shortfall_minutes - sum(h.minutes for h in self.help))


@dataclass(frozen=True)
class StreetForecast:
    street_id: str
    district_id: str
    minutes_required: int
    minutes_available: int
    short_communities: tuple[str, ...]

    @property
    def unaided(self) -> bool:
        """The street's communities together have the hours (helping each other)."""
        return self.minutes_required <= self.minutes_available


@dataclass(frozen=True)
class CapacityForecast:
    month: date
    """First day of the month."""
    assumptions: Assumptions
    communities: tuple[CommunityForecast, ...]
    streets: tuple[StreetForecast, ...]

    @property
    def flagged_communities(self) -> tuple[CommunityForecast, ...]:
        return tuple(c for c in self.communities if not c.unaided)

    @property
    def flagged_streets(self) -> tuple[StreetForecast, ...]:
        return tuple(s for s in self.streets if not s.unaided)


def visits_required(elder: Elder, tier: Tier, first: date, last: date, policy: Policy) -> int:
    """Completed visits the rules ask for in [first, last], each made on its deadline."""
    cadence = policy.tiers[tier].cadence_days
    count = 0
    if cadence is not None:
        due = first
        if elder.last_visited_on is not None:
            due = max(first, elder.last_visited_on + timedelta(days=cadence))
        while due <= last:
            count += 1
            due += timedelta(days=cadence)
    if policy.monthly_visit_required and count == 0:
        count = 1
    return count


def steward_minutes_per_day(steward: Steward) -> int:
    """Shift minutes less the lunch break."""
    shift = (steward.shift.end - steward.shift.start) // 60
    if steward.lunch_break is None:
        return shift
    return shift - (steward.lunch_break.end - steward.lunch_break.start) // 60


def travel_minutes_per_stop(
    community: Community, stops_per_day: float, policy: Policy, steward: Steward | None
) -> float:
    """Walking (or riding) minutes between two stops, by the BHH tour estimate."""
    if stops_per_day <= 0:
        return 0.0
    area = math.pi * community.radius_m**2
    metres = BHH_CONSTANT * math.sqrt(area / stops_per_day) * policy.circuity
    mode = steward.mode if steward is not None else next(iter(policy.speed_kmh))
    return metres / (policy.speed_kmh[mode] * 1000 / 60)


def forecast(
    month: date,
    registry: Registry,
    policy: Policy,
    holidays: Iterable[date] = (),
    assumptions: Assumptions | None = None,
) -> CapacityForecast:
    """The month's forecast for every community of the registry."""
    assume = assumptions or Assumptions()
    first, last = month.replace(day=1), month_end(month)
    closed = frozenset(holidays)
    stewards: dict[str, list[Steward]] = defaultdict(list)
    for steward in registry.stewards:
        stewards[steward.community_id].append(steward)
    elders: dict[str, list[Elder]] = defaultdict(list)
    for elder in registry.elders:
        if elder.status is ElderStatus.ACTIVE:
            elders[elder.community_id].append(elder)
    alone = [
        _community(
            c, stewards[c.community_id], elders[c.community_id], first, last, policy, closed, assume
        )
        for c in registry.communities
    ]
    helped = _assign_help(alone, {c.community_id: c for c in registry.communities})
    return CapacityForecast(first, assume, tuple(helped), _streets(helped))


def _community(
    community: Community,
    stewards: list[Steward],
    elders: list[Elder],
    first: date,
    last: date,
    policy: Policy,
    holidays: frozenset[date],
    assume: Assumptions,
) -> CommunityForecast:
    days = slots = available = 0
    for steward in stewards:
        working = len(WorkCalendar.of(steward, holidays).working_days(first, last))
        days += working
        slots += steward.max_visits_per_day * working
        available += working * steward_minutes_per_day(steward)
    required_visits = 0
    service = 0.0
    for elder in elders:
        tier = policy.tier_of(elder, first)
        visits = visits_required(elder, tier, first, last, policy)
        required_visits += visits
        service += visits * policy.tiers[tier].service_minutes / assume.attempt_success
    tries = required_visits / assume.attempt_success
    per_day = tries / days if days else tries
    travel = tries * travel_minutes_per_stop(
        community, per_day, policy, stewards[0] if stewards else None
    )
    return CommunityForecast(
        community_id=community.community_id,
        street_id=community.street_id,
        district_id=community.district_id,
        elders=len(elders),
        visits_required=required_visits,
        tries_expected=round(tries, 1),
        minutes_required=math.ceil(service + travel),
        minutes_available=math.floor(available * assume.usable_share),
        visit_slots=slots,
    )


def _assign_help(
    forecasts: list[CommunityForecast], communities: dict[str, Community]
) -> list[CommunityForecast]:
    """Give each short community helpers: same street first, nearest first, then the district."""
    spare = {f.community_id: f.spare_minutes for f in forecasts}
    result: list[CommunityForecast] = []
    for short in sorted(forecasts, key=lambda f: -f.shortfall_minutes):
        need = short.shortfall_minutes
        help_: list[Help] = []
        here = communities[short.community_id].location
        for level in ("street", "district"):
            donors = sorted(
                (f for f in forecasts if f is not short and _near(level, f, short)),
                key=lambda f: haversine_m(here, communities[f.community_id].location),
            )
            for donor in donors:
                if need <= 0:
                    break
                give = min(need, spare[donor.community_id])
                if give > 0:
                    spare[donor.community_id] -= give
                    need -= give
                    help_.append(Help(donor.community_id, give, level))
        result.append(replace(short, help=tuple(help_)))
    order = {f.community_id: k for k, f in enumerate(forecasts)}
    return sorted(result, key=lambda f: order[f.community_id])


def _near(level: str, a: CommunityForecast, b: CommunityForecast) -> bool:
    if level == "street":
        return a.street_id == b.street_id
    return a.district_id == b.district_id


def _streets(forecasts: list[CommunityForecast]) -> tuple[StreetForecast, ...]:
    by_street: dict[str, list[CommunityForecast]] = defaultdict(list)
    for f in forecasts:
        by_street[f.street_id].append(f)
    return tuple(
        StreetForecast(
            street_id=street,
            district_id=members[0].district_id,
            minutes_required=sum(m.minutes_required for m in members),
            minutes_available=sum(m.minutes_available for m in members),
            short_communities=tuple(m.community_id for m in members if not m.unaided),
        )
        for street, members in sorted(by_street.items())
    )
