"""Which communities the night's plan looks at for overflow to hand to neighbours.

Those whose routes of the last days marked it (`DayMark`): the offload recomputes each one's
horizon, so the marks only narrow the search. A night with no mark at all is the planner's
first (or follows days without overflow anywhere): the communities short of hours for the
rest of the month are looked at then, since their horizon plans only a share of each day
(`first_try_share`) and so has overflow from its first night on; a visit whose last day with
a retry comes on that first night would otherwise wait for the marks of the next.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from careroute.domain.policy import Policy
from careroute.domain.vocabulary import Community, Steward
from careroute.planning.capacity import first_try_share
from careroute.service_layer.ports import ElderRepository, OverflowMarks
from careroute.service_layer.ports.visits import DayMark

LOOK_BACK_DAYS = 4
"""How far back the planner looks for overflow marks (over a weekend or a holiday): days
other than public holidays, so the first day after a holiday week still looks back to the
days before it."""


def overloaded_communities(
    overflow: OverflowMarks,
    plan_date: date,
    holidays: frozenset[date] = frozenset(),
    kind: DayMark = DayMark.OVERFLOW,
) -> set[str]:
    """Communities whose routes of the last few days said their steward cannot do all visits
    in time (or, `kind` PINNED, that their next working day was pinned full): a candidate set,
    the offload recomputes and hands out only real overflow."""
    found: set[str] = set()
    day, left = plan_date, LOOK_BACK_DAYS
    while left > 0:
        day -= timedelta(days=1)
        found |= overflow.overflowing_on(day, kind)
        if day not in holidays:
            left -= 1
    return found


@dataclass(frozen=True)
class NightMarks:
    """What the routes of the last days marked, read once a night for the whole city: the
    fan-out decides its cover district by district, and every district looks at the same."""

    overloaded: set[str]
    """Communities with overflow (`DayMark.OVERFLOW`)."""
    pinned: set[str]
    """Communities whose next working day was pinned full (`DayMark.PINNED`)."""

    @property
    def none(self) -> bool:
        """No route of the last days marked anything: the planner's first night."""
        return not (self.overloaded or self.pinned)


def night_marks(
    overflow: OverflowMarks, plan_date: date, holidays: frozenset[date] = frozenset()
) -> NightMarks:
    """Both marks of the last few days before the plan date (`overloaded_communities`)."""
    return NightMarks(
        overloaded_communities(overflow, plan_date, holidays),
        overloaded_communities(overflow, plan_date, holidays, DayMark.PINNED),
    )


def short_of_hours(
    elders: ElderRepository,
    communities: dict[str, Community],
    stewards: dict[str, Steward],
    policy: Policy,
    on: tuple[date, frozenset[date], frozenset[date]],
) -> set[str]:
    """The communities (of those given) whose steward's hours cannot hold the rest of the
    month's tries from the day `on` names (with its holidays and make-up days): their
    horizon plans a share of each day. Their elders are read at once (side by side)."""
    day, holidays, workdays = on
    candidates = {c: community for c, community in communities.items() if c in stewards}
    read = elders.elders_of_communities(candidates)
    return {
        community_id
        for community_id, community in candidates.items()
        if first_try_share(
            community, stewards[community_id], read[community_id], day, policy, holidays, workdays
        )
        < 1.0
    }
