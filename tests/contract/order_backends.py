"""The home-service and urgent-event adapters of a contract backend (memory or DynamoDB), and
the ports of the order, responder and incident use cases drawn from them with the backend's
registry, so what one writes another reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from careroute.adapters import memory_incidents
from careroute.adapters import memory_orders as memory
from careroute.adapters.dynamodb import devices as device_table
from careroute.adapters.dynamodb import home_services as home_service_table
from careroute.adapters.dynamodb import incidents as incident_table
from careroute.adapters.dynamodb import orders as order_table
from careroute.domain.vocabulary import Registry
from careroute.service_layer.ports import (
    DayPlanRepository,
    DeviceRepository,
    IncidentRepository,
    OrderRepository,
    QuotaLedger,
    ServiceProviders,
)
from careroute.service_layer.responders import Responding
from careroute_local.pump import EventPump
from tests.contract.conftest import Backend, dynamodb_backend, memory_backend
from tests.contract.use_case_ports import AreaBackend

Story = TypeVar("Story")


@dataclass(frozen=True)
class HomeServices(AreaBackend):
    orders: OrderRepository
    providers: ServiceProviders
    plans: DayPlanRepository
    quota: QuotaLedger
    incidents: IncidentRepository
    devices: DeviceRepository

    @property
    def responding(self) -> Responding:
        """The responder ports the incident use cases take (`IncidentHandling.responding`)."""
        return self.ports(Responding)


def home_services_of(backend: Backend) -> HomeServices:
    """The home-service adapters on the same storage as `backend` (the stack's tables were
    reset and bound by the backend)."""
    if backend.name == "memory":
        quota, plans = memory.MemoryQuota(), memory.MemoryDayPlans()
        orders = memory.MemoryOrders(quota, plans)
        providers, incidents = memory.MemoryProviders(), memory_incidents.MemoryIncidents()
        devices = memory_incidents.MemoryDevices()
        return HomeServices(backend, orders, providers, plans, quota, incidents, devices)
    return HomeServices(
        backend,
        order_table,
        home_service_table,
        home_service_table,
        home_service_table,
        incident_table,
        device_table,
    )


def told_on_both(
    story: Callable[[HomeServices, Registry], Story], pump: EventPump, city: Registry
) -> tuple[Story, Story]:
    """`story` told on the memory home services, then on the DynamoDB ones (the stack reset):
    what each answered, for the test to compare."""
    on_memory = story(home_services_of(memory_backend()), city)
    return on_memory, story(home_services_of(dynamodb_backend(pump)), city)
