"""The month's capacity forecast: can each community reach 100 % unaided, before the month starts?

Per community it sets the visit-hours the month needs (every cadence visit and the monthly one,
the retries expected after not-home or refusal, and the travel between stops) against the hours
its stewards have (working days minus days off, leave, public holidays and the share expected
lost to sickness, times the shift less the lunch break). A community short of hours or of daily
visit slots gets helpers: communities of the same street with hours and slots to spare, nearest
first, then the street's relief post (a relief steward's whole month of hours: street help),
then the rest of the district. Relief posts are helpers only, never rows of the forecast.
A street is flagged when its own communities and its post cannot cover each other. Pure: no
AWS, no storage.

Travel follows the Beardwood-Halton-Hammersley estimate of a shortest tour through n random
points in an area A (length ~ 0.7124 * sqrt(n * A)): each working day is one tour through the
day's stops and the community office, with the community a disc of its registered radius.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Literal

from careroute.domain.due import WorkCalendar, month_end
from careroute.domain.policy import Policy
from careroute.domain.vocabulary import Community, Elder, ElderStatus, Registry, Steward, Tier
from careroute.planning.travel import haversine_m

HelpLevel = Literal["street", "district"]
"""Where a helper comes from: a neighbour in the same street, or the district's pool."""
HELP_LEVELS: tuple[HelpLevel, ...] = ("street", "district")
"""The order helpers are sought in."""

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
    absence_share: float = 0.04
    """Share of working days expected lost to sickness, which no leave record shows before the
    month: a 2 % chance a day of falling sick for one to three days loses about 4 %."""

    def __post_init__(self) -> None:
        if not 0 < self.attempt_success <= 1:
            raise ValueError("attempt_success must be in (0, 1]")
        if not 0 < self.usable_share <= 1:
            raise ValueError("usable_share must be in (0, 1]")
        if not 0 <= self.absence_share < 1:
            raise ValueError("absence_share must be in [0, 1)")


@dataclass(frozen=True)
class Help:
    """Minutes a helping community's stewards should give to a short community."""

    from_community_id: str
    minutes: int
    level: HelpLevel
    from_name: str
    """The helping community's name (it may lie outside the scope a report shows)."""


@dataclass(frozen=True)
class CommunityForecast:
    community_id: str
    name: str
    street_id: str
    street_name: str
    district_id: str
    stewards: int
    elders: int
    """Active elders."""
    visits_required: int
    """Completed visits the rules ask for this month (cadence and monthly)."""
    tries_expected: float
    """Visits required divided by the attempt success rate: retries included."""
    travel_minutes: int
    """The month's walking (or riding) between stops, part of `minutes_required`."""
    minutes_required: int
    """Every expected try's service time plus the travel."""
    minutes_available: int
    """The stewards' working minutes in the month, times the usable share."""
    visit_slots: int
    """Stewards' working days times their most visits a day."""
    help: tuple[Help, ...] = ()

    @property
    def minutes_per_try(self) -> float:
        return self.minutes_required / self.tries_expected if self.tries_expected else 0.0

    @property
    def slots_short(self) -> int:
        """Tries that do not fit in the stewards' daily visit limits."""
        return max(0, math.ceil(self.tries_expected) - self.visit_slots)

    @property
    def shortfall_minutes(self) -> int:
        """Minutes the community cannot do itself (time or daily visit slots, the worse)."""
        by_time = self.minutes_required - self.minutes_available
        by_slots = math.ceil(self.slots_short * self.minutes_per_try)
        return max(0, by_time, by_slots)

    @property
    def spare_minutes(self) -> int:
        """Minutes its stewards could give away and still do their own month."""
        if self.spare_slots == 0:
            return 0
        return max(0, self.minutes_available - self.minutes_required)

    @property
    def spare_slots(self) -> int:
        """Visits a day's limit still allows, over the month, after its own tries."""
        return max(0, self.visit_slots - math.ceil(self.tries_expected))

    @property
    def unaided(self) -> bool:
        return self.shortfall_minutes == 0

    @property
    def help_minutes(self) -> int:
        return sum(h.minutes for h in self.help)

    @property
    def uncovered_minutes(self) -> int:
        """Shortfall that no helper in the street or district could take."""
        return max(0, self.shortfall_minutes - self.help_minutes)


@dataclass(frozen=True)
class StreetForecast:
    street_id: str
    street_name: str
    district_id: str
    minutes_required: int
    minutes_available: int
    shortfall_minutes: int
    """Its communities' shortfalls added up."""
    street_help_minutes: int
    """What the street's own communities and its relief post give its short communities."""
    short_communities: tuple[str, ...]

    @property
    def outside_help_minutes(self) -> int:
        """Shortfall the street's own communities cannot cover: help from the district or
        beyond."""
        return self.shortfall_minutes - self.street_help_minutes

    @property
    def unaided(self) -> bool:
        """The street's communities cover each other's shortfalls."""
        return self.outside_help_minutes == 0


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

    @property
    def shortfall_minutes(self) -> int:
        return sum(c.shortfall_minutes for c in self.communities)

    @property
    def help_minutes(self) -> int:
        return sum(c.help_minutes for c in self.communities)

    @property
    def uncovered_minutes(self) -> int:
        return sum(c.uncovered_minutes for c in self.communities)


def visits_required(
    elder: Elder, tier: Tier, first: date, last: date, policy: Policy, rest_of_month: bool = False
) -> int:
    """Completed visits the rules ask for in [first, last], each made on its deadline.

    The visits until the month starts are taken as kept on cadence too: the forecast is read
    before the month, while the last visits still move, so a weekly elder last seen three weeks
    before the 1st is next due on the cadence's own day, not on the 1st. An elder never
    visited is due on the 1st. For the rest of a month under way (`rest_of_month`, from a day
    inside it), a month already covered asks for no monthly visit; the month's forecast counts
    every monthly visit, whenever it is read."""
    cadence = policy.tiers[tier].cadence_days
    count = 0
    if cadence is not None:
        due = first
        if elder.last_visited_on is not None:
            due = elder.last_visited_on + timedelta(days=cadence)
            if due < first:
                due += timedelta(days=cadence * math.ceil((first - due).days / cadence))
        while due <= last:
            count += 1
            due += timedelta(days=cadence)
    covered = rest_of_month and elder.month_covered(first, policy.contacts.count_toward_monthly)
    if policy.monthly_visit_required and count == 0 and not covered:
        count = 1
    return count


def steward_minutes_per_day(steward: Steward) -> int:
    """Shift minutes less the lunch break."""
    shift = (steward.shift.end - steward.shift.start) // 60
    if steward.lunch_break is None:
        return shift
    return shift - (steward.lunch_break.end - steward.lunch_break.start) // 60


def daily_tour_minutes(
    community: Community, stops: float, policy: Policy, steward: Steward | None
) -> float:
    """Minutes of one day's round from the community office through `stops` homes and back,
    by the BHH estimate over the community's disc (the office counts as one more point)."""
    if stops <= 0:
        return 0.0
    area = math.pi * community.radius_m**2
    metres = BHH_CONSTANT * math.sqrt((stops + 1) * area) * policy.circuity
    mode = steward.mode if steward is not None else next(iter(policy.speed_kmh))
    return metres / (policy.speed_kmh[mode] * 1000 / 60)


def forecast(
    month: date,
    registry: Registry,
    policy: Policy,
    holidays: Iterable[date] = (),
    assumptions: Assumptions | None = None,
    workdays: Iterable[date] = (),
) -> CapacityForecast:
    """The month's forecast for every community of the registry, in the registry's order.

    Helpers come from the registry given: pass whole districts, or the district pool is
    smaller than the real one."""
    assume = assumptions or Assumptions()
    first, last = month.replace(day=1), month_end(month)
    closed, made_up = frozenset(holidays), frozenset(workdays)
    stewards: dict[str, list[Steward]] = defaultdict(list)
    for steward in registry.stewards:
        stewards[steward.community_id].append(steward)
    elders: dict[str, list[Elder]] = defaultdict(list)
    for elder in registry.elders:
        if elder.status is ElderStatus.ACTIVE:
            elders[elder.community_id].append(elder)
    alone = [
        _community(
            c,
            stewards[c.community_id],
            elders[c.community_id],
            first,
            last,
            policy,
            closed,
            assume,
            made_up,
        )
        for c in registry.communities
    ]
    by_id = {c.community_id: c for c in registry.communities}
    helped = [f for f in _assign_help(alone, by_id) if by_id[f.community_id].residential]
    return CapacityForecast(first, assume, tuple(helped), _streets(helped))


def first_try_share(
    community: Community,
    steward: Steward,
    elders: Iterable[Elder],
    day: date,
    policy: Policy,
    holidays: frozenset[date] = frozenset(),
    workdays: frozenset[date] = frozenset(),
    assumptions: Assumptions | None = None,
) -> float:
    """The share of each working day the horizon may plan, for a steward planning `day`.

    The forecast of the rest of the month (from `day` to its end), for this one community:
    when its stewards' hours cannot hold the month's tries with the retries expected after
    not-home and refusal, the horizon plans only the attempt success rate's share of each day,
    so the plan shows overflow from the first night and neighbours take it (the nightly
    fan-out), while the route fills the rest of the shift with the retries and the visits that
    can go early; a community that can do its month alone plans whole days (1.0). Planned into
    whole days, such a community finds out only when its retries come, in the month's last
    weeks, which is too late."""
    assume = assumptions or Assumptions()
    active = [e for e in elders if e.status is ElderStatus.ACTIVE]
    last = month_end(day)
    rest = _community(
        community, [steward], active, day, last, policy, holidays, assume, workdays, True
    )
    return 1.0 if rest.unaided else assume.attempt_success


def _community(
    community: Community,
    stewards: list[Steward],
    elders: list[Elder],
    first: date,
    last: date,
    policy: Policy,
    holidays: frozenset[date],
    assume: Assumptions,
    workdays: frozenset[date] = frozenset(),
    rest_of_month: bool = False,
) -> CommunityForecast:
    days = slots = available = 0.0
    present = 1 - assume.absence_share
    for steward in stewards:
        calendar = WorkCalendar.of(steward, holidays, workdays)
        working = len(calendar.working_days(first, last)) * present
        days += working
        slots += steward.max_visits_per_day * working
        available += working * steward_minutes_per_day(steward)
    required_visits = 0
    service = 0.0
    for elder in elders:
        tier = policy.tier_of(elder, first)
        visits = visits_required(elder, tier, first, last, policy, rest_of_month)
        required_visits += visits
        service += visits * policy.tiers[tier].service_minutes / assume.attempt_success
    tries = required_visits / assume.attempt_success
    rounds = max(days, 1)
    first_steward = stewards[0] if stewards else None
    travel = rounds * daily_tour_minutes(community, tries / rounds, policy, first_steward)
    return CommunityForecast(
        community_id=community.community_id,
        name=community.name,
        street_id=community.street_id,
        street_name=community.street_name,
        district_id=community.district_id,
        stewards=len(stewards),
        elders=len(elders),
        visits_required=required_visits,
        tries_expected=round(tries, 1),
        travel_minutes=math.ceil(travel),
        minutes_required=math.ceil(service + travel),
        minutes_available=math.floor(available * assume.usable_share),
        visit_slots=math.floor(slots),
    )


def _assign_help(
    forecasts: list[CommunityForecast], communities: dict[str, Community]
) -> list[CommunityForecast]:
    """Give each short community helpers: same street first, nearest first (the street's
    relief post after its neighbours), then the district.

    A helper gives at most its spare minutes, and at most as many of the short community's
    tries as its own daily visit limits leave room for. The largest shortfall is served first.
    """
    spare_minutes = {f.community_id: f.spare_minutes for f in forecasts}
    spare_slots = {f.community_id: f.spare_slots for f in forecasts}
    helped: dict[str, CommunityForecast] = {}
    for short in sorted(forecasts, key=lambda f: -f.shortfall_minutes):
        need = short.shortfall_minutes
        help_: list[Help] = []
        here = communities[short.community_id].location
        for level in HELP_LEVELS:
            donors = sorted(
                (f for f in forecasts if f is not short and _near(level, f, short)),
                key=lambda f: (
                    not communities[f.community_id].residential,
                    haversine_m(here, communities[f.community_id].location),
                ),
            )
            for donor in donors:
                if need <= 0:
                    break
                by_slots = math.floor(spare_slots[donor.community_id] * short.minutes_per_try)
                give = min(need, spare_minutes[donor.community_id], by_slots)
                if give > 0:
                    spare_minutes[donor.community_id] -= give
                    if short.minutes_per_try:
                        tries = math.ceil(give / short.minutes_per_try)
                        spare_slots[donor.community_id] -= min(
                            tries, spare_slots[donor.community_id]
                        )
                    need -= give
                    help_.append(Help(donor.community_id, give, level, donor.name))
        helped[short.community_id] = replace(short, help=tuple(help_))
    return [helped[f.community_id] for f in forecasts]


def _near(level: HelpLevel, a: CommunityForecast, b: CommunityForecast) -> bool:
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
            street_name=members[0].street_name,
            district_id=members[0].district_id,
            minutes_required=sum(m.minutes_required for m in members),
            minutes_available=sum(m.minutes_available for m in members),
            shortfall_minutes=sum(m.shortfall_minutes for m in members),
            street_help_minutes=sum(
                h.minutes for m in members for h in m.help if h.level == "street"
            ),
            short_communities=tuple(m.community_id for m in members if not m.unaided),
        )
        for street, members in sorted(by_street.items())
    )
