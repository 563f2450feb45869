"""`careroute simulate`: a month through the real pipeline, day by day, on a simulated clock.

Each day, on the local stack and through the same handlers Lambda runs:

1. 21:00 the evening before: the nightly Scheduler tick reaches the planner (plan_date =
   the day), and the plan-jobs queue is drained through the solver.
2. 08:00: hospitalised elders due home are discharged (PATCH status active, as an official
   would); stewards fall sick (rate `sick` per working steward, 1-3 days) and their leave is
   registered (PUT /stewards/{id}/leave) so that the next nights plan around it.
3. Every steward at work fetches their route (GET, steward token), meets each elder in order
   (an outcome drawn per stop: not home, refused, hospitalised, moved, deceased, else
   visited, some with findings) and posts the day's outcomes as one offline batch
   (POST /visits/batch) with the clock at the last stop's end. Some batches are sent twice,
   as a phone does when an answer is lost: the idempotency keys must absorb it.
4. The visits stream is drained through the projector; outcomes that change an elder's
   status are confirmed in the registry (PATCH, a no-op when the projector already did it).

At the end the month is checked (careroute.domain.compliance, from the raw visit records alone)
against the projector's counters, against `services.coverage_check` and against what the
simulation itself recorded; any difference fails the run. Misses are named with a cause.

Randomness: every draw comes from `random.Random` seeded with a string made of `seed` and
what is drawn for (day, steward or elder), so a run is reproducible and one draw does not
shift when an unrelated route changes.
"""

from __future__ import annotations

import json
import random
import re
import time
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from careroute.domain import clock
from careroute.domain.compliance import (
    Compliance,
    ElderBaseline,
    Miss,
    MissKind,
    StatusPeriod,
    check_compliance,
    month_bounds,
)
from careroute.domain.coverage import ALL_TIERS, Scope
from careroute.domain.errors import NotFoundError
from careroute.domain.policy import Policy
from careroute.domain.vocabulary import (
    CHINA_TZ,
    ElderStatus,
    FindingCategory,
    Outcome,
    Registry,
    Severity,
    Steward,
    VisitRecord,
    parse_clock,
)
from careroute_local.benefit_scan_sim import BenefitScanDays
from careroute_local.home_service_sim import HomeServiceDays
from careroute_local.inspection_sim import InspectionDays
from careroute_local.paths import DATA_DIR

PLANNER = "PlannerFunction"
PLAN_QUEUE = "PlanJobsQueue"
VISITS_TABLE = "VisitsTable"
TOKEN_TTL = 14 * 24 * 3600
MORNING = 8 * 3600
EVENING_CONFIRM = 18 * 3600
FOLLOW_UP = 19 * 3600
"""When stewards close the day's follow-up tickets; the escalator's run comes after."""
ESCALATION_RUN = 20 * 3600
ESCALATOR = "EscalatorFunction"
CLOSE_DELAY_DAYS = {"urgent": (0, 0), "high": (0, 2), "normal": (0, 6)}
"""Days between a ticket opening and the steward closing it, drawn per ticket."""
STATUS_OUTCOMES = {
    Outcome.HOSPITALISED: ElderStatus.HOSPITALISED,
    Outcome.MOVED: ElderStatus.MOVED,
    Outcome.DECEASED: ElderStatus.DECEASED,
}
NOT_OURS = ("hospitalised all month", "hospitalised part of month", "moved", "deceased")
"""Causes of a miss that no plan could have prevented."""
MIN_PLANNABLE_DAYS = 3
"""A miss after a hospital stay is excused when fewer working days than this were left."""
HOSPITAL_STAY_DAYS = (3, 20)
INITIAL_STAY_DAYS = (1, 40)
"""Elders hospitalised at the start go home on a random day; past the month: all month."""


@dataclass(frozen=True)
class Rates:
    """Per-stop outcome probabilities and per-steward-day sickness; all in [0, 1]."""

    not_home: float = 0.15
    refuse: float = 0.03
    sick: float = 0.02
    hospitalised: float = 0.002
    moved: float = 0.0003
    deceased: float = 0.0003
    finding: float = 0.05
    """Share of completed visits with a finding."""
    urgent: float = 0.05
    """Share of findings that are urgent (the elder becomes T1)."""
    resend: float = 0.02
    """Share of steward-day batches sent a second time (a phone retrying)."""

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"--{name.replace('_', '-')} must be in [0, 1], got {value}")
        outcomes = self.not_home + self.refuse + self.hospitalised + self.moved + self.deceased
        if outcomes > 1.0:
            raise ValueError(f"the outcome rates add up to {outcomes:.4f}, more than 1")


@dataclass(frozen=True)
class SimulationConfig:
    month: str
    seed: int = 1
    city_seed: int = 7
    rates: Rates = field(default_factory=Rates)
    districts: tuple[str, ...] | None = None
    scale: float = 1.0
    days: int | None = None
    """Simulate only the month's first N days (the monthly rule is then not judged)."""
    workers: int = 2
    out: Path | None = None

    def __post_init__(self) -> None:
        _first, last = month_bounds(self.month)
        if self.days is not None and not 1 <= self.days <= last.day:
            raise ValueError(f"--days must be between 1 and {last.day} for {self.month}")
        if self.workers < 1:
            raise ValueError("--workers must be at least 1")

    @property
    def first(self) -> date:
        return month_bounds(self.month)[0]

    @property
    def last(self) -> date:
        first, last = month_bounds(self.month)
        return last if self.days is None else first + timedelta(days=self.days - 1)

    @property
    def out_dir(self) -> Path:
        return self.out or DATA_DIR / "simulations" / f"{self.month}-seed{self.seed}"


def draw(seed: int, *what: object) -> random.Random:
    """A random stream for one decision (e.g. the outcome of one elder on one day)."""
    return random.Random("/".join(str(part) for part in (seed, *what)))


def at(day: date, seconds: int) -> datetime:
    """A local time of day as an aware datetime (Asia/Shanghai)."""
    return datetime.combine(day, datetime.min.time(), CHINA_TZ) + timedelta(seconds=seconds)


def idempotency_key(day: date, steward_id: str, elder_id: str) -> str:
    """One key per (day, steward, elder): what the phone gives an outcome when it is queued."""
    return f"sim-{day:%Y%m%d}-{steward_id}-{elder_id}"


# ---------------------------------------------------------------- what the simulation knows


@dataclass
class ElderState:
    elder_id: str
    community_id: str
    status: ElderStatus
    paused: list[list[Any]] = field(default_factory=list)
    """[status, first day, last day or None] of each absence."""
    home_on: date | None = None
    """Discharge day of a hospital stay in progress."""

    def pause(self, status: ElderStatus, start: date) -> None:
        self.status = status
        self.paused.append([status, start, None])

    def resume(self, day: date) -> None:
        self.status = ElderStatus.ACTIVE
        self.home_on = None
        if self.paused and self.paused[-1][2] is None:
            self.paused[-1][2] = day - timedelta(days=1)

    def periods(self) -> tuple[StatusPeriod, ...]:
        return tuple(
            StatusPeriod(status, start, end)
            for status, start, end in self.paused
            if end is None or end >= start
        )


@dataclass
class Evidence:
    """What happened to one elder, day by day (for naming the cause of a miss)."""

    planned: list[date] = field(default_factory=list)
    attempts: list[tuple[date, str]] = field(default_factory=list)
    dropped: list[tuple[date, str]] = field(default_factory=list)
    sick: list[date] = field(default_factory=list)
    rejected: list[tuple[date, str]] = field(default_factory=list)


@dataclass
class Timings:
    setup: float = 0.0
    planning: float = 0.0
    solving: float = 0.0
    api: float = 0.0
    projection: float = 0.0
    check: float = 0.0
    benefit_scan: float = 0.0
    home_services: float = 0.0


@dataclass
class DayStats:
    day: date
    routes: int = 0
    planned: int = 0
    attempted: int = 0
    completed: int = 0
    retry_stops: int = 0
    cover_stops: int = 0
    mandatory_dropped: int = 0
    sick_stewards: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass
class Run:
    """Everything a simulation leaves for the report and the check."""

    config: SimulationConfig
    city: Registry
    policy: Policy
    elders: dict[str, ElderState] = field(default_factory=dict)
    baselines: dict[str, ElderBaseline] = field(default_factory=dict)
    evidence: dict[str, Evidence] = field(default_factory=lambda: defaultdict(Evidence))
    leave: dict[str, set[date]] = field(default_factory=lambda: defaultdict(set))
    sick_days: dict[str, set[date]] = field(default_factory=lambda: defaultdict(set))
    recorded: dict[str, dict[str, Any]] = field(default_factory=dict)
    """visit_id -> what the API answered (elder, outcome, tier, visited_at)."""
    workload: list[dict[str, Any]] = field(default_factory=list)
    days: list[DayStats] = field(default_factory=list)
    totals: Counter[str] = field(default_factory=Counter)
    api_status: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    timings: Timings = field(default_factory=Timings)
    home_services: dict[str, Any] = field(default_factory=dict)
    """Home-service orders: what the simulation did, oversight, event checks."""
    ticket_sla: dict[str, Any] = field(default_factory=dict)
    """The `tickets` block of GET /coverage for the city at the month's end."""

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)


# ---------------------------------------------------------------- the month


def simulate(
    config: SimulationConfig,
    city: Registry,
    policy: Policy,
    log: Callable[[str], None],
    console: Any,
) -> tuple[Run, Compliance, dict[str, Any]]:
    """Run the month on a fresh local stack; returns the run, the compliance and the checks.

    The stack lives only inside this call: the checks are made before it stops, and the raw
    material (visit records, counters) is returned in `checks["raw"]` for the report.
    """
    from careroute_local import main_job

    warnings.filterwarnings("ignore", "No application metrics to publish")
    run = Run(config, city, policy)
    started = time.perf_counter()
    sim_clock = clock.SimulatedClock(at(config.first - timedelta(days=1), 20 * 3600))
    with clock.use(sim_clock), main_job.local_stack() as (_stack, pump):
        main_job.load_registry(city, config.first, console)
        _baseline(run)
        inspecting = InspectionDays(pump, city, config.city_seed, config.seed, config.first)
        scanning = BenefitScanDays(pump, sim_clock, config.first)
        serving = HomeServiceDays(pump, city, config.seed, config.first, config.last)
        run.timings.setup = time.perf_counter() - started
        tokens = _Tokens(pump)
        district_ids = sorted({c.district_id for c in city.communities})
        day = config.first
        while day <= config.last:
            t_scan = time.perf_counter()
            scanning.day(sim_clock, day)
            run.timings.benefit_scan += time.perf_counter() - t_scan
            stats = _one_day(run, pump, tokens, sim_clock, day, district_ids)
            t_inspections = time.perf_counter()
            inspecting.day(sim_clock, day)
            t_orders = time.perf_counter()
            run.timings.api += t_orders - t_inspections
            serving.day(sim_clock, day)
            run.timings.home_services += time.perf_counter() - t_orders
            run.days.append(stats)
            log(_progress_line(stats))
            day += timedelta(days=1)
        sim_clock.set(at(config.last, 23 * 3600))
        run.totals.update(ticket_totals(run, pump, tokens))
        run.totals.update(inspecting.totals(config.month))
        run.totals.update(scanning.totals())
        run.home_services = serving.totals(config.month)
        run.ticket_sla = _ticket_sla(run, pump, tokens, config.month)
        check_started = time.perf_counter()
        compliance, checks = _check_on_stack(run)
        run.timings.check = time.perf_counter() - check_started
    return run, compliance, checks


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


class _Tokens:
    def __init__(self, pump: Any) -> None:
        self._pump = pump
        self._tokens: dict[str, str] = {}

    def steward(self, steward_id: str) -> str:
        if steward_id not in self._tokens:
            self._tokens[steward_id] = self._pump.issuer.token(
                "steward", steward_id, ttl_seconds=TOKEN_TTL
            )
        return self._tokens[steward_id]

    def admin(self) -> str:
        return self.steward_or_role("city_admin")

    def steward_or_role(self, role: str) -> str:
        key = f"role:{role}"
        if key not in self._tokens:
            self._tokens[key] = self._pump.issuer.token(role, ttl_seconds=TOKEN_TTL)
        return self._tokens[key]


def _call(
    run: Run, pump: Any, method: str, path: str, token: str, body: Any = None
) -> tuple[int, Any]:
    headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
    data = json.dumps(body, ensure_ascii=False) if body is not None else None
    response = pump.invoke_http(method, path, headers=headers, body=data)
    run.api_status[f"{method} {_route_label(path)} {response.status}"] += 1
    try:
        payload = response.json() if response.body else None
    except ValueError:
        payload = None
    return response.status, payload


def _route_label(path: str) -> str:
    """'/stewards/W0001/routes/2026-12-01' -> '/stewards/{id}/routes/{date}'."""
    return re.sub(r"/\d{4}-\d{2}-\d{2}", "/{date}", re.sub(r"/[A-Z]\d+", "/{id}", path))


def _one_day(
    run: Run,
    pump: Any,
    tokens: _Tokens,
    sim_clock: clock.SimulatedClock,
    day: date,
    district_ids: list[str],
) -> DayStats:
    from careroute.adapters.dynamodb import routes as route_store

    stats = DayStats(day)
    # 1. The nightly plan, fired the evening before.
    evening = at(day - timedelta(days=1), 21 * 3600)
    sim_clock.set(evening)
    t0 = time.perf_counter()
    pump.fire_schedule(
        PLANNER,
        evening.astimezone(UTC),
        overrides={"plan_date": day.isoformat(), "district_ids": district_ids},
    )
    t1 = time.perf_counter()
    drained = pump.drain_queue(PLAN_QUEUE, workers=run.config.workers)
    t2 = time.perf_counter()
    if drained.failed or drained.dead_lettered:
        run.note(
            f"{day}: {drained.failed} plan job deliveries failed, "
            f"{drained.dead_lettered} dead-lettered"
        )
        run.totals["plan_jobs_failed"] += drained.failed

    # 2. The morning: discharges and sickness.
    sim_clock.set(at(day, MORNING))
    _discharge(run, pump, tokens, day)
    sick_today = _fall_sick(run, pump, tokens, day)
    stats.sick_stewards = len(sick_today)
    covering = 0.0
    if sick_today:  # the sick calls re-planned the neighbours who cover today
        t_cover = time.perf_counter()
        pump.drain_queue(PLAN_QUEUE, workers=run.config.workers)
        covering = time.perf_counter() - t_cover

    # 3. The stewards' day.
    status_changes: list[tuple[str, str, ElderStatus]] = []
    worked: list[Steward] = []
    for steward in sorted(run.city.stewards, key=lambda s: s.steward_id):
        if not _regular_day(steward, day):
            continue
        if steward.steward_id in sick_today:
            try:
                route = route_store.get_route(steward.steward_id, day)
            except NotFoundError:
                route = None
            _workload(run, steward, day, route, [], status="sick")
            if route is not None:
                _tally_plan(run, route, day, stats)
                for stop in route["stops"]:
                    run.evidence[stop["elder_id"]].sick.append(day)
            continue
        status, route = _call(
            run, pump, "GET", f"/stewards/{steward.steward_id}/routes/{day}",
            tokens.steward(steward.steward_id),
        )  # fmt: skip
        if status == 404:
            on_leave = day in run.leave[steward.steward_id]
            _workload(run, steward, day, None, [], status="leave" if on_leave else "no route")
            continue
        if status != 200:
            run.note(f"{day}: GET route of {steward.steward_id} answered {status}")
            continue
        _tally_plan(run, route, day, stats)
        worked.append(steward)
        results = _walk_route(run, pump, tokens, sim_clock, steward, route, day, status_changes)
        stats.attempted += len(results)
        stats.completed += sum(1 for r in results if r["outcome"] == Outcome.VISITED.value)
        _workload(run, steward, day, route, results, status="worked")
    t3 = time.perf_counter()

    # 4. The stream, then the registry confirmed by an official.
    pump.drain_stream(VISITS_TABLE)
    t4 = time.perf_counter()
    sim_clock.set(at(day, EVENING_CONFIRM))
    for community_id, elder_id, new_status in status_changes:
        _patch_status(run, pump, tokens, community_id, elder_id, new_status)
    # 5. Follow-ups: stewards at work close the tickets whose day has come; then the
    #    escalator's evening run moves overdue ones up (the real scheduled function).
    sim_clock.set(at(day, FOLLOW_UP))
    for steward in worked:
        _follow_up(run, pump, tokens, steward, day)
    pump.fire_schedule(ESCALATOR, at(day, ESCALATION_RUN).astimezone(UTC))
    t5 = time.perf_counter()

    stats.seconds = {
        "planning": t1 - t0,
        "solving": t2 - t1 + covering,
        "api": (t3 - t2) + (t5 - t4) - covering,
        "projection": t4 - t3,
    }
    run.timings.planning += t1 - t0
    run.timings.solving += t2 - t1 + covering
    run.timings.api += (t3 - t2) + (t5 - t4) - covering
    run.timings.projection += t4 - t3
    return stats


def _follow_up(run: Run, pump: Any, tokens: _Tokens, steward: Steward, day: date) -> None:
    """Close the community's open tickets whose (drawn) closing day has come."""
    status, payload = _call(
        run, pump, "GET", f"/tickets?scope=community:{steward.community_id}&status=open",
        tokens.steward(steward.steward_id),
    )  # fmt: skip
    if status != 200:
        run.note(f"{day}: GET /tickets for {steward.community_id} answered {status}")
        return
    for ticket in payload["tickets"]:
        opened = datetime.fromisoformat(ticket["opened_at"]).astimezone(CHINA_TZ).date()
        low, high = CLOSE_DELAY_DAYS.get(ticket["severity"], (0, 6))
        delay = draw(run.config.seed, "ticket", ticket["ticket_id"]).randint(low, high)
        if day < opened + timedelta(days=delay) and not _due_before_next_shift(
            steward, day, datetime.fromisoformat(ticket["due_at"])
        ):
            continue
        body = {"action": "followed up on the visit's finding", "result": "resolved"}
        closed, _ = _call(
            run, pump, "POST", f"/tickets/{ticket['ticket_id']}/close", body=body,
            token=tokens.steward(steward.steward_id),
        )  # fmt: skip
        if closed != 200:
            run.note(f"{day}: closing ticket {ticket['ticket_id']} answered {closed}")


def ticket_totals(run: Run, pump: Any, tokens: _Tokens) -> dict[str, int]:
    """Follow-up tickets at the month's end, as the city admin sees them."""
    rows: list[dict[str, Any]] = []
    for status in ("open", "closed"):
        code, payload = _call(
            run, pump, "GET", f"/tickets?scope=city&status={status}",
            tokens.steward_or_role("city_admin"),
        )  # fmt: skip
        if code != 200:
            run.note(f"GET /tickets?scope=city&status={status} answered {code}")
            continue
        rows += payload["tickets"]
    closed = [r for r in rows if r["status"] == "closed"]
    on_time = [r for r in closed if r["closed_at"] <= r["due_at"]]
    found = [r for r in rows if r.get("source", "visit") == "visit"]
    return {
        "tickets_opened": len(rows),
        "tickets_from_findings": len(found),
        "tickets_from_benefit_scan": sum(1 for r in rows if r.get("source") == "benefit"),
        "tickets_from_inspections": sum(1 for r in rows if r.get("source") == "inspection"),
        "tickets_closed": len(closed),
        "tickets_closed_on_time": len(on_time),
        "tickets_open_overdue": sum(1 for r in rows if r["status"] == "open" and r["overdue"]),
        "tickets_escalated": sum(1 for r in found if r["level"] != "steward"),
    }


def _ticket_sla(run: Run, pump: Any, tokens: _Tokens, month: str) -> dict[str, Any]:
    """The month's follow-up tickets as the city's coverage report gives them (the `tickets`
    block of GET /coverage): opened, closed, closed on time, open and overdue now."""
    code, payload = _call(run, pump, "GET", f"/coverage?month={month}&scope=city", tokens.admin())
    if code != 200 or "tickets" not in (payload or {}):
        run.note(f"GET /coverage?month={month}&scope=city answered {code}")
        return {}
    return dict(payload["tickets"])


def _due_before_next_shift(steward: Steward, day: date, due: datetime) -> bool:
    """Would the ticket be overdue by the steward's next working day's follow-ups? Then the
    steward, whose app lists tickets by due time, closes it today."""
    after = day + timedelta(days=1)
    while not _regular_day(steward, after):
        after += timedelta(days=1)
    return at(after, FOLLOW_UP) > due


def _regular_day(steward: Steward, day: date) -> bool:
    return day.weekday() not in steward.days_off


def _discharge(run: Run, pump: Any, tokens: _Tokens, day: date) -> None:
    for state in run.elders.values():
        if state.home_on == day and state.status is ElderStatus.HOSPITALISED:
            _patch_status(run, pump, tokens, state.community_id, state.elder_id, ElderStatus.ACTIVE)
            state.resume(day)
            run.totals["discharged"] += 1


def _fall_sick(run: Run, pump: Any, tokens: _Tokens, day: date) -> set[str]:
    config = run.config
    sick_today: set[str] = set()
    for steward in run.city.stewards:
        sid = steward.steward_id
        if day in run.sick_days[sid]:
            sick_today.add(sid)
            continue
        if not _regular_day(steward, day) or day in run.leave[sid]:
            continue
        rng = draw(config.seed, "sick", day, sid)
        if rng.random() >= config.rates.sick:
            continue
        length = rng.randint(1, 3)
        days = {day + timedelta(days=k) for k in range(length)}
        run.sick_days[sid] |= days
        run.leave[sid] |= days
        run.totals["sickness_spells"] += 1
        sick_today.add(sid)
        body = {"dates": sorted(d.isoformat() for d in run.leave[sid])}
        status, payload = _call(
            run, pump, "PUT", f"/stewards/{sid}/leave", tokens.steward_or_role("city_admin"), body
        )
        if status != 200:
            run.note(
                f"PUT /stewards/{{id}}/leave answered {status}: sick days are not known to "
                f"the planner ({_error_text(payload)})"
            )
    return sick_today


def _error_text(payload: Any) -> str:
    if isinstance(payload, dict):
        error = payload.get("error")
        if isinstance(error, dict):
            return f"{error.get('code')}: {error.get('message')}"
        return str(payload.get("message", payload))
    return str(payload)


def _patch_status(
    run: Run, pump: Any, tokens: _Tokens, community_id: str, elder_id: str, status: ElderStatus
) -> None:
    status_code, payload = _call(
        run, pump, "PATCH", f"/elders/{community_id}/{elder_id}",
        tokens.steward_or_role("city_admin"), {"status": status.value},
    )  # fmt: skip
    if status_code != 200:
        run.note(f"PATCH elder status answered {status_code}: {_error_text(payload)}")


def _tally_plan(run: Run, route: dict[str, Any], day: date, stats: DayStats) -> None:
    stats.routes += 1
    stats.planned += len(route["stops"])
    for stop in route["stops"]:
        run.evidence[stop["elder_id"]].planned.append(day)
        stats.retry_stops += int(bool(stop.get("retry", False)))
        stats.cover_stops += int(bool(stop.get("cover", False)))
    for left in route.get("unassigned", []):
        run.evidence[left["elder_id"]].dropped.append((day, str(left.get("reason", ""))))
        stats.mandatory_dropped += int(bool(left.get("mandatory", False)))
    run.totals["visits_planned"] += len(route["stops"])
    run.totals["retry_stops"] += sum(1 for s in route["stops"] if s.get("retry", False))
    run.totals["cover_stops"] += sum(1 for s in route["stops"] if s.get("cover", False))
    run.totals["mandatory_unassigned"] += sum(
        1 for u in route.get("unassigned", []) if u.get("mandatory", False)
    )


def _outcome(run: Run, day: date, elder_id: str) -> tuple[Outcome, list[dict[str, str]]]:
    state = run.elders.get(elder_id)
    if state is not None and state.status is not ElderStatus.ACTIVE:
        return Outcome(state.status.value), []  # planned anyway: the door tells
    rates = run.config.rates
    rng = draw(run.config.seed, "outcome", day, elder_id)
    u = rng.random()
    for outcome, rate in (
        (Outcome.DECEASED, rates.deceased),
        (Outcome.MOVED, rates.moved),
        (Outcome.HOSPITALISED, rates.hospitalised),
        (Outcome.REFUSED, rates.refuse),
        (Outcome.NOT_HOME, rates.not_home),
    ):
        if u < rate:
            return outcome, []
        u -= rate
    findings: list[dict[str, str]] = []
    if rng.random() < rates.finding:
        severity = (
            Severity.URGENT
            if rng.random() < rates.urgent
            else rng.choice([Severity.HIGH, Severity.NORMAL, Severity.NORMAL, Severity.NORMAL])
        )
        category = rng.choice(list(FindingCategory))
        findings.append({"category": category.value, "severity": severity.value, "note": "sim"})
    return Outcome.VISITED, findings


def _walk_route(
    run: Run,
    pump: Any,
    tokens: _Tokens,
    sim_clock: clock.SimulatedClock,
    steward: Steward,
    route: dict[str, Any],
    day: date,
    status_changes: list[tuple[str, str, ElderStatus]],
) -> list[dict[str, Any]]:
    """Meet each elder of the route in order, then post the day's outcomes as one batch."""
    items: list[dict[str, Any]] = []
    meta: dict[str, tuple[str, Outcome]] = {}
    last_end = MORNING
    for stop in route["stops"]:
        elder_id = stop["elder_id"]
        community_id = stop.get("community_id") or route["community_id"]
        outcome, findings = _outcome(run, day, elder_id)
        end = parse_clock(stop["service_end"])
        last_end = max(last_end, end)
        item: dict[str, Any] = {
            "elder_id": elder_id,
            "outcome": outcome.value,
            "visited_at": at(day, end).isoformat(),
            "idempotency_key": idempotency_key(day, steward.steward_id, elder_id),
            "location": {"lat": stop["lat"], "lng": stop["lng"]},
        }
        if findings:
            item["findings"] = findings
            run.totals["findings"] += 1
            run.totals["urgent_findings"] += sum(1 for f in findings if f["severity"] == "urgent")
        if community_id != route["community_id"]:
            item["community_id"] = community_id  # a cover stop: the elder's own community
        items.append(item)
        meta[item["idempotency_key"]] = (community_id, outcome)
    if not items:
        return []
    sim_clock.set(at(day, last_end))
    token = tokens.steward(steward.steward_id)
    status, answer = _call(run, pump, "POST", "/visits/batch", token, {"items": items})
    if status != 200 or not isinstance(answer, dict):
        run.note(f"{day}: POST /visits/batch of {steward.steward_id} answered {status}")
        for item in items:
            run.evidence[item["elder_id"]].rejected.append((day, f"batch {status}"))
        return []
    first_ids = _absorb(run, answer, items, meta, day, status_changes)
    if draw(run.config.seed, "resend", day, steward.steward_id).random() < run.config.rates.resend:
        status, again = _call(run, pump, "POST", "/visits/batch", token, {"items": items})
        run.totals["resent_batches"] += 1
        run.totals["resent_items"] += len(items)
        same = status == 200 and isinstance(again, dict) and _visit_ids(again) == first_ids
        if not same:
            run.totals["resend_mismatches"] += 1
            run.note(f"{day}: a resent batch of {steward.steward_id} was answered differently")
    return [r["visit"] for r in answer["results"] if r.get("visit")]


def _visit_ids(answer: dict[str, Any]) -> list[str | None]:
    return [(r.get("visit") or {}).get("visit_id") for r in answer.get("results", [])]


def _absorb(
    run: Run,
    answer: dict[str, Any],
    items: list[dict[str, Any]],
    meta: dict[str, tuple[str, Outcome]],
    day: date,
    status_changes: list[tuple[str, str, ElderStatus]],
) -> list[str | None]:
    for result in answer["results"]:
        item = items[result["index"]]
        elder_id = item["elder_id"]
        community_id, outcome = meta[item["idempotency_key"]]
        visit = result.get("visit")
        if result.get("status") != 201 or not visit:
            error = result.get("error") or {}
            run.evidence[elder_id].rejected.append((day, str(error.get("code", "error"))))
            run.totals["outcomes_rejected"] += 1
            run.note(
                f"outcomes rejected by the API, e.g. {elder_id} on {day}: "
                f"{error.get('code')}: {error.get('message')}"
            )
            continue
        run.recorded[visit["visit_id"]] = {
            "elder_id": visit["elder_id"],
            "outcome": visit["outcome"],
            "tier": visit["tier"],
            "visited_at": visit["visited_at"],
        }
        run.evidence[elder_id].attempts.append((day, outcome.value))
        run.totals["visits_attempted"] += 1
        run.totals["visits_completed"] += int(outcome is Outcome.VISITED)
        new_status = STATUS_OUTCOMES.get(outcome)
        state = run.elders.get(elder_id)
        if new_status is not None and state is not None and state.status is ElderStatus.ACTIVE:
            state.pause(new_status, day)
            run.totals[f"became_{new_status.value}"] += 1
            if new_status is ElderStatus.HOSPITALISED:
                stay = draw(run.config.seed, "stay", day, elder_id).randint(*HOSPITAL_STAY_DAYS)
                state.home_on = day + timedelta(days=stay)
            status_changes.append((community_id, elder_id, new_status))
    return _visit_ids(answer)


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
            "cover_stops": sum(1 for s in stops if s.get("cover", False)),
            "retry_stops": sum(1 for s in stops if s.get("retry", False)),
            "hours_on_route": hours,
            "travel_minutes": (route or {}).get("stats", {}).get("travel_minutes", 0.0)
            if status == "worked"
            else 0.0,
        }
    )


def _progress_line(stats: DayStats) -> str:
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


# ---------------------------------------------------------------- checks


def _baselines(run: Run) -> list[ElderBaseline]:
    return [
        ElderBaseline(
            b.elder_id,
            b.community_id,
            b.street_id,
            b.district_id,
            b.tier,
            b.last_visited_on,
            run.elders[b.elder_id].periods(),
        )
        for b in run.baselines.values()
    ]


def _check_on_stack(run: Run) -> tuple[Compliance, dict[str, Any]]:
    from careroute.adapters.dynamodb import coverage as coverage_store
    from careroute.adapters.dynamodb.visits import all_visits
    from careroute.service_layer.coverage_check import check_month

    records = list(all_visits())
    stored = coverage_store.stored_counters(run.config.month)
    drift = [str(d) for d in check_month(run.config.month)]
    baselines = _baselines(run)
    compliance = check_compliance(
        records, baselines, run.config.month, run.policy, through=run.config.last
    )
    checks = compare(compliance, stored, records, run.recorded, drift)
    checks["raw"] = {
        "visits": records,
        "counters": {f"{scope}|{tier}": row for (scope, tier), row in stored.items()},
        "baselines": baselines,
        "drift": drift,
    }
    return compliance, checks


COUNTED = ("elders_visited", "visits_made")


def compare(
    compliance: Compliance,
    stored: dict[tuple[Scope, str], dict[str, Any]],
    records: list[VisitRecord],
    recorded: dict[str, dict[str, Any]],
    drift: list[str],
) -> dict[str, Any]:
    """Every difference between the checker and (a) the projector's counters, (b) the
    coverage drift check, (c) what the simulation recorded. Empty lists: the check passed."""
    vs_projector: list[str] = []
    for key in sorted(set(compliance.coverage) | set(stored), key=lambda k: (str(k[0]), k[1])):
        mine = compliance.coverage.get(key)
        theirs = stored.get(key)
        for name in COUNTED:
            a = getattr(mine, name) if mine else 0
            b = int(theirs[name]) if theirs else 0
            if a != b:
                vs_projector.append(f"{key[0]} {key[1]} {name}: checker {a}, projector {b}")
        a_out = {k: v for k, v in (mine.outcomes if mine else {}).items() if v}
        b_out = {k: int(v) for k, v in (theirs["outcomes"] if theirs else {}).items() if v}
        if a_out != b_out:
            vs_projector.append(f"{key[0]} {key[1]} outcomes: checker {a_out}, projector {b_out}")
    vs_tally: list[str] = []
    in_month = {r.visit_id: r for r in records if r.month == compliance.month}
    for visit_id in sorted(set(in_month) | set(recorded)):
        record, sent = in_month.get(visit_id), recorded.get(visit_id)
        if record is None:
            vs_tally.append(f"visit {visit_id} was recorded by the API but is not in the table")
        elif sent is None:
            vs_tally.append(f"visit {visit_id} is in the table but was never recorded")
        elif (record.elder_id, record.outcome.value, record.tier.value) != (
            sent["elder_id"],
            sent["outcome"],
            sent["tier"],
        ):
            vs_tally.append(f"visit {visit_id} differs: table {record}, API said {sent}")
    if compliance.visits != len(recorded):
        vs_tally.append(
            f"checker counted {compliance.visits} visits, the simulation recorded {len(recorded)}"
        )
    return {
        "checker_vs_projector": vs_projector,
        "coverage_check_drift": drift,
        "checker_vs_simulation": vs_tally,
        "unknown_elders": list(compliance.unknown_elders),
        "passed": not (vs_projector or drift or vs_tally or compliance.unknown_elders),
    }


# ---------------------------------------------------------------- causes


def cause_of(miss: Miss, run: Run) -> str:
    """Why an elder missed a deadline, from what the simulation saw (first that applies)."""
    state = run.elders.get(miss.elder_id)
    evidence = run.evidence.get(miss.elder_id, Evidence())
    start = miss.since + timedelta(days=1) if miss.since else run.config.first
    if miss.kind is MissKind.MONTHLY:
        start = run.config.first
    end = miss.deadline
    window = [start + timedelta(days=k) for k in range((end - start).days + 1)]
    periods = state.periods() if state else ()

    def status_on(day: date) -> ElderStatus:
        for period in periods:
            if period.covers(day):
                return period.status
        return ElderStatus.ACTIVE

    statuses = [status_on(day) for day in window]
    for final in (ElderStatus.DECEASED, ElderStatus.MOVED):
        if final in statuses:
            return final.value
    if window and all(s is ElderStatus.HOSPITALISED for s in statuses):
        return "hospitalised all month"
    if any(s is not ElderStatus.ACTIVE for s in statuses):
        # Plannable: a working day at home, after an evening at home (the plan is made then).
        plannable = [
            d
            for d in window
            if d.weekday() < 5
            and status_on(d) is ElderStatus.ACTIVE
            and status_on(d - timedelta(days=1)) is ElderStatus.ACTIVE
        ]
        if len(plannable) < MIN_PLANNABLE_DAYS:
            return "hospitalised part of month"
    tried = [(d, o) for d, o in evidence.attempts if start <= d <= end]
    in_window = [o for _, o in tried]
    not_home = in_window.count(Outcome.NOT_HOME.value)
    refused = in_window.count(Outcome.REFUSED.value)
    if not_home or refused:
        parts = [f"not home {not_home} times"] if not_home else []
        parts += [f"refused {refused} times"] if refused else []
        # How early the first try came says whether a retry had room (0: on the deadline).
        first = min(d for d, _ in tried)
        parts.append(f"first try {(end - first).days} days before the deadline")
        if any(start <= d <= end for d in evidence.sick):
            parts.append("steward sick in between")
        return ", ".join(parts)
    rejected = [code for d, code in evidence.rejected if start <= d <= end]
    if rejected:
        return f"outcome rejected by the API ({rejected[0]})"
    if any(start <= d <= end for d in evidence.sick):
        return "steward sick with no cover"
    if any(start <= d <= end for d, _ in evidence.dropped):
        return "capacity (planned but dropped)"
    return "never planned"


def misses_with_causes(compliance: Compliance, run: Run) -> list[dict[str, Any]]:
    return [
        {
            "elder_id": m.elder_id,
            "community_id": m.community_id,
            "tier": m.tier.value,
            "kind": m.kind.value,
            "deadline": m.deadline.isoformat(),
            "since": m.since.isoformat() if m.since else "",
            "visited_on": m.visited_on.isoformat() if m.visited_on else "",
            "away": "away all month" if m.away else "",
            "cause": cause_of(m, run),
        }
        for m in compliance.misses
    ]


def verdict(compliance: Compliance, misses: list[dict[str, Any]], checks: dict[str, Any]) -> int:
    """0: every elder covered and on time, or every miss excused; 1 otherwise."""
    if not checks["passed"]:
        return 1
    return 0 if all(m["cause"] in NOT_OURS for m in misses) else 1


def coverage_rows(compliance: Compliance) -> list[dict[str, Any]]:
    rows = []
    order = {"city": 0, "district": 1, "street": 2, "community": 3}
    keys = sorted(
        compliance.coverage,
        key=lambda k: (order[k[0].kind.value], k[0].scope_id, k[1] == ALL_TIERS, k[1]),
    )
    for scope, tier in keys:
        row = compliance.coverage[(scope, tier)]
        rows.append(
            {
                "month": compliance.month,
                "scope": scope.kind.value,
                "scope_id": scope.scope_id,
                "tier": tier,
                "elders_due": row.elders_due,
                "elders_visited": row.elders_visited,
                "percent": row.percent if row.percent is not None else "",
                "visits_made": row.visits_made,
            }
        )
    return rows


# ---------------------------------------------------------------- the command


def run_simulation(
    config: SimulationConfig, city: Registry, policy: Policy, console: Any, command: str
) -> int:
    """Simulate, check, write the report; the exit code (0 ok, 1 misses of ours or drift)."""
    from careroute_local import month_report

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


def build_report(
    run: Run,
    compliance: Compliance,
    checks: dict[str, Any],
    misses: list[dict[str, Any]],
    code: int,
    command: str,
) -> dict[str, Any]:
    config = run.config
    city_scope = Scope.parse("city")
    everyone = compliance.row(city_scope)
    monthly = sum(1 for m in misses if m["kind"] == MissKind.MONTHLY.value)
    cadence = len(misses) - monthly
    excused = sum(1 for m in misses if m["cause"] in NOT_OURS)
    percent = f"{everyone.percent:.2f} %" if everyone.percent is not None else "—"
    judged = "the monthly rule" if config.last == month_bounds(config.month)[1] else "cadence only"
    if not checks["passed"]:
        summary = "FAILED: the independent check found differences"
    elif not misses:
        summary = f"PASSED: {percent} coverage, 0 cadence misses ({judged})"
    elif code == 0:
        summary = f"PASSED: {len(misses)} misses, every one excused (hospitalised, moved, deceased)"
    else:
        summary = f"FAILED: {len(misses) - excused} misses with a cause of ours"
    totals = {
        "visits_planned": run.totals["visits_planned"],
        "visits_attempted": run.totals["visits_attempted"],
        "visits_completed": run.totals["visits_completed"],
        "visit_records": compliance.visits,
        "re_plans": run.totals["retry_stops"],
        "cover_assignments": run.totals["cover_stops"],
        "mandatory_unassigned": run.totals["mandatory_unassigned"],
        "outcomes_rejected": run.totals["outcomes_rejected"],
        "sickness_spells": run.totals["sickness_spells"],
        "steward_days_sick": sum(1 for w in run.workload if w["status"] == "sick"),
        "findings": run.totals["findings"],
        "urgent_findings": run.totals["urgent_findings"],
        "initially_hospitalised": run.totals["initially_hospitalised"],
        "hospitalised": run.totals["became_hospitalised"],
        "discharged": run.totals["discharged"],
        "moved": run.totals["became_moved"],
        "deceased": run.totals["became_deceased"],
        "resent_batches": run.totals["resent_batches"],
        "resent_items": run.totals["resent_items"],
        "resend_mismatches": run.totals["resend_mismatches"],
        "plan_jobs_failed": run.totals["plan_jobs_failed"],
        "tickets_opened": run.totals["tickets_opened"],
        "tickets_from_findings": run.totals["tickets_from_findings"],
        "tickets_from_benefit_scan": run.totals["tickets_from_benefit_scan"],
        "tickets_from_inspections": run.totals["tickets_from_inspections"],
        "tickets_closed": run.totals["tickets_closed"],
        "tickets_closed_on_time": run.totals["tickets_closed_on_time"],
        "tickets_open_overdue": run.totals["tickets_open_overdue"],
        "tickets_escalated": run.totals["tickets_escalated"],
        **{k: v for k, v in run.totals.items() if k.startswith("inspection")},
        **{k: v for k, v in run.totals.items() if k.startswith("benefit")},
    }
    t = run.timings
    return {
        "command": command,
        "parameters": {
            "month": config.month,
            "seed": config.seed,
            "city_seed": config.city_seed,
            "first": config.first.isoformat(),
            "through": config.last.isoformat(),
            "district_ids": sorted({c.district_id for c in run.city.communities}),
            "scale": config.scale,
            "workers": config.workers,
            "rates": asdict(config.rates),
        },
        "city": {
            "communities": len(run.city.communities),
            "stewards": len(run.city.stewards),
            "elders": len(run.city.elders),
        },
        "verdict": {
            "exit_code": code,
            "summary": summary,
            "coverage_percent": percent,
            "monthly_judged": judged == "the monthly rule",
            "monthly_misses": monthly,
            "cadence_misses": cadence,
            "misses_not_ours": excused,
            "misses_ours": len(misses) - excused,
            "checks_passed": checks["passed"],
        },
        "coverage_city": {
            tier: {
                "elders_due": compliance.row(city_scope, tier).elders_due,
                "elders_visited": compliance.row(city_scope, tier).elders_visited,
                "percent": compliance.row(city_scope, tier).percent,
            }
            for tier in ("T1", "T2", "T3", ALL_TIERS)
        },
        "misses_by_cause": dict(Counter(m["cause"] for m in misses).most_common()),
        "totals": totals,
        "tickets_sla": run.ticket_sla,
        "home_services": run.home_services,
        "workload_summary": _workload_summary(run.workload),
        "wall_seconds": {
            "setup": round(t.setup, 1),
            "planning": round(t.planning, 1),
            "solving": round(t.solving, 1),
            "api": round(t.api, 1),
            "projection": round(t.projection, 1),
            "check": round(t.check, 1),
            "benefit_scan": round(t.benefit_scan, 1),
            "home_services": round(t.home_services, 1),
        },
        "days": [
            {
                "date": d.day.isoformat(),
                "routes": d.routes,
                "planned": d.planned,
                "attempted": d.attempted,
                "completed": d.completed,
                "re_plans": d.retry_stops,
                "cover": d.cover_stops,
                "mandatory_dropped": d.mandatory_dropped,
                "sick_stewards": d.sick_stewards,
                "seconds": {k: round(v, 2) for k, v in d.seconds.items()},
            }
            for d in run.days
        ],
        "api_calls": dict(sorted(run.api_status.items())),
        "checks": checks,
        "notes": run.notes,
    }


def _workload_summary(workload: list[dict[str, Any]]) -> list[list[str]]:
    worked = [w for w in workload if w["status"] == "worked"]
    rows = []
    for name in ("planned", "attempts", "visited", "hours_on_route", "travel_minutes"):
        values = [float(w[name]) for w in worked]
        mean = sum(values) / len(values) if values else 0.0
        rows.append([name.replace("_", " "), f"{mean:.1f}", f"{max(values, default=0):.1f}"])
    return rows


def check_directory(directory: Path, policy: Policy) -> tuple[int, list[str]]:
    """Recompute a finished simulation from its raw files and compare with everything it
    reported: the projector's counters, what the API answered, coverage.csv and misses.csv.
    Returns (exit code, differences)."""
    import csv

    from careroute_local import month_report

    report = json.loads((directory / "report.json").read_text("utf-8"))
    params = report["parameters"]
    visits, baselines, counters, recorded, drift = month_report.read_raw(directory / "raw")
    compliance = check_compliance(
        visits, baselines, params["month"], policy, through=date.fromisoformat(params["through"])
    )
    checks = compare(compliance, counters, visits, recorded, drift)
    problems = [
        *checks["checker_vs_projector"],
        *checks["coverage_check_drift"],
        *checks["checker_vs_simulation"],
        *(f"visits of an elder not in the baseline: {e}" for e in checks["unknown_elders"]),
    ]
    with (directory / "coverage.csv").open(encoding="utf-8", newline="") as handle:
        written = [dict(row) for row in csv.DictReader(handle)]
    again = [{k: str(v) for k, v in row.items()} for row in coverage_rows(compliance)]
    if written != again:
        problems.append("coverage.csv differs from the coverage recomputed from raw/")
    with (directory / "misses.csv").open(encoding="utf-8", newline="") as handle:
        listed = {(r["elder_id"], r["kind"], r["deadline"]) for r in csv.DictReader(handle)}
    found = {(m.elder_id, m.kind.value, m.deadline.isoformat()) for m in compliance.misses}
    for elder_id, kind, deadline in sorted(found - listed):
        problems.append(f"miss not in misses.csv: {elder_id} {kind} {deadline}")
    for elder_id, kind, deadline in sorted(listed - found):
        problems.append(
            f"misses.csv lists a miss the records do not show: {elder_id} {kind} {deadline}"
        )
    return (1 if problems else 0), problems
