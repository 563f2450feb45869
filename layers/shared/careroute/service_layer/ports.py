"""The ports of the use cases: what a use case reads and writes, as typed Protocols.

A use case takes its ports as arguments; `careroute.adapters` implements them (DynamoDB in
the cloud and on the local stack, memory for fast tests and simulations), and one contract
suite (`tests/contract/`) runs against both so they cannot drift. Errors are the domain's:
a missing item is `NotFoundError`, a reused idempotency key `ConflictError`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol

from careroute.domain.assessments import AssessmentRequest, Assessor
from careroute.domain.coverage import Projection, Scope
from careroute.domain.devices import Device
from careroute.domain.elder_history import Entry
from careroute.domain.eligibility import CareLevel
from careroute.domain.incidents import Incident
from careroute.domain.inspections import InspectionTarget, Inspector
from careroute.domain.orders import Order, OrderEvent
from careroute.domain.providers import Provider, ServiceMarket, ServiceWorker
from careroute.domain.tickets import Ticket
from careroute.domain.vocabulary import Community, Elder, ElderStatus, Steward, VisitRecord
from careroute.messages.inspections import InspectionPlanJob
from careroute.messages.meals import MealPlanJob
from careroute.messages.visits import PlanJob
from careroute.planning.meals import Canteen, MealOrder
from careroute.planning.provider_day import DayPlan
from careroute.planning.service_circle import Facility


class CommunityRepository(Protocol):
    def save_communities(self, communities: Iterable[Community]) -> int:
        """Store (or replace) communities; returns how many."""
        ...

    def get_community(self, community_id: str) -> Community:
        """The community; NotFoundError when there is none."""
        ...

    def all_communities(self) -> Iterator[Community]:
        """Every community, in no particular order."""
        ...


class StewardRepository(Protocol):
    def save_stewards(self, stewards: Iterable[Steward]) -> int:
        """Store (or replace) stewards; returns how many."""
        ...

    def get_steward(self, steward_id: str, consistent: bool = False) -> Steward:
        """The steward; NotFoundError when there is none. `consistent`: see every write made
        before the call (e.g. leave just changed)."""
        ...

    def all_stewards(self) -> Iterator[Steward]:
        """Every steward, in no particular order."""
        ...

    def steward_of_community(self, community_id: str) -> Steward:
        """The community's steward; NotFoundError when it has none."""
        ...

    def set_leave(self, steward_id: str, dates: Iterable[date]) -> Steward:
        """Replace the steward's leave dates; the steward as stored. NotFoundError (and
        nothing written) when there is no such steward."""
        ...


class ElderRepository(Protocol):
    def save_elders(self, elders: Iterable[Elder]) -> int:
        """Store (or replace) elders; returns how many."""
        ...

    def get_elder(self, community_id: str, elder_id: str, consistent: bool = False) -> Elder:
        """The elder of that community; NotFoundError when there is none. `consistent`: see
        every write made before the call (a strongly consistent read)."""
        ...

    def elders_of_community(self, community_id: str) -> list[Elder]:
        """Every elder of the community (any status), in elder id order."""
        ...

    def get_elders(self, community_id: str, elder_ids: Iterable[str]) -> dict[str, Elder]:
        """The community's elders of those ids, by id (unknown ids are simply absent)."""
        ...

    def add_benefit_task(self, community_id: str, elder_id: str, rule_id: str) -> bool:
        """Add a benefit rule id to the elder's tasks for the next visit; False when it was
        there already or the elder is unknown (safe to repeat)."""
        ...

    # What visit outcomes change. Each is conditional and safe to repeat in any order: True
    # when it changed something, False when a newer value is there (or the elder is unknown).

    def mark_visited(self, community_id: str, elder_id: str, on: date) -> bool:
        """Move the last completed visit forward to `on` (never backwards)."""
        ...

    def mark_attempt(self, community_id: str, elder_id: str, at: datetime) -> bool:
        """Move the latest failed attempt forward to `at`, unless a completed visit on or after
        its day is recorded (a failed attempt is "since the last visit" or not at all)."""
        ...

    def raise_urgent_until(self, community_id: str, elder_id: str, until: date) -> bool:
        """Move the date an urgent finding keeps the elder T1 until forward to `until`."""
        ...

    def change_status(
        self,
        community_id: str,
        elder_id: str,
        expected: ElderStatus,
        target: ElderStatus,
        at: datetime,
        change: tuple[str, Entry] | None = None,
    ) -> bool:
        """Set the status `target` (or confirm it) as observed at `at`, only while it is still
        `expected` and nothing at or after `at` set it; with `change` = (key, entry), write the
        history entry under that key in the same all-or-nothing step (an entry already there
        under the key makes it a repeat: nothing is written)."""
        ...

    def changes(self, community_id: str, elder_id: str) -> list[Entry]:
        """The elder's history of changes, newest first."""
        ...

    # What officials change in the registry, and how they page through a community.

    def elders_after(self, community_id: str, after: str | None) -> Iterator[Elder]:
        """The community's elders (any status) in elder id order, after the id `after` (the
        last of a page), or from the first; read lazily, so a page stops reading early."""
        ...

    def change_registry(self, before: Elder, after: Elder, changes: Iterable[Entry]) -> None:
        """Set the registry fields (domain.elder_fields) where `after` differs from `before`,
        and write `changes` to the elder's history, all or nothing. ConflictError (nothing
        written) when a changed field no longer holds `before`'s value, or the elder is gone:
        a concurrent change won. A changed status is dated now, so a visit outcome observed
        before the change cannot undo it."""
        ...


class RouteRepository(Protocol):
    def save_route(self, document: dict[str, Any]) -> None:
        """Store a steward's route document (docs/plan-format.md), replacing that day's."""
        ...

    def find_route(self, steward_id: str, day: date) -> dict[str, Any] | None:
        """The steward's route for the day, or None."""
        ...

    def replace_route(self, document: dict[str, Any], previous: dict[str, Any] | None) -> bool:
        """Store `document` only if the steward's route of that day is still `previous` (None:
        no route yet); False when someone changed it meanwhile (read again, redo the change)."""
        ...


class OverflowMarks(Protocol):
    """Which communities' routes said their steward has more work than days, per plan date:
    the solver writes them, the next nights' fan-out reads them."""

    def mark_overflow(self, plan_date: date, community_id: str, overflowing: bool) -> None:
        """Set (or clear, on a re-plan without overflow) the community's mark for the date."""
        ...

    def overflowing_on(self, plan_date: date) -> set[str]:
        """The communities marked for the date."""
        ...


class HolidayCalendar(Protocol):
    """The bureau's public holidays (nobody works; deadlines move before them)."""

    def holidays(self) -> dict[date, str]:
        """Each public holiday's date and name; none when the bureau never set them."""
        ...

    def save_holidays(self, holidays: Mapping[date, str], by: str) -> None:
        """Replace the calendar (date -> name); `by` is who changed it."""
        ...


class PolicyStore(Protocol):
    """The bureau's tier policy as stored: a document in default_policy.toml's structure (as
    JSON), checked before it is saved."""

    def stored_policy(self) -> dict[str, Any] | None:
        """The stored policy document; None when the bureau never stored one."""
        ...

    def save_policy(self, document: dict[str, Any], by: str) -> None:
        """Replace the stored policy document; `by` is who changed it."""
        ...


class PlanJobQueue(Protocol):
    def send_plan_jobs(self, jobs: Iterable[PlanJob]) -> int:
        """Send every job (one community's day each); the count sent. StorageError when any
        could not be sent."""
        ...


class ScopeDirectory(Protocol):
    """The scope tree (community -> street -> district -> city) of the registry."""

    def ancestors(self, scope: Scope) -> tuple[Scope, ...]:
        """The scopes containing `scope`, innermost first; () for the city or an unknown one."""
        ...

    def communities_in(self, scope: Scope) -> list[str]:
        """The ids of the communities inside `scope` (itself, for a community), sorted."""
        ...


class ReadAudit(Protocol):
    """Who was shown elders' personal data (ids only, never the values)."""

    def record_community_read(self, community_id: str, entry: Entry) -> None:
        """Keep a read of several elders of a community (a route, a list)."""
        ...

    def community_reads(self, community_id: str) -> list[Entry]:
        """The community's recorded reads, newest first."""
        ...

    def record_elder_read(self, community_id: str, elder_id: str, entry: Entry) -> None:
        """Keep a read of one elder's personal data (e.g. the addresses in its history)."""
        ...

    def elder_reads(self, community_id: str, elder_id: str) -> list[Entry]:
        """The elder's recorded reads, newest first."""
        ...


class VisitRepository(Protocol):
    def save_visit_once(self, record: VisitRecord, request_hash: str) -> tuple[VisitRecord, bool]:
        """Store the visit unless its id exists: (stored record, created?). The same id with
        another request_hash raises ConflictError; with the same, returns the first record."""
        ...

    def all_visits(self) -> Iterator[VisitRecord]:
        """Every visit record, in no particular order."""
        ...

    def visits_between(self, first: date, last: date, scope: Scope) -> Iterator[VisitRecord]:
        """The visit records inside `scope` whose visited_at falls on a day from `first` to
        `last` in the offset it was recorded with (a scan: for the officials' month chart,
        not for hot paths), in no particular order."""
        ...


class TicketRepository(Protocol):
    def open_once(self, ticket: Ticket) -> bool:
        """Store a new ticket and count it in its scopes' month, all or nothing; False (and
        nothing counted) when a ticket with its id exists."""
        ...

    def get_ticket(self, ticket_id: str) -> Ticket:
        """The ticket (read consistently); NotFoundError when there is none."""
        ...

    def of_community(self, community_id: str) -> Iterator[Ticket]:
        """The community's tickets, open and closed, soonest due first."""
        ...

    def open_tickets(self) -> Iterator[Ticket]:
        """Every open ticket of the city, soonest due first."""
        ...

    def open_due_before(self, now: datetime) -> Iterator[Ticket]:
        """Every open ticket due before `now`, soonest due first."""
        ...

    def save_level(self, before: Ticket, after: Ticket, at: datetime) -> bool:
        """Raise an open ticket from `before.level` to `after.level` (escalated at `at`);
        False when it is no longer open at that level (escalated or closed meanwhile)."""
        ...

    def save_closed(self, ticket: Ticket) -> bool:
        """Store a closed ticket's closing (when, by whom, action, result) and count it in its
        scopes' month, all or nothing; False when it was closed already (or is unknown)."""
        ...


class CoverageRepository(Protocol):
    def project_visit(self, record: VisitRecord) -> Projection:
        """Count the visit in every scope x (its tier, ALL) of its month, exactly once per
        visit id; the elder counts as visited once per month (completed outcomes only)."""
        ...

    def save_registry_totals(self, totals: dict[tuple[Scope, str], int]) -> int:
        """Replace the denominators (active elders per scope x tier)."""
        ...

    def read_coverage(self, month: str, scope: Scope) -> list[dict[str, Any]]:
        """One row per tier (T1, T2, T3, ALL), as domain.coverage.coverage_row gives it."""
        ...

    def read_ticket_counts(self, month: str, scope: Scope) -> dict[str, int]:
        """Tickets opened in the month within the scope: opened, closed, closed_on_time."""
        ...

    def scope_exists(self, scope: Scope) -> bool:
        """True when the registry totals count an active elder in `scope` (the registry
        knows it); False for an unknown scope, or one with no active elder."""
        ...

    def stored_counters(self, month: str) -> dict[tuple[Scope, str], dict[str, Any]]:
        """Every counter of the month by (scope, tier), as coverage_row gives it with no
        elders due (a scan: for the drift check, not for requests)."""
        ...

    def overwrite_counters(self, month: str, rows: dict[tuple[Scope, str], dict[str, Any]]) -> int:
        """Replace the month's counters with `rows` (elders_visited, visits_made, outcomes),
        e.g. a rebuild; the count written. A counter stored but not in `rows` is set to zero,
        not removed (no scope vanishes from a reader); the markers stay, so a redelivered
        visit still counts once."""
        ...


class CanteenRepository(Protocol):
    """The meal-help points (canteens) the meal planner plans, each with its vehicles."""

    def replace_canteens(self, canteens: Iterable[Canteen]) -> int:
        """Make `canteens` the whole list (stored ones left out are gone, so a closed canteen
        is never planned); the count stored."""
        ...

    def all_canteens(self) -> list[Canteen]:
        """Every canteen, by id (none: an empty list)."""
        ...


class MealOrderRepository(Protocol):
    """The lunch orders canteens deliver, one per elder and day ("{day}:{elder id}")."""

    def save_orders(self, day: date, orders: Iterable[MealOrder]) -> int:
        """Store (or replace) lunch orders for `day`; the count written. ValueError, and
        nothing written, when an order's id is not "{day}:{elder id}"."""
        ...

    def orders_of(self, canteen_id: str, day: date) -> tuple[MealOrder, ...]:
        """The canteen's lunch orders for `day`, by elder id (none: an empty tuple)."""
        ...


@dataclass(frozen=True)
class CanteenDayRoutes:
    """A canteen day's stored delivery plan, with where the canteen is (who may read it)."""

    canteen_id: str
    day: date
    district_id: str
    street_id: str
    document: dict[str, Any]
    """The plan document (service_layer.meal_planning.plan_document)."""


class MealRouteRepository(Protocol):
    """Each canteen day's delivery routes; planning a day again replaces them."""

    def save_canteen_day(self, routes: CanteenDayRoutes, planned_at: datetime) -> None:
        """Store the day's plan, replacing one stored before."""
        ...

    def find_canteen_day(self, canteen_id: str, day: date) -> CanteenDayRoutes | None:
        """The canteen's plan for the day, or None when the day was not planned."""
        ...


class MealJobQueue(Protocol):
    def send_meal_jobs(self, jobs: Iterable[MealPlanJob]) -> int:
        """Send every job (one canteen's day each); the count sent. StorageError when any
        could not be sent."""
        ...


class Placement(StrEnum):
    """What storing a new order did."""

    PLACED = "placed"
    DUPLICATE = "duplicate"
    """An order with this id exists already (a retried POST): nothing written."""
    OVER_QUOTA = "over_quota"
    """Its free minutes do not fit the elder's allowance for the month: nothing written."""


class OrderRepository(Protocol):
    """Home-service orders and their recorded steps. Each write stores the order's change
    with its event all or nothing, conditional on the status and version read."""

    def place(
        self, order: Order, event: OrderEvent, request_hash: str, allowance: int
    ) -> Placement:
        """Store a new order and its first event, charging its free minutes to the elder's
        month within `allowance` (two concurrent orders cannot overspend it)."""
        ...

    def get_order(self, order_id: str) -> tuple[Order, str]:
        """The order (read consistently) and the fingerprint of the request that placed it;
        NotFoundError when there is none."""
        ...

    def get_orders(self, order_ids: list[str]) -> list[Order]:
        """The orders that exist among `order_ids`, in no particular order."""
        ...

    def save_step(self, before: Order, after: Order, event: OrderEvent, refund: int = 0) -> bool:
        """Record a status step (and give `refund` free minutes back); False when the order
        changed meanwhile (nothing written)."""
        ...

    def save_assignment(
        self, before: Order, after: Order, event: OrderEvent, plan: DayPlan
    ) -> bool:
        """Store the provider's day `plan` over the version it was built on and the order's
        assignment together; False when the day or the order changed meanwhile."""
        ...

    def note_waiting(self, order: Order, note: str) -> bool:
        """Record why a placed order is still waiting and count the attempt; False when it
        is no longer placed."""
        ...

    def events_of(self, order_id: str) -> list[OrderEvent]:
        """Every recorded step of the order, in order (none for an unknown order)."""
        ...

    def of_worker(self, worker_id: str, day: date) -> list[Order]:
        """The worker's orders of the service date, any status, in no particular order."""
        ...

    def of_district(self, district_id: str, since: datetime, until: datetime) -> Iterator[Order]:
        """The district's orders placed in [since, until), oldest first."""
        ...

    def waiting_since(self, before: datetime) -> Iterator[Order]:
        """Orders still placed (never assigned or ended) placed before `before`, oldest first."""
        ...


class ServiceProviders(Protocol):
    """The home-service market: providers per district, their workers, pilot communities."""

    def save_market(self, market: ServiceMarket) -> int:
        """Store (or replace) providers, workers and pilots; how many items."""
        ...

    def providers_of(self, district_id: str) -> list[Provider]:
        """The district's providers in id order (the dispatcher tries them in this order)."""
        ...

    def workers_of(self, provider_id: str) -> list[ServiceWorker]:
        """The provider's workers in id order."""
        ...

    def is_pilot(self, community_id: str) -> bool:
        """True for a pilot community (where free minutes apply)."""
        ...


class DayPlanRepository(Protocol):
    """Each provider's day: workers' stops in order, and the urgent visits held on them."""

    def get_plan(self, provider_id: str, day: date) -> DayPlan:
        """The stored day (read consistently); version 0 and no routes when there is none."""
        ...

    def replace_plan(self, plan: DayPlan) -> bool:
        """Store `plan` over version plan.version - 1 (no plan yet for version 1); False
        when another writer changed the day meanwhile."""
        ...


class QuotaLedger(Protocol):
    """Free home-service minutes used per elder and month. Placing, cancelling, rejecting and
    expiring orders change them (OrderRepository), in the same step as the order."""

    def used_minutes(self, elder_id: str, month: str) -> int:
        """Minutes used by the elder in the month ('YYYY-MM'); 0 when none."""
        ...

    def used_by(self, keys: Iterable[tuple[str, str]]) -> int:
        """Total minutes used over (elder id, month) pairs, each pair counted once."""
        ...


class IncidentRepository(Protocol):
    """Urgent incidents, each elder's latest one in a merge slot. Every change of an incident
    is conditional on the version read."""

    def open_in_slot(self, incident: Incident, replacing: str | None) -> bool:
        """Store a new incident as the elder's latest, all or nothing; False when another
        incident took the slot first (`replacing`: the slot's incident id as read, None for
        no slot) or this incident exists already."""
        ...

    def find_incident(self, incident_id: str) -> Incident | None:
        """The incident (read consistently), or None."""
        ...

    def get_incident(self, incident_id: str) -> Incident:
        """The incident (read consistently); NotFoundError when there is none."""
        ...

    def latest_of_elder(self, elder_id: str) -> Incident | None:
        """The elder's latest incident (the merge slot's), read consistently; None for none."""
        ...

    def save_step(self, before: Incident, after: Incident) -> bool:
        """Store `after` as version before.version + 1 if the stored incident is still at
        `before.version`; False when another writer got there first (or there is none)."""
        ...

    def of_responder(self, responder_id: str) -> Iterator[Incident]:
        """The responder's (a steward's or a worker's) incidents, newest first."""
        ...

    def of_month(self, month: str) -> Iterator[Incident]:
        """The incidents opened in the month ('YYYY-MM', China time), oldest first."""
        ...

    def unacknowledged(self) -> Iterator[Incident]:
        """Every incident not yet acknowledged, soonest acknowledgement deadline first."""
        ...


class DeviceRepository(Protocol):
    """The registered alarm devices (and call centres) urgent events come from."""

    def save_devices(self, devices: Iterable[Device]) -> int:
        """Store (or replace) devices; how many."""
        ...

    def get_device(self, device_id: str) -> Device:
        """The device; NotFoundError when it is not registered."""
        ...


@dataclass(frozen=True)
class Replayed:
    """What a replay of dead letters did: how many left the queue, how many are still in it."""

    moved: int
    left: int


class FailedVisitBatches(Protocol):
    """The visit-stream batches the projector gave up on (its dead-letter queue), each read
    back as the visit records it held."""

    def replay_each(
        self, replay: Callable[[Iterator[VisitRecord]], object], limit: int | None = None
    ) -> Replayed:
        """Give up to `limit` batches (default: all) to `replay`, each as its records in
        stream order; a batch leaves the queue only once `replay` returned. One that
        `replay` raised on, or whose records are no longer in the stream, stays (and counts
        as left). StorageError when the queue cannot be read."""
        ...


class FacilityRepository(Protocol):
    """The service facilities (day-care centres, service stations, canteens) an elder walks
    to in the 15-minute service circle."""

    def replace_facilities(self, facilities: Iterable[Facility]) -> int:
        """Make `facilities` the whole list (stored ones left out are gone); the count stored."""
        ...

    def all_facilities(self) -> list[Facility]:
        """Every facility, by id (none: an empty list)."""
        ...


@dataclass(frozen=True)
class CircleCount:
    """One scope's daily count of the service circle."""

    elders: int
    within: int
    as_of: date


class CircleCounts(Protocol):
    """The daily circle count of every scope, read by coverage reports (one per scope)."""

    def save_counts(self, counts: Mapping[Scope, tuple[int, int]], day: date) -> int:
        """Store (elders counted, within the circle) per scope as of `day`, replacing each
        scope's count before; the count of scopes written."""
        ...

    def read_count(self, scope: Scope) -> CircleCount | None:
        """The scope's latest count; None before its first."""
        ...


class InspectionTargets(Protocol):
    """What district inspectors check (institutions, home care beds, adaptation jobs), each
    with the date its next inspection is due."""

    def save_targets(self, targets: Iterable[InspectionTarget]) -> int:
        """Store (or replace) targets; the count written."""
        ...

    def get_target(self, target_id: str, consistent: bool = False) -> InspectionTarget:
        """The target; NotFoundError when there is none. `consistent`: see every write made
        before the call."""
        ...

    def due_by(self, district_id: str, last_day: date) -> Iterator[InspectionTarget]:
        """The district's targets due on or before `last_day`, soonest first."""
        ...


class InspectorDirectory(Protocol):
    """Each district's inspectors."""

    def save_inspectors(self, inspectors: Iterable[Inspector]) -> int:
        """Store (or replace) inspectors; the count written."""
        ...

    def inspectors_of(self, district_id: str) -> list[Inspector]:
        """The district's inspectors, by id."""
        ...

    def inspector_in(self, district_id: str, inspector_id: str) -> bool:
        """Is `inspector_id` one of the district's inspectors?"""
        ...


class InspectionPlans(Protocol):
    """Each district day's inspection plan: one route document per inspector at work, and
    the plan's summary (docs/plan-format.md); planning the day again replaces them."""

    def save_plan(self, routes: list[dict[str, Any]], summary: dict[str, Any]) -> None:
        """Store a district day's routes and its summary (`district_id`, `date`)."""
        ...

    def get_route(self, inspector_id: str, day: date) -> dict[str, Any]:
        """The inspector's route of the day; NotFoundError when none was planned."""
        ...

    def plan_summary(self, district_id: str, day: date) -> dict[str, Any] | None:
        """The district day's plan summary, or None."""
        ...


class ResultSaved(StrEnum):
    CREATED = "created"
    EXISTS = "exists"
    """A result with this id is stored already (a retry, or a reused key)."""
    TARGET_CHANGED = "target_changed"
    """The target's due date is no longer the one read (another result came first)."""


@dataclass(frozen=True)
class MonthResult:
    """What the monthly progress needs of a stored inspection result."""

    target_id: str
    due_date: date | None
    on_time: bool


class InspectionResults(Protocol):
    """Inspection results (documents by result id), each stored with its target's next due
    date in one step."""

    def save_result(
        self, document: dict[str, Any], target: InspectionTarget, next_due: date | None
    ) -> ResultSaved:
        """Store the result document and move its target's due date from the one read
        (`target.due_date`) to `next_due`, all or nothing; the target also records when it
        was inspected and by which result."""
        ...

    def get_result(self, result_id: str) -> dict[str, Any] | None:
        """The stored result document (read consistently), or None."""
        ...

    def results_in(self, district_id: str, month: str) -> Iterator[MonthResult]:
        """The district's results inspected in the month ('YYYY-MM', China time), oldest
        first."""
        ...


class InspectionJobQueue(Protocol):
    def send_inspection_jobs(self, jobs: Iterable[InspectionPlanJob]) -> int:
        """Send every job (one district's day each); the count sent. StorageError when any
        could not be sent."""
        ...


class AssessorDirectory(Protocol):
    """Each district's needs assessors."""

    def save_assessors(self, assessors: Iterable[Assessor]) -> int:
        """Store (or replace) assessors (their office and skills; the shift, lunch and days
        off are the domain's defaults); the count written."""
        ...

    def assessors_of(self, district_id: str) -> list[Assessor]:
        """The district's assessors, by id."""
        ...


@dataclass(frozen=True)
class Grading:
    """What a needs-assessment result writes: its request closed under `key`, and the
    elder's care level and categories (`categories`, sorted values) with history `changes`."""

    level: CareLevel
    categories: tuple[str, ...]
    key: str
    at: datetime
    assessor_id: str
    changes: tuple[Entry, ...]


class AssessmentRequests(Protocol):
    """Needs-assessment requests, each closed once by a result that grades its elder."""

    def save_requests(self, requests: Iterable[AssessmentRequest]) -> int:
        """Store (or replace, open again) requests; the count written."""
        ...

    def requests_of(self, district_id: str) -> Iterator[AssessmentRequest]:
        """The district's requests (open and done), by request id."""
        ...

    def get_request(
        self, district_id: str, request_id: str
    ) -> tuple[AssessmentRequest, str | None]:
        """The request (read consistently) and the Idempotency-Key of the result that closed
        it (None while open); NotFoundError when there is none."""
        ...

    def record_result(self, request: AssessmentRequest, elder: Elder, grading: Grading) -> bool:
        """Close the open request and grade the elder as `grading` says, all or nothing.
        True when this call wrote it; False when the same key did before (a retry).
        ConflictError when another result closed the request, or the elder's categories or
        care level are no longer `elder`'s."""
        ...


class AssessorRoutes(Protocol):
    """Each assessor's route of a day; planning the day again replaces it."""

    def save_route(self, document: dict[str, Any], now: datetime) -> None:
        """Store an assessor's route document (`assessor_id`, `date`)."""
        ...

    def get_route(self, assessor_id: str, day: date) -> dict[str, Any] | None:
        """The assessor's route of the day, or None."""
        ...
