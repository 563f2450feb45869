"""The items the DynamoDB adapters store for the tables that keep a domain dataclass, as
DynamoDB holds them: each table's items are compared with those recorded in
stored_items.json, so a change in how a domain value is mapped to its item (an attribute's
name, type or text, a value left out or written) fails here, and items already stored in a
deployed table keep reading back as they did. An intended change is recorded again with
CAREROUTE_RECORD_STORED_ITEMS=1 (that run fails, so a recording never passes as a test).

Given one full and one sparse value of each kind, written through the adapters' own writes,
when the tables are read raw, then the items are the recorded ones, and each value reads back
as it was written (less what the store drops by design: a saved elder's benefit tasks).
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pynamodb.models import Model

from careroute.adapters.dynamodb import (
    canteens,
    incidents,
    inspections,
    meal_orders,
    orders,
    registry,
    service_facilities,
    tickets,
)
from careroute.adapters.dynamodb.mapped import FieldColumns, MappedModel
from careroute.adapters.dynamodb.tables import client_of
from careroute.domain.incidents import EventType, Incident, IncidentOutcome, IncidentStatus
from careroute.domain.inspections import InspectionTarget, TargetKind
from careroute.domain.order_history import OrderHistory
from careroute.domain.orders import (
    Order,
    OrderAction,
    OrderStatus,
    Payment,
    ServiceType,
    placed_event,
)
from careroute.domain.tickets import Level, Ticket, TicketSource, TicketStatus
from careroute.domain.vocabulary import (
    CHINA_TZ,
    Category,
    Community,
    Elder,
    ElderStatus,
    FindingCategory,
    GeoPoint,
    Severity,
    Stay,
    Steward,
    TimeWindow,
    TravelMode,
)
from careroute.planning.meals import Canteen, MealOrder
from careroute.planning.service_circle import Facility, FacilityKind
from careroute_local.pump import EventPump
from tests.contract.conftest import dynamodb_backend

RECORDED = Path(__file__).with_name("stored_items.json")
AT = datetime(2026, 11, 3, 9, 30, 15, tzinfo=CHINA_TZ)
SCOPE = {"community_id": "c1", "street_id": "s1", "district_id": "d1"}

COMMUNITY = Community("c1", "和平里", "s1", "和平街", "d1", "和平区", GeoPoint(39.9, 116.4), 800)
STEWARDS = (
    Steward("st1", "c1", "王芳", TimeWindow(28800, 61200), None, TravelMode.WALK),
    Steward(
        "st2",
        "c1",
        "李军",
        TimeWindow(30600, 63000),
        TimeWindow(43200, 46800),
        TravelMode.BIKE,
        max_visits_per_day=12,
        days_off=frozenset(),
        leave=frozenset({date(2026, 11, 20), date(2026, 11, 4)}),
    ),
)
ELDERS = (
    Elder(
        "e1",
        **SCOPE,
        location=GeoPoint(39.91, 116.41),
        categories=frozenset({Category.LIVING_ALONE}),
        birth_date=date(1940, 2, 29),
        window=TimeWindow(32400, 39600),
        name="张秀英",
        address="和平里1号",
    ),
    Elder(
        "e2",
        **SCOPE,
        location=GeoPoint(39.92, 116.42),
        categories=frozenset({Category.LIVING_ALONE, Category.EMPTY_NEST}),
        birth_date=date(1938, 12, 1),
        window=TimeWindow(36000, 43200),
        name="刘伟",
        address="和平里2号",
        status=ElderStatus.HOSPITALISED,
        last_visited_on=date(2026, 10, 30),
        urgent_until=date(2026, 11, 10),
        last_attempt_at=AT,
        benefit_tasks=frozenset({"r1"}),
        care_level="semi",
        phone="13800000000",
        guardian="刘明 (儿子)",
        guardian_phone="13900000000",
        contacted_on=date(2026, 11, 1),
        stay=Stay("市第一医院", GeoPoint(39.95, 116.45)),
    ),
)
TICKETS = (
    Ticket("t1", "v1", "e1", **SCOPE, category=FindingCategory.HEALTH,
           severity=Severity.HIGH, opened_at=AT, due_at=AT + timedelta(hours=48)),
    Ticket("t2", "", "e2", **SCOPE, category=FindingCategory.SUBSIDY_ELIGIBILITY,
           severity=Severity.NORMAL, opened_at=AT, due_at=AT + timedelta(days=7),
           level=Level.STREET, status=TicketStatus.CLOSED, note="需跟进",
           closed_at=AT + timedelta(days=1), closed_by="u1", action="called",
           result="done", source=TicketSource.BENEFIT),
)  # fmt: skip
PLACED = Order("o1", "e1", **SCOPE, service=ServiceType.CLEANING, service_date=date(2026, 11, 5),
               window=TimeWindow(32400, 43200), location=GeoPoint(39.91, 116.41), placed_at=AT,
               placed_by="u1", payment=Payment.SELF_PAID)  # fmt: skip
SERVED = replace(
    PLACED,
    order_id="o2",
    payment=Payment.FREE,
    status=OrderStatus.COMPLETED,
    provider_id="p1",
    worker_id="w1",
    assigned_at=AT + timedelta(minutes=5),
    dispatch_note="retried",
    dispatch_attempts=2,
    version=2,
    served_minutes=45,
)
EVENTS = (
    placed_event(PLACED),
    placed_event(SERVED),
    replace(
        placed_event(SERVED),
        seq=2,
        action=OrderAction.COMPLETE,
        status=OrderStatus.COMPLETED,
        by="w1",
        note="ok",
    ),
)
OPENED = Incident("in-1", "e1", **SCOPE, event_type=EventType.FALL_DETECTED,
                  severity=Severity.URGENT, opened_at=AT, last_event_at=AT,
                  ack_due_at=AT + timedelta(minutes=5), arrive_due_at=AT + timedelta(minutes=30),
                  service_minutes=30, event_ids=("ev1",))  # fmt: skip
CLOSED = replace(
    OPENED,
    incident_id="in-2",
    elder_id="e2",
    event_ids=("ev2", "ev3"),
    status=IncidentStatus.CLOSED,
    level=Level.DISTRICT,
    responder_id="st1",
    responder_community_id="c1",
    eta=AT + timedelta(minutes=20),
    dispatched_at=AT + timedelta(minutes=1),
    placed_due_at=AT + timedelta(minutes=30),
    acknowledged_at=AT + timedelta(minutes=2),
    arrived_at=AT + timedelta(minutes=25),
    closed_at=AT + timedelta(hours=1),
    outcome=IncidentOutcome.FALSE_ALARM,
    dispatch_note="none near",
    version=3,
)
CANTEEN = Canteen("k1", "d1", "s1", GeoPoint(39.9, 116.4), ("c1", "c2"), 2, 40, 25.5)
FACILITY = Facility("f1", FacilityKind.DAY_CARE, "d1", GeoPoint(39.93, 116.43))
LUNCH_DAY = date(2026, 11, 5)
LUNCH = MealOrder("2026-11-05:e1", "e1", "k1", GeoPoint(39.91, 116.41), 2, TimeWindow(40800, 45000))
TARGETS = (
    InspectionTarget("it1", TargetKind.INSTITUTION, "d1", "s1", "c1", GeoPoint(39.94, 116.44),
                     TimeWindow(32400, 61200), date(2026, 11, 20), last_inspected=date(2026, 5, 2),
                     name="和平养老院", beds=120, occupied_beds=96, last_rectifications=2),
    InspectionTarget("it2", TargetKind.HOME_CARE_BED, "d1", "s1", "c1", GeoPoint(39.92, 116.42),
                     TimeWindow(32400, 43200), None, available_from=date(2026, 12, 1),
                     devices=("emergency_button", "fall_sensor")),
)  # fmt: skip
TABLES: tuple[type[Model], ...] = (
    canteens.CanteenModel,
    service_facilities.ServiceFacilityModel,
    meal_orders.MealOrderModel,
    inspections.InspectionTargetModel,
    registry.CommunityModel,
    registry.StewardModel,
    registry.ElderModel,
    tickets.TicketModel,
    orders.OrderModel,
    orders.OrderEventModel,
    incidents.IncidentModel,
)


def _write_all() -> None:
    canteens.replace_canteens([CANTEEN])
    service_facilities.replace_facilities([FACILITY])
    meal_orders.save_orders(LUNCH_DAY, [LUNCH])
    inspections.save_targets(TARGETS)
    registry.save_communities([COMMUNITY])
    registry.save_stewards(STEWARDS)
    registry.save_elders(ELDERS)
    for ticket in TICKETS:
        assert tickets.open_once(ticket)
    orders.place(PLACED, EVENTS[0], "request-hash", allowance=0)
    orders.import_history(OrderHistory(SERVED, EVENTS[1:]))
    for incident in (OPENED, CLOSED):
        assert incidents.open_in_slot(incident, None)


def _raw_items(model: type[Model]) -> list[dict[str, Any]]:
    """The table's items, in a fixed order, each string set's members sorted (a set has no
    order, and the SDK sends a Python set's in hash order)."""
    answer = client_of(model).scan(TableName=model.Meta.table_name)
    items = [
        {name: {"SS": sorted(value["SS"])} if "SS" in value else value for name, value in i.items()}
        for i in answer["Items"]
    ]
    return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))


@pytest.fixture
def stored(session_pump: EventPump) -> dict[str, list[dict[str, Any]]]:
    dynamodb_backend(session_pump)  # a reset stack, the adapters bound to its tables
    _write_all()
    return {model.__name__: _raw_items(model) for model in TABLES}


def test_the_stored_items_are_the_recorded_ones(stored: dict[str, list[dict[str, Any]]]) -> None:
    if os.environ.get("CAREROUTE_RECORD_STORED_ITEMS"):  # an intended change: record, then fail
        RECORDED.write_text(json.dumps(stored, ensure_ascii=False, indent=1) + "\n", "utf-8")
        pytest.fail(f"recorded {RECORDED.name}: run again without CAREROUTE_RECORD_STORED_ITEMS")
    recorded = json.loads(RECORDED.read_text(encoding="utf-8"))
    assert set(stored) == set(recorded)
    for table, items in stored.items():
        assert items, table
        assert items == recorded[table], table


def test_each_value_reads_back_as_written(stored: dict[str, list[dict[str, Any]]]) -> None:
    assert canteens.all_canteens() == [CANTEEN]
    assert service_facilities.all_facilities() == [FACILITY]
    assert meal_orders.orders_of("k1", LUNCH_DAY) == (LUNCH,)
    for target in TARGETS:
        assert inspections.get_target(target.target_id) == target
    assert registry.get_community("c1") == COMMUNITY
    for steward in STEWARDS:
        assert registry.get_steward(steward.steward_id) == steward
    for elder in ELDERS:
        assert registry.get_elder("c1", elder.elder_id) == replace(elder, benefit_tasks=frozenset())
    for ticket in TICKETS:
        assert tickets.get_ticket(ticket.ticket_id) == ticket
    assert orders.get_order("o1") == (PLACED, "request-hash")
    assert orders.get_order("o2") == (SERVED, orders.IMPORTED)
    assert tuple(orders.events_of("o1") + orders.events_of("o2")) == EVENTS
    for incident in (OPENED, CLOSED):
        assert incidents.get_incident(incident.incident_id) == incident
        assert incidents.latest_of_elder(incident.elder_id) == incident


def test_an_absent_column_reads_back_as_the_default_and_a_required_one_is_named() -> None:
    item = registry.ElderModel(**registry.ELDER_COLUMNS.values(ELDERS[1]))
    item.phone, item.stay_lat = None, None
    read = registry.ELDER_COLUMNS.read(item)
    assert (read.phone, read.stay, read.guardian) == ("", None, ELDERS[1].guardian)
    item.birth_date = None
    with pytest.raises(ValueError, match="a stored Elder lacks its birth_date"):
        registry.ELDER_COLUMNS.read(item)


def test_a_column_named_as_one_of_the_models_own_members_is_refused() -> None:
    with pytest.raises(TypeError, match="the column 'count' hides the model's own"):

        class CountedElderModel(MappedModel, stores=FieldColumns(Elder, renamed={"name": "count"})):
            pass
