"""One simulated day, through an engine (`engine.py`): the night's plan, the morning's
discharges and sick calls, every steward's walk, the projector, the registry confirmed and the
tickets followed up.
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any

from careroute.domain import clock
from careroute.domain.vocabulary import ElderStatus, Outcome, Steward, parse_clock
from careroute_local.simulation.api_client import error_text
from careroute_local.simulation.config import draw
from careroute_local.simulation.engine import Engine
from careroute_local.simulation.state import DayStats, Run
from careroute_local.simulation.tickets import DUTY_ROUND, duty_round, follow_up
from careroute_local.simulation.timetable import (
    ESCALATION_RUN,
    EVENING_CONFIRM,
    EVENING_PLAN,
    FOLLOW_UP,
    MORNING,
    at,
    regular_day,
)
from careroute_local.simulation.visits import walk_route

SICK_SPELL_DAYS = (1, 3)
"""A steward who falls sick is away this many days (uniform, both ends included)."""


def one_day(
    run: Run,
    engine: Engine,
    sim_clock: clock.SimulatedClock,
    day: date,
    district_ids: list[str],
) -> DayStats:
    stats = DayStats(day)
    # 1. The nightly plan, fired the evening before.
    evening = at(day - timedelta(days=1), EVENING_PLAN)
    sim_clock.set(evening)
    t0 = time.perf_counter()
    engine.fan_out(evening, day, district_ids)
    t1 = time.perf_counter()
    drained = engine.solve()
    t2 = time.perf_counter()
    if drained.failed or drained.dead_lettered:
        run.note(
            f"{day}: {drained.failed} plan job deliveries failed, "
            f"{drained.dead_lettered} dead-lettered"
        )
        run.totals["plan_jobs_failed"] += drained.failed

    # 2. The morning: discharges and sickness.
    sim_clock.set(at(day, MORNING))
    t_cover = time.perf_counter()
    discharged = _discharge(run, engine, day)
    sick_today = _fall_sick(run, engine, day)
    stats.sick_stewards = len(sick_today)
    if sick_today or discharged:  # re-plans: neighbours covering the sick, elders back home
        engine.solve()
    covering = time.perf_counter() - t_cover

    # 3. The stewards' day.
    status_changes: list[tuple[str, str, ElderStatus]] = []
    worked: list[Steward] = []
    for steward in sorted(run.city.stewards, key=lambda s: s.steward_id):
        if not regular_day(steward, day):
            continue
        if steward.steward_id in sick_today:
            route = engine.planned_route(steward.steward_id, day)
            _workload(run, steward, day, route, [], status="sick")
            if route is not None:
                _tally_plan(run, route, day, stats)
                for stop in route["stops"]:
                    run.evidence[stop["elder_id"]].sick.append(day)
            continue
        # Each steward's day starts in the morning (the last walk left the clock at its end).
        sim_clock.set(at(day, MORNING))
        status, route = engine.fetch_route(steward.steward_id, day)
        if status == 404:
            on_leave = day in run.leave[steward.steward_id]
            _workload(run, steward, day, None, [], status="leave" if on_leave else "no route")
            continue
        if status != 200:
            run.note(f"{day}: GET route of {steward.steward_id} answered {status}")
            continue
        _tally_plan(run, route, day, stats)
        worked.append(steward)
        results = walk_route(run, engine, sim_clock, steward, route, day, status_changes)
        stats.attempted += len(results)
        stats.completed += sum(1 for r in results if r["outcome"] == Outcome.VISITED.value)
        _workload(run, steward, day, route, results, status="worked")
    t3 = time.perf_counter()

    # 4. The projector, then the registry confirmed by an official.
    engine.project()
    t4 = time.perf_counter()
    sim_clock.set(at(day, EVENING_CONFIRM))
    for community_id, elder_id, new_status in status_changes:
        _set_status(run, engine, community_id, elder_id, new_status)
    # 5. Follow-ups: stewards at work close the tickets whose day has come; then the
    #    escalator's evening run moves overdue ones up (the real scheduled function).
    sim_clock.set(at(day, FOLLOW_UP))
    for steward in worked:
        follow_up(run, engine, steward, day)
    engine.escalate(at(day, ESCALATION_RUN))
    sim_clock.set(at(day, DUTY_ROUND))
    duty_round(run, engine, day)
    t5 = time.perf_counter()

    stats.seconds = {
        "planning": t1 - t0,
        "solving": t2 - t1 + covering,
        "api": (t3 - t2) + (t5 - t4) - covering,
        "projection": t4 - t3,
    }
    run.timings.planning += stats.seconds["planning"]
    run.timings.solving += stats.seconds["solving"]
    run.timings.api += stats.seconds["api"]
    run.timings.projection += stats.seconds["projection"]
    return stats


def _set_status(
    run: Run, engine: Engine, community_id: str, elder_id: str, status: ElderStatus
) -> None:
    code, payload = engine.set_elder_status(community_id, elder_id, status)
    if code != 200:
        run.note(f"PATCH elder status answered {code}: {error_text(payload)}")


def _discharge(run: Run, engine: Engine, day: date) -> int:
    """Elders due home today are reported back (before the day's work); how many."""
    home = 0
    for state in run.elders.values():
        if state.home_on == day and state.status is ElderStatus.HOSPITALISED:
            _set_status(run, engine, state.community_id, state.elder_id, ElderStatus.ACTIVE)
            state.resume(day)
            run.totals["discharged"] += 1
            home += 1
    return home


def _fall_sick(run: Run, engine: Engine, day: date) -> set[str]:
    config = run.config
    sick_today: set[str] = set()
    calls: list[Steward] = []
    for steward in run.city.stewards:
        sid = steward.steward_id
        if day in run.sick_days[sid]:
            sick_today.add(sid)
            continue
        if not regular_day(steward, day) or day in run.leave[sid]:
            continue
        rng = draw(config.seed, "sick", day, sid)
        if rng.random() >= config.rates.sick:
            continue
        length = rng.randint(*SICK_SPELL_DAYS)
        days = {day + timedelta(days=k) for k in range(length)}
        run.sick_days[sid] |= days
        run.leave[sid] |= days
        run.totals["sickness_spells"] += 1
        sick_today.add(sid)
        calls.append(steward)
    district_of = {c.community_id: c.district_id for c in run.city.communities}
    for batch in call_batches(calls, district_of):
        for steward in batch:
            _call_in_sick(run, engine, steward.steward_id)
        engine.solve()
    return sick_today


def call_batches(calls: list[Steward], district_of: dict[str, str]) -> list[list[Steward]]:
    """The morning's sick calls in the batches whose re-plans are solved together.

    The queue's consumer re-plans the helpers within seconds of each call, long before the
    next call: a later call finds the routes the earlier ones filled (and a helper who calls
    in sick later hands on the cover its route then holds). A call reads and writes only its
    own district (cover comes from the street, then the district's pool), so the k-th call
    of every district can go out together and be solved as one batch, and each call still
    finds every earlier call of its district solved. The first call of the morning goes
    alone: it alone meets the discharges' re-plans not solved yet.
    """
    batches: list[list[Steward]] = [calls[:1]] if calls else []
    seen: dict[str, int] = {}
    for steward in calls[1:]:
        district = district_of[steward.community_id]
        turn = seen[district] = seen.get(district, 0) + 1
        if turn == len(batches):
            batches.append([])
        batches[turn].append(steward)
    return batches


def _call_in_sick(run: Run, engine: Engine, steward_id: str) -> None:
    """The steward's sick days go to the planner, which hands their urgent visits to helpers."""
    status, payload = engine.set_leave(steward_id, sorted(run.leave[steward_id]))
    if status != 200:
        run.note(
            f"PUT /stewards/{{id}}/leave answered {status}: sick days are not known to "
            f"the planner ({error_text(payload)})"
        )


def _tally_plan(run: Run, route: dict[str, Any], day: date, stats: DayStats) -> None:
    stops, unassigned = route["stops"], route.get("unassigned", [])
    for stop in stops:
        run.evidence[stop["elder_id"]].planned.append(day)
    for left in unassigned:
        run.evidence[left["elder_id"]].dropped.append((day, str(left.get("reason", ""))))
    retry, cover = _count(stops, "retry"), _count(stops, "cover")
    mandatory = _count(unassigned, "mandatory")
    stats.routes += 1
    stats.planned += len(stops)
    stats.retry_stops += retry
    stats.cover_stops += cover
    stats.mandatory_dropped += mandatory
    run.totals["visits_planned"] += len(stops)
    run.totals["retry_stops"] += retry
    run.totals["cover_stops"] += cover
    run.totals["mandatory_unassigned"] += mandatory


def _count(items: list[dict[str, Any]], flag: str) -> int:
    """How many stops (or unassigned elders) carry `flag` (retry, cover, mandatory)."""
    return sum(1 for item in items if item.get(flag, False))


def _minutes(text: str | None) -> float:
    return parse_clock(text) / 60 if text else 0.0


def _workload(
    run: Run,
    steward: Steward,
    day: date,
    route: dict[str, Any] | None,
    results: list[dict[str, Any]],
    status: str,
) -> None:
    stops = route["stops"] if route else []
    hours = 0.0
    if route and stops and status == "worked":
        hours = round((_minutes(route.get("return")) - _minutes(route.get("depart"))) / 60, 2)
    run.workload.append(
        {
            "steward_id": steward.steward_id,
            "community_id": steward.community_id,
            "date": day.isoformat(),
            "status": status,
            "planned": len(stops),
            "attempts": len(results),
            "visited": sum(1 for r in results if r["outcome"] == Outcome.VISITED.value),
            "cover_stops": _count(stops, "cover"),
            "retry_stops": _count(stops, "retry"),
            "hours_on_route": hours,
            "travel_minutes": (route or {}).get("stats", {}).get("travel_minutes", 0.0)
            if status == "worked"
            else 0.0,
        }
    )


def progress_line(stats: DayStats) -> str:
    s = stats.seconds
    total = sum(s.values())
    extra = f", {stats.retry_stops:,} re-plans" if stats.retry_stops else ""
    extra += f", {stats.cover_stops:,} cover" if stats.cover_stops else ""
    extra += f", {stats.sick_stewards} sick" if stats.sick_stewards else ""
    return (
        f"day {stats.day}: planned {stats.planned:,} on {stats.routes:,} routes, "
        f"attempted {stats.attempted:,}, visited {stats.completed:,}{extra} — "
        f"plan {s['planning']:.1f} s, solve {s['solving']:.1f} s, api {s['api']:.1f} s, "
        f"projection {s['projection']:.1f} s = {total:.1f} s"
    )
