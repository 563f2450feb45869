"""`careroute data import` and `export` of home-service orders against a stack (the orders'
DynamoDB tables): imported served orders count in the service-hour ledger an official reads
over the API, an export, its import and an export again are byte-identical, and a rejected
file writes nothing."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from careroute_synthetic.data_sets import with_history

from careroute.adapters.dynamodb import home_services
from careroute.domain.order_history import OrderHistory, StepTimes, order_history
from careroute.domain.orders import SERVICES, Order, OrderStatus, Payment, ServiceType
from careroute.domain.policy import load_policy
from careroute.domain.scope_ids import scope_ids
from careroute.domain.vocabulary import CHINA_TZ, ElderStatus, Registry, TimeWindow
from careroute.service_layer.data_import import DataSets
from careroute_local.cli import main
from careroute_local.pump import EventPump
from tests.conftest import bearer, history_date, load_city
from tests.csv_rows import load_rows
from tests.integration.data_commands import (
    city_files,
    export,
    given_lines_exported,
    refused_writes_nothing,
    round_trip,
    synthetic,
)
from tests.integration.market_city import with_market

FILE = "orders.csv"


def served_day(city: Registry) -> date:
    """The tenth of the month before the city's history date: a month of history."""
    first = history_date(city).replace(day=1)
    return (first - timedelta(days=1)).replace(day=10)


def served_orders(city: Registry) -> tuple[OrderHistory, ...]:
    """Three completed orders of the month before, each by a provider of the elders'
    district ordered for it (the stack's); and one cancelled (it counts for nothing)."""
    day = served_day(city)
    elders = [e for e in city.elders if e.status is ElderStatus.ACTIVE][:4]
    providers = home_services.providers_of(elders[0].district_id)

    def taken_by(service: ServiceType) -> tuple[str, str]:
        """A provider ordered for the service, and its first worker who has the skill."""
        skill = SERVICES[service].skill
        provider = next(p for p in providers if skill in p.skills)
        workers = home_services.workers_of(provider.provider_id)
        return provider.provider_id, next(w.worker_id for w in workers if skill in w.skills)

    def at(hour: int, days_before: int = 0) -> datetime:
        return datetime.combine(day - timedelta(days=days_before), time(hour), CHINA_TZ)

    def order(n: int, status: OrderStatus, service: ServiceType, payment: Payment) -> Order:
        elder = elders[n]
        provider_id, worker_id = taken_by(service) if status is OrderStatus.COMPLETED else ("", "")
        return Order(
            order_id=f"or-hist-{n}", elder_id=elder.elder_id, **scope_ids(elder),
            service=service, service_date=day, window=TimeWindow.parse("08:00", "12:00"),
            location=elder.location, placed_at=at(9, 7), placed_by="family:f-1",
            payment=payment, status=status,
            provider_id=provider_id, worker_id=worker_id,
        )  # fmt: skip

    served = StepTimes(at(10, 7), at(11, 7), at(8), at(11))
    completed = OrderStatus.COMPLETED
    return (
        order_history(order(0, completed, ServiceType.CLEANING, Payment.FREE), served),
        order_history(order(1, completed, ServiceType.CLEANING, Payment.SELF_PAID), served),
        order_history(order(2, completed, ServiceType.BATHING, Payment.FREE), served),
        order_history(
            order(3, OrderStatus.CANCELLED, ServiceType.CLEANING, Payment.FREE),
            StepTimes(ended_at=at(12, 6)),
        ),
    )


@pytest.fixture
def stack(session_pump: EventPump, tiny_city: Registry) -> EventPump:
    """A reset stack: the tiny city and its synthetic providers (the orders' ones)."""
    return with_market(session_pump, tiny_city)


@pytest.fixture
def city_dir(stack: EventPump, tiny_city: Registry, tmp_path: Path) -> Path:
    """The tiny city's registry and its served orders, with the minutes served."""
    given = served_orders(tiny_city)
    minutes = (120, 90, 72, 0)
    data = DataSets(orders=tuple(
        OrderHistory(replace(h.order, served_minutes=m), h.events)
        for h, m in zip(given, minutes, strict=True)
    ))  # fmt: skip
    return city_files(tmp_path / "city", tiny_city, data)


def test_imported_served_orders_count_in_the_ledger_read_over_the_api(
    stack: EventPump, tiny_city: Registry, city_dir: Path
) -> None:
    """Given a CSV of last month's served orders, when it is imported and the city admin reads
    that month's service hours, then each served order is a line of the ledger with the
    minutes served (a free cleaning of 120, a self-paid one of 90, a free bathing of 72),
    the month's totals grow by them, and importing the file again changes nothing."""
    month = f"{served_day(tiny_city):%Y-%m}"
    admin = bearer(stack, "city_admin")
    query = f"scope=city&month={month}"

    def read(path: str) -> bytes:
        got = stack.invoke_http("GET", f"{path}?{query}", headers=admin)
        assert got.status == 200, got.body
        return got.body

    before = json.loads(read("/oversight/service-hours"))
    as_of = history_date(tiny_city).isoformat()
    main(["data", "import", "--dir", str(city_dir), "--as-of", as_of])
    after = json.loads(read("/oversight/service-hours"))
    ledger = read("/oversight/service-hours/export").decode().splitlines()
    given = served_orders(tiny_city)
    expected = []
    for history, programme, minutes, hours in zip(
        given, ("free_hours", "self_paid", "free_hours"), (120, 90, 72), ("2.00", "1.50", "1.20"),
        strict=False,
    ):  # fmt: skip
        o = history.order
        expected.append(
            f"{month},{o.district_id},{o.street_id},{o.community_id},{o.elder_id},"
            f"{o.provider_id},{programme},1,{minutes},{hours}"
        )
    mine = {o.order.elder_id for o in given}
    assert [line for line in ledger if line.split(",")[4] in mine] == sorted(
        expected, key=lambda line: (line.split(",")[3], line.split(",")[4])
    )
    assert after["services"] == before["services"] + 3
    main(["data", "import", "--dir", str(city_dir), "--as-of", as_of])
    assert json.loads(read("/oversight/service-hours")) == after


def test_orders_export_import_export_is_byte_identical(
    stack: EventPump, tiny_city: Registry, city_dir: Path, tmp_path: Path
) -> None:
    first = round_trip(city_dir, tmp_path, history_date(tiny_city).isoformat())
    assert len(given_lines_exported(city_dir, first, FILE)) == 4


def test_a_rejected_orders_file_writes_nothing(
    stack: EventPump, tiny_city: Registry, city_dir: Path, tmp_path: Path
) -> None:
    as_of = history_date(tiny_city).isoformat()
    unknown = {"provider_id": "hp-nowhere"}
    before = refused_writes_nothing(city_dir, tmp_path, as_of, FILE, 2, unknown)
    assert load_rows(city_dir, FILE)[2][0].encode() not in before[FILE]  # nor the good rows


def test_a_generated_history_imports_into_the_stack(
    session_pump: EventPump, tiny_city: Registry, tmp_path: Path
) -> None:
    """`data generate`'s orders and benefit claims (with the market they name) pass every
    check of `data import` and are all stored."""
    load_city(session_pump, tiny_city)
    as_of = history_date(tiny_city)
    policy = load_policy()
    generated = with_history(synthetic(tiny_city), tiny_city, 11, as_of, policy)
    market = DataSets(
        providers=generated.providers,
        service_workers=generated.service_workers,
        pilot_communities=generated.pilot_communities,
        orders=generated.orders,
        benefit_claims=generated.benefit_claims,
    )
    source = city_files(tmp_path / "city", tiny_city, market)
    main(["data", "import", "--dir", str(source), "--as-of", as_of.isoformat()])
    exported = export(tmp_path / "out", as_of.isoformat())
    for name, items in ((FILE, market.orders), ("benefit_claims.csv", market.benefit_claims)):
        assert items and len(exported[name].splitlines()) == len(items) + 1, name
