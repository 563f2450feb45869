"""`careroute simulate`: the month, day by day on a fresh engine (the local stack, or the use
cases in memory), then the check and the report written; the exit code says whether every
elder was covered on time.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta
from typing import Any

from careroute_synthetic.hospitals import hospitals_of
from careroute_synthetic.meals import MEAL_SEED

from careroute.domain import clock
from careroute.domain.compliance import Compliance, ElderBaseline, month_bounds, stricter
from careroute.domain.hospitals import Hospital
from careroute.domain.policy import Policy
from careroute.domain.vocabulary import Category, ElderStatus, Registry
from careroute.planning.capacity import Assumptions, forecast
from careroute_local import month_report
from careroute_local.programme_sim import NotSimulated, ProgrammeDays
from careroute_local.simulation.causes import misses_with_causes, verdict
from careroute_local.simulation.checks import check_stored
from careroute_local.simulation.config import SimulationConfig, draw
from careroute_local.simulation.day import SICK_SPELL_DAYS, one_day, progress_line
from careroute_local.simulation.engine import Answer, Engine
from careroute_local.simulation.programme_process import ProgrammesApart
from careroute_local.simulation.report import build_report, coverage_rows
from careroute_local.simulation.state import ElderState, Run
from careroute_local.simulation.tickets import close_the_month, ticket_sla, ticket_totals
from careroute_local.simulation.timetable import at

INITIAL_STAY_DAYS = (1, 40)
"""Elders hospitalised at the start go home on a random day; past the month: all month."""


def simulate(
    config: SimulationConfig,
    city: Registry,
    policy: Policy,
    log: Callable[[str], None],
    console: Any,
) -> tuple[Run, Compliance, dict[str, Any]]:
    """Run the month on a fresh engine; returns the run, the compliance and the checks.

    The engine (and the local stack, for `stack`) lives only inside this call: the checks are
    made before it stops, and the raw material (visit records, counters) is returned in
    `checks["raw"]` for the report.
    """
    warnings.filterwarnings("ignore", "No application metrics to publish")
    run = Run(config, city, policy)
    run.hospitals = hospitals_by_district(city)
    started = time.perf_counter()
    sim_clock = clock.SimulatedClock(at(config.first - timedelta(days=1), 20 * 3600))
    _baseline(run)
    _forecast(run)
    with (
        _programmes(config, city, policy, run) as programmes,
        clock.use(sim_clock),
        _engine(run, sim_clock, console) as engine,
    ):
        why = "--visits-only" if config.visits_only else f"the {engine.name} engine"
        for part in engine.left_out:
            run.note(f"{part}: left out of this run ({why}; no use case on ports yet)")
        run.timings.setup = time.perf_counter() - started
        district_ids = sorted({c.district_id for c in city.communities})
        day = config.first
        while day <= config.last:
            t_scan = time.perf_counter()
            engine.benefits.day(sim_clock, day)
            run.timings.benefit_scan += time.perf_counter() - t_scan
            stats = one_day(run, engine, sim_clock, day, district_ids)
            engine.other_services(sim_clock, day, run.timings)
            programmes.day(day, _recording_raises(run, engine))
            run.days.append(stats)
            log(progress_line(stats))
            day += timedelta(days=1)
        sim_clock.set(at(config.last, 23 * 3600))
        run.totals.update(ticket_totals(run, engine))
        others, run.home_services = engine.other_totals(config.month)
        run.totals.update(others)
        run.totals.update(engine.benefits.totals())
        run.programmes = programmes.figures(config.month)
        run.programme_raw = programmes.raw()
        run.ticket_sla = ticket_sla(run, engine, config.month)
        close_the_month(run, engine, sim_clock)
        check_started = time.perf_counter()
        compliance, checks = check_stored(run, engine.stored(config.month))
        run.timings.check = time.perf_counter() - check_started
    return run, compliance, checks


@contextmanager
def _programmes(
    config: SimulationConfig, city: Registry, policy: Policy, run: Run
) -> Iterator[ProgrammeDays | ProgrammesApart | NotSimulated]:
    """The run's programmes, in a process of their own (started before the engine, so it
    holds none of it) with the memory engine; the stack engine's programmes read its
    inspections on the stack, so they stay in this process."""
    programmes = ProgrammeDays.of(config, city, policy, run)
    if isinstance(programmes, NotSimulated) or config.engine != "memory":
        yield programmes
        return
    apart = ProgrammesApart(programmes, run)
    try:
        yield apart
    finally:
        apart.close()


@contextmanager
def _engine(run: Run, sim_clock: clock.SimulatedClock, console: Any) -> Iterator[Engine]:
    """The run's engine: `memory` needs no stack; `stack` starts (and stops) one.

    Imported here, not at the top: the product's modules read their environment when first
    imported, which for `stack` must be the started stack's."""
    if run.config.engine == "memory":
        from careroute_local.simulation.memory_engine import MemoryEngine

        yield MemoryEngine(run, sim_clock)
        return
    from careroute_local.simulation.stack_engine import stack_engine

    with stack_engine(run, sim_clock, console) as engine:
        yield engine


def hospitals_by_district(city: Registry) -> dict[str, tuple[Hospital, ...]]:
    """The city's hospitals, district by district: the ones `careroute run` loads."""
    found: dict[str, tuple[Hospital, ...]] = {}
    for hospital in hospitals_of(city.communities, MEAL_SEED):
        found[hospital.district_id] = (*found.get(hospital.district_id, ()), hospital)
    return found


def _baseline(run: Run) -> None:
    config, policy = run.config, run.policy
    for elder in run.city.elders:
        state = ElderState(elder.elder_id, elder.community_id, elder.status)
        if elder.status is ElderStatus.HOSPITALISED:
            state.paused.append([ElderStatus.HOSPITALISED, config.first, None])
            stay = draw(config.seed, "initial-stay", elder.elder_id).randint(*INITIAL_STAY_DAYS)
            state.home_on = config.first + timedelta(days=stay)
        elif elder.status is not ElderStatus.ACTIVE:
            state.paused.append([elder.status, config.first, None])
        run.elders[elder.elder_id] = state
        run.baselines[elder.elder_id] = ElderBaseline(
            elder_id=elder.elder_id,
            community_id=elder.community_id,
            street_id=elder.street_id,
            district_id=elder.district_id,
            tier=policy.tier_of(elder, config.first),
            last_visited_on=elder.last_visited_on,
        )
    run.totals["initially_hospitalised"] = sum(
        1 for e in run.city.elders if e.status is ElderStatus.HOSPITALISED
    )


def _recording_raises(run: Run, engine: Engine) -> Callable[[str, str, list[str]], Answer]:
    """The engine's category change (an assessment's grade), which also records in the elder's
    baseline a tier it made stricter, and when: the check counts the stricter cadence from
    that day."""
    categories = {e.elder_id: e for e in run.city.elders}

    def change(community_id: str, elder_id: str, new: list[str]) -> Answer:
        answer = engine.change_categories(community_id, elder_id, new)
        if answer[0] == 200:
            today = clock.today()
            before = categories[elder_id]
            after = replace(before, categories=frozenset(Category(c) for c in new))
            categories[elder_id] = after
            old_tier, new_tier = run.policy.tier_of(before, today), run.policy.tier_of(after, today)
            if stricter(new_tier, old_tier) is not old_tier:
                baseline = run.baselines[elder_id]
                raised = (*baseline.raised, (today, new_tier))
                run.baselines[elder_id] = replace(baseline, raised=raised)
        return answer

    return change


def _forecast(run: Run) -> None:
    """The capacity forecast a city would read before the month, at the run's own rates
    (tries that succeed, steward-days lost to sickness: a spell lasts two days on average),
    so the report can hold its flags against the communities that actually missed."""
    rates = run.config.rates
    assume = Assumptions(
        attempt_success=1 - rates.not_home - rates.refuse,
        absence_share=min(0.9, rates.sick * sum(SICK_SPELL_DAYS) / 2),
    )
    month, _ = month_bounds(run.config.month)
    made = forecast(month, run.city, run.policy, assumptions=assume)
    run.forecast_flagged = tuple(c.community_id for c in made.flagged_communities)
    run.forecast_streets = tuple(s.street_id for s in made.flagged_streets)


def run_simulation(
    config: SimulationConfig, city: Registry, policy: Policy, console: Any, command: str
) -> int:
    """Simulate, check, write the report; the exit code (0 ok, 1 misses of ours or drift)."""
    started = time.perf_counter()

    def log(line: str) -> None:
        console.print(line, markup=False, highlight=False, soft_wrap=True)

    run, compliance, checks = simulate(config, city, policy, log, console)
    raw = checks.pop("raw")
    misses = misses_with_causes(compliance, run)
    code = verdict(compliance, misses, checks)
    report_started = time.perf_counter()
    out = config.out_dir
    month_report.write_raw(
        out / "raw", raw["visits"], raw["baselines"], raw["counters"], run.recorded, raw["drift"]
    )
    report = build_report(run, compliance, checks, misses, code, command)
    report["wall_seconds"]["report"] = round(time.perf_counter() - report_started, 1)
    report["wall_seconds"]["total"] = round(time.perf_counter() - started, 1)
    month_report.write_programme_raw(out / "raw", run.programme_raw)
    paths = month_report.write_report(out, report, coverage_rows(compliance), misses, run.workload)
    log(report["verdict"]["summary"])
    w = report["wall_seconds"]
    log(
        f"wall time {w['total']:.1f} s: setup {w['setup']:.1f}, planning {w['planning']:.1f}, "
        f"solving {w['solving']:.1f}, api {w['api']:.1f}, projection {w['projection']:.1f}, "
        f"check {w['check']:.1f}, report {w['report']:.1f} (benefit scan "
        f"{w['benefit_scan']:.1f}, home services {w['home_services']:.1f})"
    )
    log(f"report: {paths[0]} (and {', '.join(p.name for p in paths[1:])}, raw/)")
    return code
