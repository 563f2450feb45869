"""What the simulation knows as it goes: each elder's status, the evidence behind every miss,
the day's figures and the run's totals, for the checks and the report.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from careroute.domain.compliance import ElderBaseline, StatusPeriod
from careroute.domain.hospitals import Hospital
from careroute.domain.policy import Policy
from careroute.domain.vocabulary import Elder, ElderStatus, Registry
from careroute_local.simulation.config import SimulationConfig


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
    programmes: dict[str, Any] = field(default_factory=dict)
    """The month's home care beds, meals, day care, service hours, assessments, benefit
    claims and institution ratings (careroute_local.programme_sim)."""
    programme_raw: dict[str, Any] = field(default_factory=dict)
    """The records the programmes' figures are recounted from (written under raw/)."""
    tickets_by_source: dict[str, dict[str, int]] = field(default_factory=dict)
    """Tickets at the month's end by source (visit findings, benefit scan, inspections)."""
    unreachable_elders: set[str] = field(default_factory=set)
    """The elders with an "unreachable" ticket (any month's) at the month's end."""
    unreachable_on_time: set[str] = field(default_factory=set)
    """Elders whose "unreachable" ticket the street office closed within its SLA."""
    ticket_sla: dict[str, Any] = field(default_factory=dict)
    """The `tickets` block of GET /coverage for the city at the month's end."""
    hospitals: dict[str, tuple[Hospital, ...]] = field(default_factory=dict)
    """Each district's hospitals (synthetic): where an elder found gone to hospital stays."""
    forecast_flagged: tuple[str, ...] = ()
    """Communities the capacity forecast, made before the month at the run's rates, said
    cannot reach 100 % unaided (`careroute capacity`)."""
    forecast_streets: tuple[str, ...] = ()
    """Streets it said cannot cover their own communities' shortfalls."""

    registry_elders: dict[str, Elder] = field(default_factory=dict, repr=False)
    """The city's elders by id, as the registry had them at the month's start (`elder`)."""

    def elder(self, elder_id: str) -> Elder:
        """The elder as the registry had it at the month's start."""
        if not self.registry_elders:
            self.registry_elders.update((e.elder_id, e) for e in self.city.elders)
        return self.registry_elders[elder_id]

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)
