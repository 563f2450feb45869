"""The home-service adapters of a contract backend (memory or DynamoDB), and the ports of the
order use cases drawn from them with the backend's registry, so what one writes another reads."""

from __future__ import annotations

from dataclasses import dataclass

from careroute.adapters import memory_orders as memory
from careroute.adapters.dynamodb import order_repositories as dynamodb
from careroute.service_layer.dispatch import OrderDispatch
from careroute.service_layer.orders import OrderTaking
from careroute.service_layer.ports import (
    DayPlanRepository,
    IncidentRepository,
    OrderRepository,
    QuotaLedger,
    ServiceProviders,
)
from tests.contract.conftest import Backend


@dataclass(frozen=True)
class HomeServices:
    backend: Backend
    orders: OrderRepository
    providers: ServiceProviders
    plans: DayPlanRepository
    quota: QuotaLedger
    incidents: IncidentRepository

    @property
    def taking(self) -> OrderTaking:
        return OrderTaking(
            self.orders,
            self.providers,
            self.plans,
            self.quota,
            self.incidents,
            self.backend.communities,
            self.backend.stewards,
            self.backend.elders,
            self.backend.scopes,
        )

    @property
    def dispatch(self) -> OrderDispatch:
        return OrderDispatch(self.orders, self.providers, self.plans)


def home_services_of(backend: Backend) -> HomeServices:
    """The home-service adapters on the same storage as `backend` (the stack's tables were
    reset and bound by the backend)."""
    if backend.name == "memory":
        quota, plans = memory.MemoryQuota(), memory.MemoryDayPlans()
        orders = memory.MemoryOrders(quota, plans)
        providers, incidents = memory.MemoryProviders(), memory.MemoryIncidents()
        return HomeServices(backend, orders, providers, plans, quota, incidents)
    return HomeServices(
        backend,
        dynamodb.DynamoOrders(),
        dynamodb.DynamoProviders(),
        dynamodb.DynamoDayPlans(),
        dynamodb.DynamoQuota(),
        dynamodb.DynamoIncidents(),
    )
