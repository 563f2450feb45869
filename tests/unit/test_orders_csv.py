"""orders.csv with every data set's contract: an order of each status read back as it was
written, export → import → export byte-identical (through the orders' store too), every bad
cell named by file, line, field and reason, nothing returned (so nothing written) on any
error; and imported served orders count in the service-hour ledger and hold their free
minutes, once however often the file is imported."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time
from pathlib import Path

import pytest
from careroute_synthetic.city import generate_city

from careroute.adapters import memory
from careroute.adapters.data_csv import Stored, read_data_sets, write_data_sets
from careroute.adapters.memory_beds import MemoryBedVisits
from careroute.adapters.memory_orders import MemoryDayPlans, MemoryOrders, MemoryQuota
from careroute.adapters.registry_csv import DataImportError, RowError
from careroute.domain.access import Caller, Role
from careroute.domain.order_history import OrderHistory, StepTimes, order_history
from careroute.domain.orders import Order, OrderAction, OrderStatus, Payment, ServiceType
from careroute.domain.providers import Provider
from careroute.domain.scope_ids import scope_ids
from careroute.domain.vocabulary import CHINA_TZ, Elder, Registry, TimeWindow
from careroute.service_layer.data_import import DataSetLoading, DataSets, import_data_sets
from careroute.service_layer.service_hours import HourKeeping, ledger_summary
from tests.csv_rows import edit_cells, load_rows
from tests.unit.data_set_files import BadCell, assert_bad_cell_named, bad_cells, undocumented
from tests.unit.test_data_sets_csv import memory_ports

AS_OF = date(2026, 12, 1)
FILE = "orders.csv"
ADMIN = Caller("a", Role.CITY_ADMIN, "")
EVERY_SKILL = frozenset({"cleaning", "bathing", "cooking", "escort", "companion"})


@pytest.fixture(scope="module")
def city() -> Registry:
    return generate_city(11, as_of=AS_OF, districts=["Heping"], scale=0.02)


def providers(city: Registry) -> tuple[Provider, ...]:
    """P-1 ordered for every service, P-2 for cleaning only, both of the city's district."""
    district = city.communities[0].district_id
    base = city.communities[0].location
    return (
        Provider("P-1", district, base, EVERY_SKILL),
        Provider("P-2", district, base, frozenset({"cleaning"})),
    )


def stored(city: Registry) -> Stored:
    return Stored(providers=providers(city), today=AS_OF)


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime.combine(date(2026, month, day), time(hour, minute), CHINA_TZ)


def an_order(elder: Elder, number: int, status: OrderStatus, **fields: object) -> Order:
    """Order `number` of `elder`: a cleaning on 2026-11-10, 08:00-12:00, placed on the 3rd."""
    values: dict[str, object] = {
        "order_id": f"or-h-{number:03d}",
        "elder_id": elder.elder_id,
        **scope_ids(elder),
        "service": ServiceType.CLEANING,
        "service_date": date(2026, 11, 10),
        "window": TimeWindow.parse("08:00", "12:00"),
        "location": elder.location,
        "placed_at": at(3, 9),
        "placed_by": "family:f-1",
        "payment": Payment.FREE,
        "status": status,
    }
    taken = {"provider_id": "P-1", "worker_id": "sw-1"} if fields.pop("taken", True) else {}
    return Order(**(values | taken | fields))  # type: ignore[arg-type]


def orders_of_every_status(city: Registry) -> tuple[OrderHistory, ...]:
    """One order of each status (a cancellation before and after a worker took it), two
    completed ones served (free, 120 minutes; self-paid bathing, its own 60), and one placed
    for after the import's day."""
    e = city.elders
    assigned, accepted, started, ended = at(3, 9, 5), at(3, 10), at(10, 8, 30), at(10, 10, 30)
    return (
        order_history(
            an_order(e[0], 1, OrderStatus.COMPLETED, served_minutes=120),
            StepTimes(assigned, accepted, started, ended),
        ),
        order_history(
            an_order(
                e[1],
                2,
                OrderStatus.COMPLETED,
                service=ServiceType.BATHING,
                payment=Payment.SELF_PAID,
                served_minutes=60,
            ),
            StepTimes(assigned, accepted, started, at(10, 9, 30)),
        ),
        order_history(
            an_order(
                e[2],
                3,
                OrderStatus.PLACED,
                taken=False,
                service_date=date(2026, 12, 5),
                placed_at=at(20, 9),
            ),
            StepTimes(),
        ),
        order_history(an_order(e[3], 4, OrderStatus.ASSIGNED), StepTimes(assigned)),
        order_history(an_order(e[4], 5, OrderStatus.ACCEPTED), StepTimes(assigned, accepted)),
        order_history(
            an_order(e[5], 6, OrderStatus.STARTED), StepTimes(assigned, accepted, started)
        ),
        order_history(
            an_order(e[6], 7, OrderStatus.CANCELLED, taken=False), StepTimes(ended_at=at(4, 9))
        ),
        order_history(
            an_order(e[7], 8, OrderStatus.CANCELLED), StepTimes(assigned, accepted, None, at(4, 9))
        ),
        order_history(
            an_order(e[8], 9, OrderStatus.REJECTED), StepTimes(assigned, None, None, at(3, 11))
        ),
        order_history(
            an_order(e[9], 10, OrderStatus.EXPIRED, taken=False), StepTimes(ended_at=at(10, 10))
        ),
    )


@pytest.fixture
def directory(tmp_path: Path, city: Registry) -> Path:
    write_data_sets(tmp_path, DataSets(orders=orders_of_every_status(city)))
    return tmp_path


def line_of(directory: Path, order_id: str) -> int:
    return next(n for n, row in enumerate(load_rows(directory, FILE), 1) if row[0] == order_id)


def ports_with_orders() -> tuple[DataSetLoading, MemoryOrders, MemoryQuota]:
    quota = MemoryQuota()
    orders = MemoryOrders(quota, MemoryDayPlans())
    return replace(memory_ports(), orders=orders), orders, quota


# ---------------------------------------------------------------------------------------------
# Round trips


def test_every_status_is_read_back_as_written(directory: Path, city: Registry) -> None:
    read = read_data_sets(directory, city, stored=stored(city)).orders
    assert read == orders_of_every_status(city)
    assert read is not None and [len(h.events) for h in read] == [5, 5, 1, 2, 3, 4, 2, 4, 3, 2]
    rejected = read[8].events[-1]
    assert (rejected.action, rejected.by, rejected.status) == (
        OrderAction.REJECT,
        "sw-1",
        OrderStatus.REJECTED,
    )


def test_export_import_export_through_the_store_is_byte_identical(
    directory: Path, city: Registry, tmp_path_factory: pytest.TempPathFactory
) -> None:
    ports, orders, _ = ports_with_orders()
    read = read_data_sets(directory, city, stored=stored(city))
    assert import_data_sets(read, ports) == {"orders": 10}
    districts = sorted({c.district_id for c in city.communities})
    kept = tuple(h for d in districts for h in orders.histories_of_district(d))
    assert all(h.order.version == len(h.events) for h in kept)
    again = tmp_path_factory.mktemp("again")
    write_data_sets(again, DataSets(orders=kept))
    assert (again / FILE).read_bytes() == (directory / FILE).read_bytes()


# ---------------------------------------------------------------------------------------------
# What imported orders count for


def test_imported_served_orders_count_in_the_ledger_with_the_minutes_served(
    directory: Path, city: Registry
) -> None:
    """Given the file imported, when an official reads November's ledger over the city, then
    the two completed orders count: 2 h free (the minutes served, not cleaning's 90) and 1 h
    self-paid; nothing else the file holds counts."""
    ports, orders, _ = ports_with_orders()
    import_data_sets(read_data_sets(directory, city, stored=stored(city)), ports)
    communities = memory.MemoryCommunities()
    communities.save_communities(city.communities)
    hours = HourKeeping(orders, MemoryBedVisits(), communities, memory.MemoryScopes(communities))
    november = ledger_summary(ADMIN, "city", "2026-11", hours)
    assert (november["hours"], november["services"], november["elders"]) == (3.0, 2, 2)
    assert november["hours_by_programme"] == {
        "free_hours": 2.0,
        "self_paid": 1.0,
        "home_care_bed": 0.0,
    }
    assert november["hours_by_provider"] == {"P-1": 3.0}
    assert ledger_summary(ADMIN, "city", "2026-12", hours)["hours"] == 0


def test_imported_free_orders_hold_their_minutes_once_however_often_imported(
    directory: Path, city: Registry
) -> None:
    """Free orders not ended unserved hold their elder's November minutes (cleaning: 90);
    importing the file again changes nothing, and an order re-imported as cancelled gives
    its minutes back."""
    ports, _, quota = ports_with_orders()
    read = read_data_sets(directory, city, stored=stored(city))
    import_data_sets(read, ports)
    import_data_sets(read, ports)
    e = city.elders
    held = [quota.used_minutes(e[n].elder_id, "2026-11") for n in range(10)]
    assert held == [90, 0, 0, 90, 90, 90, 0, 0, 0, 0]
    assert quota.used_minutes(e[2].elder_id, "2026-12") == 90  # placed for December 5th
    line = line_of(directory, "or-h-004")
    edit_cells(
        directory, FILE, line, {"status": "cancelled", "ended_at": "2026-11-04T09:00:00+08:00"}
    )
    import_data_sets(read_data_sets(directory, city, stored=stored(city)), ports)
    assert quota.used_minutes(e[3].elder_id, "2026-11") == 0


# ---------------------------------------------------------------------------------------------
# Rejections: file, line, field, reason; nothing returned, so nothing written


@pytest.mark.parametrize("bad", bad_cells(FILE), ids=BadCell.id)
def test_each_bad_cell_is_named_by_file_line_field_and_reason(
    directory: Path, city: Registry, bad: BadCell
) -> None:
    assert_bad_cell_named(directory, city, bad, stored(city))


def test_a_repeated_order_id_is_refused_naming_the_first_line(
    directory: Path, city: Registry
) -> None:
    edit_cells(directory, FILE, 3, {"order_id": "or-h-001"})
    with pytest.raises(DataImportError) as raised:
        read_data_sets(directory, city, stored=stored(city))
    assert raised.value.errors == [
        RowError(FILE, 3, "order_id", "duplicate order_id 'or-h-001' (first on line 2)")
    ]


def test_the_file_and_its_columns_are_documented(directory: Path) -> None:
    assert undocumented(directory, FILE) == []
