"""The ports on DynamoDB (and SQS): `careroute.adapters.dynamodb`'s tables (the registry's,
scopes', routes', overflow marks', coverage's and tickets' modules serve their ports
themselves; the others through the classes below), and the ports of each use case built
from them, once per container.

The tables must be bound first (`careroute.adapters.dynamodb.bind_tables`, done by every handler's
set-up at cold start).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING

from careroute.adapters import audit_log
from careroute.adapters.cached import CachedStewards
from careroute.adapters.dynamodb import (
    coverage,
    day_reads,
    day_writes,
    history,
    overflow_marks,
    registry,
    routes,
    scopes,
    settings_items,
    tickets,
    visits,
)
from careroute.adapters.dynamodb.plan_jobs import SqsJobs
from careroute.adapters.wiring import Adapters, wired
from careroute.domain.coverage import Scope
from careroute.domain.elder_fields import ELDER_FIELDS
from careroute.domain.elder_history import Entry, Kind
from careroute.domain.policy import Policy
from careroute.domain.vocabulary import Elder, VisitRecord
from careroute.messages.audit import LoggedRead
from careroute.messages.holidays import Holiday, Holidays
from careroute.messages.visits import PlanJob
from careroute.service_layer.ports import StatusChange

if TYPE_CHECKING:
    from careroute.adapters.china_calendar import ChinaCalendar

    # Each factory below imports its own use case: a function loads only the one it serves
    # (all of them, with the planners and API bodies they import, were ~150 ms of a cold start).
    from careroute.service_layer.capacity import CapacityReading
    from careroute.service_layer.eligibility import BenefitScan
    from careroute.service_layer.leave import LeaveKeeping
    from careroute.service_layer.nightly_ports import NightlyPlanning
    from careroute.service_layer.planning import CommunityPlanning
    from careroute.service_layer.projection import VisitProjection
    from careroute.service_layer.registry_import import RegistryLoading
    from careroute.service_layer.route_view import RouteReading
    from careroute.service_layer.tickets import Ticketing
    from careroute.service_layer.visits import VisitRecording


class DynamoElders:
    def add_elder(self, elder: Elder) -> bool:
        return registry.add_elder(elder)

    def save_elders(self, elders: Iterable[Elder]) -> int:
        return registry.save_elders(elders)

    def get_elder(self, community_id: str, elder_id: str, consistent: bool = False) -> Elder:
        return registry.get_elder(community_id, elder_id, consistent)

    def elders_of_community(self, community_id: str) -> list[Elder]:
        return registry.elders_of_community(community_id)

    def elders_of_communities(self, community_ids: Iterable[str]) -> dict[str, list[Elder]]:
        return registry.elders_of_communities(community_ids)

    def get_elders(self, community_id: str, elder_ids: Iterable[str]) -> dict[str, Elder]:
        return registry.get_elders(community_id, elder_ids)

    def add_benefit_task(self, community_id: str, elder_id: str, rule_id: str) -> bool:
        return registry.add_benefit_task(community_id, elder_id, rule_id)

    def mark_visited(self, community_id: str, elder_id: str, on: date) -> bool:
        return registry.mark_visited(community_id, elder_id, on)

    def mark_contacted(self, community_id: str, elder_id: str, on: date) -> bool:
        return registry.mark_contacted(community_id, elder_id, on)

    def mark_attempt(self, community_id: str, elder_id: str, at: datetime) -> bool:
        return registry.mark_attempt(community_id, elder_id, at)

    def raise_urgent_until(self, community_id: str, elder_id: str, until: date) -> bool:
        return registry.raise_urgent_until(community_id, elder_id, until)

    def change_status(self, change: StatusChange) -> bool:
        update = registry.status_update(change)
        if change.history is None:
            return registry.apply_update(update, "set an elder's status")
        key, entry = change.history
        return history.apply_outcome_change(
            change.community_id, change.elder_id, update, entry, key
        )

    def changes(self, community_id: str, elder_id: str) -> list[Entry]:
        return list(history.entries(history.elder_pk(community_id, elder_id), Kind.CHANGE))

    def elders_after(self, community_id: str, after: str | None) -> Iterator[Elder]:
        return registry.elders_after(community_id, after)

    def change_registry(self, before: Elder, after: Elder, changes: Iterable[Entry]) -> None:
        new = {
            name: value(after)
            for name, value in ELDER_FIELDS.items()
            if value(after) != value(before)
        }
        history.apply_elder_change(before, new, changes)


RECENT_ELDERS = 5_000
"""How many elders a container keeps for recording visits; the oldest read is dropped first."""


class RecentElders(DynamoElders):
    """The elders' table, with single-elder reads answered from a per-container cache. For
    recording a visit only: its write checks, in the same transaction, that the stored elder
    is still as read (`visits.save_visit_as_read`), so a stale entry costs one more read and
    never stores a wrong record. A `consistent` read goes to the table and refreshes the
    entry."""

    def __init__(self, limit: int = RECENT_ELDERS) -> None:
        self._limit = limit
        self._read: dict[tuple[str, str], Elder] = {}

    def get_elder(self, community_id: str, elder_id: str, consistent: bool = False) -> Elder:
        key = (community_id, elder_id)
        held = self._read.get(key)
        if held is not None and not consistent:
            return held
        elder = super().get_elder(community_id, elder_id, consistent)
        self._read.pop(key, None)
        if len(self._read) >= self._limit:
            del self._read[next(iter(self._read))]
        self._read[key] = elder
        return elder


class DynamoHolidays:
    """The bureau's calendar as its settings item (the document `GET /holidays` answers)."""

    def holidays(self) -> dict[date, str]:
        return {h.date: h.name for h in self._stored().holidays}

    def workdays(self) -> dict[date, str]:
        return {h.date: h.name for h in self._stored().workdays}

    def save_holidays(
        self, holidays: Mapping[date, str], by: str, workdays: Mapping[date, str] | None = None
    ) -> None:
        calendar = Holidays(
            holidays=[Holiday(date=d, name=n) for d, n in holidays.items()],
            workdays=[Holiday(date=d, name=n) for d, n in (workdays or {}).items()],
        )
        settings_items.put_setting("holidays", calendar.model_dump(mode="json"), by)

    def _stored(self) -> Holidays:
        stored = settings_items.get_setting("holidays")
        return Holidays.model_validate(stored) if stored else Holidays(holidays=[])


def holidays_in_force() -> ChinaCalendar:
    """The calendar the planners, the pace and the duty clock read: chinese-calendar's
    holidays and make-up working days with the bureau's stored dates on top. (The package's
    dates are loaded here, not at import: most functions never read the calendar.)"""
    from careroute.adapters.china_calendar import ChinaCalendar

    return ChinaCalendar(DynamoHolidays())


class DynamoReadAudit:
    def record_community_read(self, community_id: str, entry: Entry) -> None:
        history.record_read(history.community_pk(community_id), entry)

    def record_community_reads(self, reads: Mapping[str, Entry]) -> None:
        history.record_reads([(history.community_pk(c), entry) for c, entry in reads.items()])

    def community_reads(self, community_id: str) -> list[Entry]:
        return list(history.entries(history.community_pk(community_id), Kind.READ))

    def record_elder_read(self, community_id: str, elder_id: str, entry: Entry) -> None:
        history.record_read(history.elder_pk(community_id, elder_id), entry)

    def elder_reads(self, community_id: str, elder_id: str) -> list[Entry]:
        return list(history.entries(history.elder_pk(community_id, elder_id), Kind.READ))


class LoggedReadAudit(DynamoReadAudit):
    """Reads recorded as audit log lines, which the audit writer stores in the history table
    (the request does not wait for that write); read back from the table."""

    def record_community_read(self, community_id: str, entry: Entry) -> None:
        audit_log.log_read(community_id, entry)

    def record_community_reads(self, reads: Mapping[str, Entry]) -> None:
        for community_id, entry in reads.items():
            audit_log.log_read(community_id, entry)

    def record_elder_read(self, community_id: str, elder_id: str, entry: Entry) -> None:
        audit_log.log_read(community_id, entry, elder_id)

    def keep_logged(self, reads: Iterable[LoggedRead]) -> int:
        """Store logged reads (the audit writer), each once however often delivered."""
        return history.record_reads_once(
            (
                history.community_pk(read.community_id)
                if read.elder_id is None
                else history.elder_pk(read.community_id, read.elder_id),
                read.entry(),
                read.read_id,
            )
            for read in reads
        )


class DynamoVisits:
    def save_visit_once(self, record: VisitRecord, request_hash: str) -> tuple[VisitRecord, bool]:
        return visits.save_visit_once(record, request_hash)

    def save_visit_as_read(
        self, record: VisitRecord, request_hash: str, elder: Elder
    ) -> tuple[VisitRecord, bool] | None:
        return visits.save_visit_as_read(record, request_hash, elder)

    def save_visit_as_claimed(
        self, record: VisitRecord, request_hash: str, policy: Policy
    ) -> tuple[VisitRecord, bool] | None:
        return visits.save_visit_as_claimed(record, request_hash, policy)

    def all_visits(self) -> Iterator[VisitRecord]:
        return visits.all_visits()

    def visits_between(self, first: date, last: date, scope: Scope) -> Iterator[VisitRecord]:
        return visits.visits_around(
            first.isoformat(), last.isoformat(), scope.kind.value, scope.scope_id
        )

    def elder_visits_in_month(self, elder_id: str, month: str) -> Iterator[VisitRecord]:
        return visits.elder_visits_in_month(elder_id, month)


PORTS: Adapters = {
    # table modules whose functions are the ports' methods
    "communities": lambda: registry,
    "stewards": lambda: registry,
    "scopes": lambda: scopes,
    "routes": lambda: routes,
    "overflow": lambda: overflow_marks,
    "coverage": lambda: coverage,
    "tickets": lambda: tickets,
    "days": lambda: day_reads,
    "day_writes": lambda: day_writes,
    # adapters that do more than call a table module's function of the port method's name
    "elders": DynamoElders,
    "holidays": holidays_in_force,
    "audit": DynamoReadAudit,
    "visits": DynamoVisits,
}
"""The adapters of the registry, the stewards' routes, tickets, coverage and visits, by the
name the use cases give their port; the other areas' tables extend it."""


def visit_recording() -> VisitRecording:
    """The ports of recording a visit, on DynamoDB, with the steward read cached briefly and
    the elders read kept (each visit's write checks the elder it was made from)."""
    from careroute.service_layer.visits import VisitRecording

    stewards = CachedStewards(registry)
    return wired(VisitRecording, PORTS, stewards=stewards, elders=RecentElders())


def visit_projection() -> VisitProjection:
    """The ports of projecting a visit record, on DynamoDB."""
    from careroute.adapters.dynamodb.overdue_view import DynamoOverdueView
    from careroute.service_layer.projection import VisitProjection

    return wired(VisitProjection, PORTS, overdue=DynamoOverdueView())


def nightly_planning(plan_jobs_queue_url: str) -> NightlyPlanning:
    """The ports of the nightly fan-out and of a same-day cover: DynamoDB, and the plan-job
    queue on SQS."""
    from careroute.service_layer.nightly_ports import NightlyPlanning

    return wired(NightlyPlanning, PORTS, plan_jobs=SqsJobs[PlanJob](plan_jobs_queue_url))


def community_planning() -> CommunityPlanning:
    """The ports of planning one community's day (the solver), on DynamoDB."""
    from careroute.service_layer.planning import CommunityPlanning

    return wired(CommunityPlanning, PORTS)


def route_reading() -> RouteReading:
    """The ports of a steward reading their route, on DynamoDB (each read logged)."""
    from careroute.service_layer.route_view import RouteReading

    return wired(RouteReading, PORTS, audit=LoggedReadAudit())


def ticketing() -> Ticketing:
    """The ports of listing, closing and counting tickets, on DynamoDB."""
    from careroute.service_layer.tickets import Ticketing

    return wired(Ticketing, PORTS)


def benefit_scan() -> BenefitScan:
    """The ports of the daily benefit scan, on DynamoDB."""
    from careroute.service_layer.eligibility import BenefitScan

    return wired(BenefitScan, PORTS)


def leave_keeping() -> LeaveKeeping:
    """The ports of reading and replacing a steward's leave, on DynamoDB."""
    from careroute.service_layer.leave import LeaveKeeping

    return wired(LeaveKeeping, PORTS)


def capacity_reading() -> CapacityReading:
    """The ports of the month's capacity forecast, on DynamoDB."""
    from careroute.service_layer.capacity import CapacityReading

    return wired(CapacityReading, PORTS)


def registry_loading() -> RegistryLoading:
    """The ports a registry import writes, on DynamoDB."""
    from careroute.service_layer.registry_import import RegistryLoading

    return wired(RegistryLoading, PORTS)
