"""A city as the product leaves it: every night planned, every planned stop walked.

The synthetic history (`careroute_synthetic.history`) is a model of what the nightly planner
leaves behind: each elder's last visit on a day with routes (no public holidays; the duty days
of a long closure for the tiers on duty), spread evenly over the tier's cadence, and a visit
due inside a closure made before it. Around a public-holiday closure the tests go further and
take the planner's own rhythm instead of the model's: which visits it brings forward, how
full it makes the days before the closure and the first day back.

`walk_nights` gives the tests such a city as it would stand: the same nightly use cases the
planner and solver functions run (`fan_out`, `plan_community`, on the memory adapters, with
China's calendar in force), night after night, each route's stops recorded as visited.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

from careroute.adapters.china_calendar import ChinaCalendar
from careroute.adapters.memory import (
    MemoryCommunities,
    MemoryElders,
    MemoryHolidays,
    MemoryStewards,
)
from careroute.adapters.memory_day_reads import MemoryDayReads
from careroute.adapters.memory_day_writes import MemoryDayWrites
from careroute.adapters.memory_visits import MemoryOverflowMarks, MemoryPlanJobs, MemoryRoutes
from careroute.domain.policy import Policy
from careroute.domain.vocabulary import CHINA_TZ, Registry
from careroute.messages.visits import NightlyTick
from careroute.service_layer.nightly_ports import NightlyPlanning
from careroute.service_layer.planning import CommunityPlanning, fan_out, plan_community

NIGHTLY_HOUR = time(21, 0)
"""The nightly plan runs at 21:00 the evening before (template.yaml's schedule)."""


def shifted_history(city: Registry, back: timedelta) -> Registry:
    """The city with every last visit `back` earlier: the same rhythm, that much sooner."""
    elders = tuple(
        e if e.last_visited_on is None else replace(e, last_visited_on=e.last_visited_on - back)
        for e in city.elders
    )
    return replace(city, elders=elders)


def walk_nights(city: Registry, first: date, until: date, policy: Policy) -> Registry:
    """`city` after the nights planning `first` to the day before `until`, every planned stop
    walked (visited on its day); the rest of each elder is kept as it was."""
    communities, stewards, elders = MemoryCommunities(), MemoryStewards(), MemoryElders()
    communities.save_communities(city.communities)
    stewards.save_stewards(city.stewards)
    elders.save_elders(city.elders)
    routes, plan_jobs = MemoryRoutes(), MemoryPlanJobs()
    nightly = NightlyPlanning(
        communities,
        stewards,
        elders,
        routes,
        MemoryOverflowMarks(),
        ChinaCalendar(MemoryHolidays()),
        plan_jobs,
    )
    days = MemoryDayReads(communities, stewards, routes)
    writes = MemoryDayWrites(routes, nightly.overflow)
    solving = CommunityPlanning(
        communities, stewards, elders, routes, nightly.overflow, days, writes
    )
    day = first
    while day < until:
        evening = datetime.combine(day - timedelta(days=1), NIGHTLY_HOUR, CHINA_TZ)
        fan_out(NightlyTick(scheduled_time=evening, plan_date=day), f"walk-{day}", policy, nightly)
        for job in plan_jobs.take_all():
            plan_community(job, policy, solving)
        for steward in city.stewards:
            route = routes.find_route(steward.steward_id, day)
            for stop in route["stops"] if route else []:
                elders.mark_visited(stop["community_id"], stop["elder_id"], day)
        day += timedelta(days=1)
    walked = {
        e.elder_id: e.last_visited_on
        for c in city.communities
        for e in elders.elders_of_community(c.community_id)
    }
    return replace(
        city, elders=tuple(replace(e, last_visited_on=walked[e.elder_id]) for e in city.elders)
    )
