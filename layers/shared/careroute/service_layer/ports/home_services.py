"""Home services' and urgent events' ports: orders, providers, day plans, the free-minute ledger,
incidents and devices."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

from careroute.domain.devices import Device
from careroute.domain.incidents import Incident
from careroute.domain.order_history import OrderHistory
from careroute.domain.orders import Order, OrderEvent
from careroute.domain.providers import Provider, ServiceMarket, ServiceWorker
from careroute.planning.provider_day import DayPlan


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

    def import_orders(self, histories: Iterable[OrderHistory]) -> int:
        """Store checked orders of an import with their steps, each replacing the stored
        order of its id and its steps; the elder's month is charged the difference in free
        minutes held (none for an order ending unserved), so a repeated import changes
        nothing. The count written."""
        ...

    def histories_of_district(self, district_id: str) -> Iterator[OrderHistory]:
        """Every order of the district with its steps, by order id (what an export writes)."""
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
