"""The `memory` engine: the month's use cases called directly on the memory adapters.

The same use cases the handlers run (`careroute.service_layer`: the nightly fan-out and the
solver's `plan_community`, `steward_route`, `record_visit`, the projector's `project`,
`list_tickets`/`close_ticket`/`escalate_overdue`/`ticket_figures`, the benefit `scan`,
`replace_leave` with the same-day `cover_now`, the month's `close_month`) with the same
simulated clock, on
`careroute.adapters.memory`: no moto, no HTTP, no queues. Each call answers as the HTTP API
would (a status and the JSON payload), errors mapped by the API's own `status_of`.

Left out (no use case on ports yet): inspections and home services. The elder status change
an official makes (the registry's PATCH) is made through the port's `change_status` (the
status and a history entry, at the clock's time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from careroute.adapters.memory import (
    MemoryCommunities,
    MemoryElders,
    MemoryHolidays,
    MemoryReadAudit,
    MemoryScopes,
    MemoryStewards,
)
from careroute.adapters.memory_day_reads import MemoryDayReads
from careroute.adapters.memory_day_writes import MemoryDayWrites
from careroute.adapters.memory_visits import (
    MemoryCoverage,
    MemoryOverflowMarks,
    MemoryPlanJobs,
    MemoryRoutes,
    MemoryTickets,
    MemoryVisits,
)
from careroute.domain import clock
from careroute.domain.access import Caller, Role
from careroute.domain.coverage import Scope, ScopeKind
from careroute.domain.elder_history import Actor, Entry, Kind
from careroute.domain.errors import CareRouteError
from careroute.domain.vocabulary import Category, ElderStatus, Registry, Steward, china_date
from careroute.entrypoints.http_errors import status_of
from careroute.messages.api import CloseTicketBody, ElderPatch, OutcomeBatch, Visit
from careroute.messages.visits import NightlyTick
from careroute.service_layer.cover import cover_now
from careroute.service_layer.coverage_check import CoverageCheck, check_month
from careroute.service_layer.elders import ElderRegistry, change_elder
from careroute.service_layer.eligibility import BenefitScan, scan
from careroute.service_layer.leave import LeaveKeeping, replace_leave
from careroute.service_layer.month_close import MonthClosing, close_month
from careroute.service_layer.month_misses import MissesReading
from careroute.service_layer.nightly_ports import NightlyPlanning
from careroute.service_layer.planning import CommunityPlanning, fan_out, replan_for_return
from careroute.service_layer.ports import StatusChange
from careroute.service_layer.projection import VisitProjection, project
from careroute.service_layer.registry_import import RegistryLoading, import_registry
from careroute.service_layer.route_view import RouteReading, steward_route
from careroute.service_layer.ticket_escalation import Escalation, run_escalator
from careroute.service_layer.tickets import (
    TicketFilter,
    Ticketing,
    close_ticket,
    list_tickets,
    ticket_figures,
)
from careroute.service_layer.visits import VisitRecording, record_visit
from careroute_local.simulation.benefits import BenefitScanDays
from careroute_local.simulation.engine import OTHER_SERVICES, Answer, PlanDrain, Stored
from careroute_local.simulation.solver_pool import solve_all
from careroute_local.simulation.state import Run, Timings

CITY_ADMIN = Caller("sim-city-admin", Role.CITY_ADMIN, "")


@dataclass(frozen=True)
class MemoryProduct:
    """The product's stores in memory, one adapter per port, shared by every use case."""

    communities: MemoryCommunities
    stewards: MemoryStewards
    elders: MemoryElders
    routes: MemoryRoutes
    overflow: MemoryOverflowMarks
    holidays: MemoryHolidays
    plan_jobs: MemoryPlanJobs
    scopes: MemoryScopes
    audit: MemoryReadAudit
    visits: MemoryVisits
    coverage: MemoryCoverage
    tickets: MemoryTickets

    @classmethod
    def empty(cls) -> MemoryProduct:
        communities, coverage, elders = MemoryCommunities(), MemoryCoverage(), MemoryElders()
        return cls(
            communities=communities,
            stewards=MemoryStewards(),
            elders=elders,
            routes=MemoryRoutes(),
            overflow=MemoryOverflowMarks(),
            holidays=MemoryHolidays(),
            plan_jobs=MemoryPlanJobs(),
            scopes=MemoryScopes(communities),
            audit=MemoryReadAudit(),
            visits=MemoryVisits(elders),  # checks the elder a visit was made from, as the table
            coverage=coverage,
            tickets=MemoryTickets(coverage),
        )


def _error(exc: CareRouteError) -> Answer:
    return int(status_of(exc)), {"error": {"code": exc.code, "message": str(exc)}}


def _steward(steward_id: str) -> Caller:
    return Caller(steward_id, Role.STEWARD, steward_id)


class MemoryEngine:
    name = "memory"

    def __init__(self, run: Run, sim_clock: clock.SimulatedClock) -> None:
        self.run, self.policy = run, run.policy
        # The programmes run the month's inspections on the memory adapters (programme_sim),
        # except with --visits-only, which leaves out what the stack engine leaves out.
        self.left_out = OTHER_SERVICES if run.config.visits_only else ("home services",)
        self.product = p = MemoryProduct.empty()
        self.nightly = NightlyPlanning(
            p.communities, p.stewards, p.elders, p.routes, p.overflow, p.holidays, p.plan_jobs
        )
        days = MemoryDayReads(p.communities, p.stewards, p.routes)
        writes = MemoryDayWrites(p.routes, p.overflow)
        self.planning = CommunityPlanning(
            p.communities, p.stewards, p.elders, p.routes, p.overflow, days, writes
        )
        self.reading = RouteReading(p.routes, p.elders, p.audit)
        self.recording = VisitRecording(p.stewards, p.elders, p.routes, p.visits)
        self.projection = VisitProjection(p.elders, p.tickets, p.coverage, p.visits)
        self.ticketing = Ticketing(p.tickets, p.coverage, p.stewards, p.scopes)
        self.escalation = Escalation(p.tickets, p.stewards, p.holidays)
        self.leave = LeaveKeeping(p.stewards, p.scopes)
        self.scanning = BenefitScan(p.communities, p.elders, p.tickets)
        self.closing = MonthClosing(MissesReading(p.scopes, p.elders, p.visits), p.tickets)
        self._runs = 0
        self._load(run.city, run.config.first)
        self.benefits = BenefitScanDays(self._scan, sim_clock, run.config.first)

    def _load(self, city: Registry, as_of: date) -> None:
        """The registry and the coverage denominators, through the registry import."""
        p = self.product
        loading = RegistryLoading(p.communities, p.stewards, p.elders, p.coverage)
        import_registry(city, as_of, self.policy, loading)

    def _count(self, use_case: str, status: int) -> None:
        self.run.api_status[f"{use_case} {status}"] += 1

    def _run_id(self) -> str:
        """A request id for the plan jobs (the stack's is the Lambda invocation's)."""
        self._runs += 1
        return f"sim-memory-{self._runs}"

    def _scan(self, scheduled: datetime) -> dict[str, Any]:
        on, rules = china_date(scheduled), self.policy
        return scan(on, scheduled, rules.benefits, rules.tickets, self.scanning).summary()

    def fan_out(self, evening: datetime, day: date, district_ids: list[str]) -> None:
        tick = NightlyTick(scheduled_time=evening, plan_date=day, district_ids=district_ids)
        fan_out(tick, self._run_id(), self.policy, self.nightly)

    def solve(self) -> PlanDrain:
        jobs = self.product.plan_jobs.take_all()
        planned = solve_all(jobs, self.policy, self.planning, self.run.config.workers)
        failed = [p for p in planned if p.error is not None]
        for p in failed:  # a queue would retry it, then dead-letter it
            self.run.note(f"plan job of {p.job.community_id} for {p.job.plan_date}: {p.error}")
        return PlanDrain(len(failed), len(failed))

    def set_elder_status(self, community_id: str, elder_id: str, status: ElderStatus) -> Answer:
        elders, now = self.product.elders, clock.now()
        try:
            elder = elders.get_elder(community_id, elder_id)
        except CareRouteError as exc:
            return self._answer("change_elder", _error(exc))
        changed: list[str] = []
        if elder.status is not status:
            actor = Actor(CITY_ADMIN.subject, CITY_ADMIN.role.value)
            entry = Entry(Kind.CHANGE, now, actor, "status", elder.status.value, status.value)
            key = f"change-{now.isoformat()}"
            change = StatusChange(community_id, elder_id, elder.status, status, now, (key, entry))
            if not elders.change_status(change):
                conflict = {"error": {"code": "conflict", "message": "changed meanwhile"}}
                return self._answer("change_elder", (409, conflict))
            changed = ["status"]
            if status is ElderStatus.ACTIVE:  # back home: the API plans the day again
                replan_for_return(community_id, now, self._run_id(), self.nightly)
        body = {"elder_id": elder_id, "community_id": community_id, "changed": changed}
        return self._answer("change_elder", (200, body))

    def change_categories(self, community_id: str, elder_id: str, categories: list[str]) -> Answer:
        p = self.product
        registry = ElderRegistry(p.communities, p.stewards, p.elders, p.scopes, p.audit,
                                 p.coverage)  # fmt: skip
        patch = ElderPatch(categories=[Category(c) for c in categories])
        try:
            result = change_elder(CITY_ADMIN, community_id, elder_id, patch, clock.now(),
                                  registry, self.policy)  # fmt: skip
        except CareRouteError as exc:
            return self._answer("change_elder", _error(exc))
        return self._answer("change_elder", (200, result.model_dump(mode="json")))

    def set_leave(self, steward_id: str, dates: list[date]) -> Answer:
        try:
            stored, newly_away = replace_leave(
                CITY_ADMIN, steward_id, dates, clock.today(), self.leave
            )
            for day in newly_away:  # already planned: neighbours take the urgent visits now
                cover_now(steward_id, day, self._run_id(), self.policy, self.nightly)
        except CareRouteError as exc:
            return self._answer("replace_leave", _error(exc))
        return self._answer("replace_leave", (200, stored.model_dump(mode="json")))

    def planned_route(self, steward_id: str, day: date) -> dict[str, Any] | None:
        return self.product.routes.find_route(steward_id, day)

    def fetch_route(self, steward_id: str, day: date) -> Answer:
        try:
            document = steward_route(
                steward_id, day, clock.now(), self.reading, reader=_steward(steward_id)
            )
        except CareRouteError as exc:
            return self._answer("steward_route", _error(exc))
        return self._answer("steward_route", (200, document))

    def post_outcomes(self, steward_id: str, items: list[dict[str, Any]]) -> Answer:
        """As POST /visits/batch: oldest visit first, each item answered on its own."""
        batch = OutcomeBatch.model_validate({"items": items})
        now = clock.now()
        results: list[dict[str, Any]] = []
        for index, item in sorted(enumerate(batch.items), key=lambda pair: pair[1].visited_at):
            result: dict[str, Any] = {
                "index": index,
                "idempotency_key": item.idempotency_key,
                "status": 201,
            }
            try:
                request = item.as_request(steward_id)
                visit, _created = record_visit(
                    request, item.idempotency_key, now, self.policy, self.recording
                )
                result["visit"] = Visit.model_validate(_visit_view(visit)).model_dump(mode="json")
            except CareRouteError as exc:
                status, payload = _error(exc)
                result["status"], result["error"] = status, payload["error"]
            results.append(result)
        results.sort(key=lambda r: int(r["index"]))
        recorded = sum(1 for r in results if r.get("visit"))
        answer = {"results": results, "recorded": recorded, "failed": len(results) - recorded}
        return self._answer("record_visit (batch)", (200, answer))

    def project(self) -> None:
        for record in self.product.visits.take_new():
            project(record, self.policy, self.projection)

    def community_tickets(self, steward: Steward) -> Answer:
        where = Scope(ScopeKind.COMMUNITY, steward.community_id)
        return self._list(_steward(steward.steward_id), where, TicketFilter.OPEN)

    def _list(self, who: Caller, where: Scope, status: TicketFilter) -> Answer:
        try:
            found = list_tickets(who, where, status, clock.now(), self.ticketing)
        except CareRouteError as exc:
            return self._answer("list_tickets", _error(exc))
        return self._answer("list_tickets", (200, found.model_dump(mode="json")))

    def close_ticket(self, steward_id: str, ticket_id: str, body: dict[str, str]) -> Answer:
        closing = CloseTicketBody.model_validate(body)
        try:
            row = close_ticket(
                _steward(steward_id),
                ticket_id,
                closing.action,
                closing.result,
                clock.now(),
                self.ticketing,
            )
        except CareRouteError as exc:
            return self._answer("close_ticket", _error(exc))
        return self._answer("close_ticket", (200, row.model_dump(mode="json")))

    def close_ticket_on_duty(
        self, role: str, scope_id: str, ticket_id: str, body: dict[str, str]
    ) -> Answer:
        officer = Caller(f"duty-{scope_id}", Role(role), scope_id)
        closing = CloseTicketBody.model_validate(body)
        try:
            row = close_ticket(
                officer, ticket_id, closing.action, closing.result, clock.now(), self.ticketing
            )
        except CareRouteError as exc:
            return self._answer("close_ticket", _error(exc))
        return self._answer("close_ticket", (200, row.model_dump(mode="json")))

    def escalate(self, at: datetime) -> None:
        run_escalator(at, self.policy.ticket_duty, self.escalation)

    def city_tickets(self, status: str) -> Answer:
        return self._list(CITY_ADMIN, Scope.parse("city"), TicketFilter(status))

    def ticket_figures(self, month: str) -> Answer:
        figures = ticket_figures(Scope.parse("city"), month, clock.now(), self.ticketing)
        return self._answer("ticket_figures", (200, figures))

    def close_month(self, at: datetime) -> int:
        return close_month(china_date(at), at, self.policy, self.closing)

    def other_services(self, sim_clock: clock.SimulatedClock, day: date, timings: Timings) -> None:
        """Home services are not run by this engine (the programmes run the inspections)."""

    def other_totals(self, month: str) -> tuple[dict[str, int], dict[str, Any]]:
        return {}, {}

    def stored(self, month: str) -> Stored:
        p = self.product
        visits = list(p.visits.all_visits())
        counting = self.policy.contacts.count_toward_monthly  # as the projector counted
        drift = check_month(month, CoverageCheck(p.visits, p.coverage, counting))
        return Stored(visits, p.coverage.stored_counters(month), [str(d) for d in drift])

    def _answer(self, use_case: str, answer: Answer) -> Answer:
        self._count(use_case, answer[0])
        return answer


def _visit_view(visit: Any) -> dict[str, Any]:
    """A stored visit as POST /visits/batch shows it."""
    from careroute.entrypoints.api_routes.visits import visit_view

    view: dict[str, Any] = visit_view(visit)
    return view
