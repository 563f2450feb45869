"""The `stack` engine: the month through the handlers Lambda runs, on the local stack (moto).

The nightly tick to the planner and the plan-jobs queue drained through the solver; every
steward's and official's call over the HTTP API with a dev token; the visits stream drained
through the projector; the escalator and the benefit scan fired as Scheduler events. Also
the parts that have no ported use case yet: inspections and home services.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from careroute.domain import clock
from careroute.domain.errors import NotFoundError
from careroute.domain.vocabulary import ElderStatus, Steward
from careroute_local.simulation.api_client import TOKEN_TTL, Tokens, call, every_ticket
from careroute_local.simulation.benefits import BenefitScanDays
from careroute_local.simulation.engine import OTHER_SERVICES, Answer, PlanDrain, Stored
from careroute_local.simulation.state import Run, Timings

PLANNER = "PlannerFunction"
PLAN_QUEUE = "PlanJobsQueue"
VISITS_TABLE = "VisitsTable"
ESCALATOR = "EscalatorFunction"
SCANNER = "EligibilityFunction"
MONTH_CLOSE = "MonthCloseFunction"


class StackEngine:
    name = "stack"

    def __init__(self, run: Run, pump: Any, sim_clock: clock.SimulatedClock, console: Any) -> None:
        from careroute_local import main_job
        from careroute_local.home_service_sim import HomeServiceDays
        from careroute_local.inspection_sim import InspectionDays

        config, city = run.config, run.city
        self.run, self.pump = run, pump
        self.tokens = Tokens(pump)
        main_job.load_registry(city, config.first, console)
        self.left_out: tuple[str, ...] = OTHER_SERVICES if config.visits_only else ()
        self.inspecting, self.serving = None, None
        if not config.visits_only:
            first = config.first
            self.inspecting = InspectionDays(pump, city, config.city_seed, config.seed, first)
        self.benefits = BenefitScanDays(self._scan, sim_clock, config.first)
        if not config.visits_only:
            self.serving = HomeServiceDays(pump, city, config.seed, config.first, config.last)

    def _scan(self, scheduled: datetime) -> dict[str, Any]:
        summary: dict[str, Any] = self.pump.fire_schedule(SCANNER, scheduled.astimezone(UTC))
        return summary

    def _call(self, method: str, path: str, token: str, body: Any = None) -> Answer:
        return call(self.run, self.pump, method, path, token, body)

    def fan_out(self, evening: datetime, day: date, district_ids: list[str]) -> None:
        self.pump.fire_schedule(
            PLANNER,
            evening.astimezone(UTC),
            overrides={"plan_date": day.isoformat(), "district_ids": district_ids},
        )

    def solve(self) -> PlanDrain:
        drained = self.pump.drain_queue(PLAN_QUEUE, workers=self.run.config.workers)
        return PlanDrain(drained.failed, drained.dead_lettered)

    def set_elder_status(self, community_id: str, elder_id: str, status: ElderStatus) -> Answer:
        admin = self.tokens.steward_or_role("city_admin")
        body = {"status": status.value}
        return self._call("PATCH", f"/elders/{community_id}/{elder_id}", admin, body)

    def change_categories(self, community_id: str, elder_id: str, categories: list[str]) -> Answer:
        admin = self.tokens.steward_or_role("city_admin")
        body = {"categories": categories}
        return self._call("PATCH", f"/elders/{community_id}/{elder_id}", admin, body)

    def set_leave(self, steward_id: str, dates: list[date]) -> Answer:
        body = {"dates": [d.isoformat() for d in sorted(dates)]}
        admin = self.tokens.steward_or_role("city_admin")
        return self._call("PUT", f"/stewards/{steward_id}/leave", admin, body)

    def planned_route(self, steward_id: str, day: date) -> dict[str, Any] | None:
        from careroute.adapters.dynamodb import routes as route_store

        try:
            return route_store.get_route(steward_id, day)
        except NotFoundError:
            return None

    def fetch_route(self, steward_id: str, day: date) -> Answer:
        token = self.tokens.steward(steward_id)
        return self._call("GET", f"/stewards/{steward_id}/routes/{day}", token)

    def post_outcomes(self, steward_id: str, items: list[dict[str, Any]]) -> Answer:
        token = self.tokens.steward(steward_id)
        return self._call("POST", "/visits/batch", token, {"items": items})

    def project(self) -> None:
        """The day's stream to the projector, and the day's route-read audit lines to the
        audit writer (as the cloud's log subscription would)."""
        self.pump.drain_stream(VISITS_TABLE)
        self.pump.deliver_logs()

    def community_tickets(self, steward: Steward) -> Answer:
        path = f"/tickets?scope=community:{steward.community_id}&status=open"
        return every_ticket(self.run, self.pump, path, self.tokens.steward(steward.steward_id))

    def close_ticket(self, steward_id: str, ticket_id: str, body: dict[str, str]) -> Answer:
        token = self.tokens.steward(steward_id)
        return self._call("POST", f"/tickets/{ticket_id}/close", token, body)

    def close_ticket_on_duty(
        self, role: str, scope_id: str, ticket_id: str, body: dict[str, str]
    ) -> Answer:
        token = self.pump.issuer.token(role, scope_id, ttl_seconds=TOKEN_TTL)
        return self._call("POST", f"/tickets/{ticket_id}/close", token, body)

    def escalate(self, at: datetime) -> None:
        self.pump.fire_schedule(ESCALATOR, at.astimezone(UTC))

    def city_tickets(self, status: str) -> Answer:
        admin = self.tokens.steward_or_role("city_admin")
        return every_ticket(self.run, self.pump, f"/tickets?scope=city&status={status}", admin)

    def ticket_figures(self, month: str) -> Answer:
        status, payload = self._call(
            "GET", f"/coverage?month={month}&scope=city", self.tokens.admin()
        )
        tickets = (payload or {}).get("tickets") if isinstance(payload, dict) else None
        return status, tickets

    def close_month(self, at: datetime) -> int:
        summary: dict[str, Any] = self.pump.fire_schedule(MONTH_CLOSE, at.astimezone(UTC))
        return int(summary["unreachable_tickets"])

    def other_services(self, sim_clock: clock.SimulatedClock, day: date, timings: Timings) -> None:
        if self.inspecting is None or self.serving is None:
            return
        t_inspections = time.perf_counter()
        self.inspecting.day(sim_clock, day)
        t_orders = time.perf_counter()
        timings.api += t_orders - t_inspections
        self.serving.day(sim_clock, day)
        timings.home_services += time.perf_counter() - t_orders

    def other_totals(self, month: str) -> tuple[dict[str, int], dict[str, Any]]:
        if self.inspecting is None or self.serving is None:
            return {}, {}
        return self.inspecting.totals(month), self.serving.totals(month)

    def stored(self, month: str) -> Stored:
        from careroute.adapters.dynamodb import coverage as coverage_store
        from careroute.adapters.dynamodb.oversight_repositories import coverage_checking
        from careroute.adapters.dynamodb.visits import all_visits
        from careroute.service_layer.coverage_check import check_month

        counting = self.run.policy.contacts.count_toward_monthly  # as the projector counted
        return Stored(
            visits=list(all_visits()),
            counters=coverage_store.stored_counters(month),
            drift=[str(d) for d in check_month(month, coverage_checking(counting))],
        )


@contextmanager
def stack_engine(run: Run, sim_clock: clock.SimulatedClock, console: Any) -> Iterator[StackEngine]:
    """A fresh local stack for the month, the registry loaded; stopped on leaving."""
    from careroute_local import main_job

    with main_job.local_stack() as (_stack, pump):
        yield StackEngine(run, pump, sim_clock, console)
