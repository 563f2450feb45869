"""orders.csv: home-service orders, historical and current, one row per order with its elder,
the service and the window it was requested for, its status, the provider and worker who took
it, the time each step of its life was reached and, once completed, the minutes served. They
are what the service-hour ledger counts (completed orders), so a city switching CareRoute on
keeps the hours its providers already delivered. Times are written in China time."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from careroute.adapters.data_csv.cells import Cell, at, choice, day, read_cells, text
from careroute.adapters.data_csv.data_file import DataFile
from careroute.adapters.data_csv.known import PROVIDERS_FILE, Known
from careroute.adapters.data_csv.life_steps import check_in_order, check_reached
from careroute.adapters.data_csv.moments import moment, moment_text
from careroute.adapters.registry_csv.rows import Row
from careroute.adapters.registry_csv.writing import Located, window_cells
from careroute.domain.order_history import OrderHistory, StepTimes, order_history
from careroute.domain.orders import SERVICES, Order, OrderStatus, Payment, ServiceType
from careroute.domain.scope_ids import elder_scope_ids
from careroute.domain.vocabulary import CHINA_TZ, TimeWindow, china_date

STEP_MOMENTS = ("assigned_at", "accepted_at", "started_at", "ended_at")

REACHED: dict[OrderStatus, frozenset[str]] = {
    OrderStatus.PLACED: frozenset(),
    OrderStatus.ASSIGNED: frozenset({"assigned_at"}),
    OrderStatus.ACCEPTED: frozenset({"assigned_at", "accepted_at"}),
    OrderStatus.STARTED: frozenset({"assigned_at", "accepted_at", "started_at"}),
    OrderStatus.COMPLETED: frozenset(STEP_MOMENTS),
    OrderStatus.CANCELLED: frozenset({"ended_at"}),
    OrderStatus.REJECTED: frozenset({"assigned_at", "ended_at"}),
    OrderStatus.EXPIRED: frozenset({"ended_at"}),
}
"""The step times an order of each status has after its placing (`ended_at`: the time it
reached its final status)."""

MAY_HAVE = {OrderStatus.CANCELLED: frozenset({"assigned_at", "accepted_at"})}
"""Steps an order may have taken before its status: one is cancelled before or after a
worker took it."""

ON_A_WORKERS_DAY = frozenset({OrderStatus.ASSIGNED, OrderStatus.ACCEPTED, OrderStatus.STARTED})
"""An order still on its worker's route: imported only for a day before the import's (the
dispatcher's day plans do not hold it; one still to be served is imported as placed)."""

LEAD_DAYS = 31
"""An order is placed at most this many days before its service date (as the API takes it)."""
MAX_MINUTES = 480


CELLS: dict[str, Cell] = {
    "order_id": text,
    "service": choice(ServiceType),
    "payment": choice(Payment),
    "service_date": day,
    "placed_at": at,
    "placed_by": text,
    "status": choice(OrderStatus),
}


def _read(row: Row, known: Known) -> OrderHistory | None:
    elder = known.elder(row)
    cells = read_cells(row, CELLS)
    service, service_date, placed_at = cells["service"], cells["service_date"], cells["placed_at"]
    status = cells["status"]
    window = row.window("window_start", "window_end")
    provider_id, worker_id = _taken_by(row, known, elder.district_id if elder else "", service)
    times = _step_times(row, status, placed_at)
    minutes = _minutes(row, status)
    if service is not None and window is not None:
        _check_window(row, service, window)
    if service_date is not None and placed_at is not None:
        _check_days(row, status, service_date, china_date(placed_at), times, known.stored.today)
    if not row.ok or elder is None or window is None:
        return None
    order = Order(
        **cells,
        **elder_scope_ids(elder),
        window=window,
        location=elder.location,
        provider_id=provider_id,
        worker_id=worker_id,
        served_minutes=minutes,
    )
    try:
        return order_history(order, times)
    except ValueError as exc:
        row.error("status", str(exc))
        return None


def _taken_by(
    row: Row, known: Known, district_id: str, service: ServiceType | None
) -> tuple[str, str]:
    """The provider and worker who took the order (both given with `assigned_at`, neither
    without): a provider of the elder's district ordered for the service's skill."""
    provider_id, worker_id = row.get("provider_id"), row.get("worker_id")
    if not row.get("assigned_at"):
        for field, value in (("provider_id", provider_id), ("worker_id", worker_id)):
            if value:
                row.error(field, "must be empty without assigned_at (nobody took the order)")
        return "", ""
    provider_id = known.listed(row, "provider_id", PROVIDERS_FILE)
    worker_id = row.text("worker_id")
    provider = known.providers.get(provider_id)
    if provider is None:
        return provider_id, worker_id
    if district_id and provider.district_id != district_id:
        reason = f"serves district {provider.district_id}, the elder lives in {district_id}"
        row.error("provider_id", reason)
    if service is not None and SERVICES[service].skill not in provider.skills:
        row.error("provider_id", f"is not ordered for {SERVICES[service].skill}")
    return provider_id, worker_id


def _step_times(row: Row, status: OrderStatus | None, placed_at: datetime | None) -> StepTimes:
    """Each step's time: given exactly for the steps the status has reached, in the life's
    order, none before the placing."""
    found = {field: moment(row, field) if row.get(field) else None for field in STEP_MOMENTS}
    if status is not None:
        may_have = MAY_HAVE.get(status, frozenset())
        check_reached(row, STEP_MOMENTS, REACHED[status], "order", status.value, may_have)
    check_in_order(row, {"placed_at": placed_at, **found})
    return StepTimes(**found)


def _minutes(row: Row, status: OrderStatus | None) -> int:
    """The minutes served: given for a completed order, empty for any other."""
    if status is OrderStatus.COMPLETED:
        return row.integer("minutes", 1, MAX_MINUTES)
    if row.get("minutes"):
        row.error("minutes", "must be empty until the order is completed (nothing served)")
    return 0


def _check_window(row: Row, service: ServiceType, window: TimeWindow) -> None:
    """The window requested holds the service."""
    minutes = SERVICES[service].minutes
    if window.seconds < minutes * 60:
        row.error("window_end", f"{window} is shorter than the {minutes} minutes of {service}")


def _check_days(
    row: Row,
    status: OrderStatus | None,
    service_date: date,
    placed_on: date,
    times: StepTimes,
    today: date | None,
) -> None:
    """Placed at most `LEAD_DAYS` before the service date, started on it, and still on a
    worker's route only for a day before the import's (`today`, when known)."""
    if placed_on > service_date:
        row.error("placed_at", f"is after the service date {service_date}")
    elif service_date - placed_on > timedelta(days=LEAD_DAYS):
        reason = f"is more than {LEAD_DAYS} days before the service date {service_date}"
        row.error("placed_at", reason)
    if times.started_at is not None and china_date(times.started_at) != service_date:
        row.error("started_at", f"is not on the service date {service_date}")
    if status in ON_A_WORKERS_DAY and today is not None and service_date >= today:
        reason = (
            f"is {status} for {service_date}, not before the import's day {today}: an order "
            "still to be served is imported as placed (the dispatcher gives it its worker)"
        )
        row.error("status", reason)


def _at(when: datetime | None) -> str:
    return moment_text(when.astimezone(CHINA_TZ)) if when is not None else ""


def _cells(h: OrderHistory, _located: Located) -> list[str]:
    o, times = h.order, h.times
    served = str(o.delivered_minutes) if o.status is OrderStatus.COMPLETED else ""
    return [
        o.order_id, o.elder_id, o.service.value, o.payment.value, o.service_date.isoformat(),
        *window_cells(o.window), _at(o.placed_at), o.placed_by, o.status.value, o.provider_id,
        o.worker_id, _at(times.assigned_at), _at(times.accepted_at), _at(times.started_at),
        _at(times.ended_at), served,
    ]  # fmt: skip


ORDERS_COLUMNS = (
    "order_id", "elder_id", "service", "payment", "service_date", "window_start", "window_end",
    "placed_at", "placed_by", "status", "provider_id", "worker_id", "assigned_at",
    "accepted_at", "started_at", "ended_at", "minutes",
)  # fmt: skip

ORDERS = DataFile(
    name="orders.csv",
    columns=ORDERS_COLUMNS,
    read=_read,
    cells=_cells,
)
