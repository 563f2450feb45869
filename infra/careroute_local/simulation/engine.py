"""The engine seam: what a simulated day does to the product, behind one small interface.

Two engines implement it. `stack` (`stack_engine.py`) goes through the handlers Lambda runs,
on the local stack: HTTP API requests with dev tokens, the plan-jobs queue, the visits
stream, Scheduler events. `memory` (`memory_engine.py`) calls the same use cases
(`careroute.service_layer`) directly on the memory adapters (`careroute.adapters.memory`),
without moto. The day (`day.py`), a steward's walk (`visits.py`) and the follow-ups
(`tickets.py`) are written once against this interface, with the same simulated clock and
the same seeded draws, so one seed gives the same outcomes on both.

Every call answers as the HTTP API would (a status and the JSON payload), so the simulation
reads one shape whichever engine runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from careroute.domain import clock
from careroute.domain.vocabulary import ElderStatus, Steward, VisitRecord
from careroute_local.simulation.benefits import BenefitScanDays
from careroute_local.simulation.state import Timings

OTHER_SERVICES: tuple[str, ...] = ("inspections", "home services")
"""The parts of the month beside the visits that `--visits-only` leaves out on both engines
(the memory engine runs inspections with the programmes, and no home services)."""

Answer = tuple[int, Any]
"""An HTTP status and the JSON payload (None when there is none)."""


@dataclass(frozen=True)
class PlanDrain:
    """What draining the plan jobs did: how many deliveries failed or were dead-lettered."""

    failed: int = 0
    dead_lettered: int = 0


@dataclass(frozen=True)
class Stored:
    """What the month left in the product, for the independent check."""

    visits: list[VisitRecord]
    counters: dict[Any, dict[str, Any]]
    """The projector's counters by (scope, tier), as `coverage.stored_counters` gives them."""
    drift: list[str]
    """The coverage drift check: counters vs a recount of the visit records."""


class Engine(Protocol):
    name: str
    benefits: BenefitScanDays
    """The daily benefit scan (and the backlog run the day before the month)."""
    left_out: tuple[str, ...]
    """Parts of the month this engine does not run (named in the report)."""

    def fan_out(self, evening: datetime, day: date, district_ids: list[str]) -> None:
        """The nightly tick: one plan job per community for `day`."""
        ...

    def solve(self) -> PlanDrain:
        """Plan every waiting job (the solver over the plan-jobs queue)."""
        ...

    def set_elder_status(self, community_id: str, elder_id: str, status: ElderStatus) -> Answer:
        """An official sets an elder's status (the registry's PATCH, as the city admin)."""
        ...

    def change_categories(self, community_id: str, elder_id: str, categories: list[str]) -> Answer:
        """An official sets an elder's categories (the registry's PATCH, as the city admin):
        a needs assessment's grade, which the next nightly plan reads the tier from."""
        ...

    def set_leave(self, steward_id: str, dates: list[date]) -> Answer:
        """Replace a steward's leave (the city admin); an already-planned day is covered now."""
        ...

    def planned_route(self, steward_id: str, day: date) -> dict[str, Any] | None:
        """The stored route, read without the steward (a sick steward fetches nothing)."""
        ...

    def fetch_route(self, steward_id: str, day: date) -> Answer:
        """The steward fetches the day's route."""
        ...

    def post_outcomes(self, steward_id: str, items: list[dict[str, Any]]) -> Answer:
        """The steward posts the day's outcomes as one offline batch."""
        ...

    def project(self) -> None:
        """Deliver the visits written since the last call to the projector."""
        ...

    def community_tickets(self, steward: Steward) -> Answer:
        """The steward lists the open tickets of their community."""
        ...

    def close_ticket(self, steward_id: str, ticket_id: str, body: dict[str, str]) -> Answer:
        """The steward closes a ticket."""
        ...

    def escalate(self, at: datetime) -> None:
        """The escalator's scheduled run."""
        ...

    def close_ticket_on_duty(
        self, role: str, scope_id: str, ticket_id: str, body: dict[str, str]
    ) -> Answer:
        """The duty officer of a street (role `street_official`) or district closes a ticket."""
        ...

    def city_tickets(self, status: str) -> Answer:
        """Every ticket of the city with that status (open, closed), as the city admin."""
        ...

    def ticket_figures(self, month: str) -> Answer:
        """The `tickets` block of the city's coverage report for the month."""
        ...

    def close_month(self, at: datetime) -> int:
        """The month's close on the next month's first morning (MonthCloseFunction): the
        "unreachable" tickets it opened."""
        ...

    def other_services(self, sim_clock: clock.SimulatedClock, day: date, timings: Timings) -> None:
        """The parts of a day besides visits (inspections, home services), where run."""
        ...

    def other_totals(self, month: str) -> tuple[dict[str, int], dict[str, Any]]:
        """Their month's figures: (totals, home services)."""
        ...

    def stored(self, month: str) -> Stored:
        """The visit records, the projector's counters and the drift check."""
        ...
