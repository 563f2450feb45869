"""Domain records for tests: the fields a test is about are arguments, the rest plain values.

The records have long field lists; building them in one place keeps each test's set-up to
what the test is about.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from careroute.domain.access import Caller, Role
from careroute.domain.incidents import EventType, Incident, IncidentStatus
from careroute.domain.orders import Order, Payment, ServiceType
from careroute.domain.tickets import Ticket, TicketSla, tickets_for
from careroute.domain.vocabulary import (
    Category,
    Community,
    Elder,
    ElderStatus,
    Finding,
    FindingCategory,
    GeoPoint,
    Outcome,
    Registry,
    Severity,
    Stay,
    Steward,
    Tier,
    TimeWindow,
    TravelMode,
    VisitRecord,
    parse_clock,
)

BASE = GeoPoint(41.79, 123.40)
"""Where a provider's workers start, and near which test orders are placed."""
HOME = GeoPoint(41.8, 123.4)
"""Where community C1 and its elder E1 are."""
CITY_ADMIN = Caller("admin", Role.CITY_ADMIN, "")
"""The city admin, who may read and change anything in the city."""
WARD = Stay("市第一医院", GeoPoint(41.80, 123.43))
"""A hospital ward, where a hospitalised elder stays."""
URGENT_FALL = Finding(FindingCategory.HEALTH, Severity.URGENT, "fell")
HIGH_HAZARD = Finding(FindingCategory.SAFETY_HAZARD, Severity.HIGH, "loose wire")
NORMAL_NEED = Finding(FindingCategory.LIVING_DIFFICULTY, Severity.NORMAL, "no heating")
ONE_OF_EACH_SEVERITY = (URGENT_FALL, HIGH_HAZARD, NORMAL_NEED)
"""Findings that open a ticket of each level."""


def a_community(community_id: str = "C1", location: GeoPoint = HOME) -> Community:
    """Community `community_id` of street S1 in district D1, 400 m across."""
    return Community(community_id, "社区", "S1", "街道", "D1", "区", location, 400)


def a_steward(steward_id: str = "W1", community_id: str = "C1") -> Steward:
    """Steward `steward_id` of `community_id`, on foot, 08:30-17:00 on weekdays."""
    return Steward(steward_id, community_id, "管家", TimeWindow.parse("08:30", "17:00"), None,
                   TravelMode.WALK)  # fmt: skip


def an_elder(
    *categories: Category,
    born: date = date(1950, 3, 15),
    status: ElderStatus = ElderStatus.ACTIVE,
    urgent_until: date | None = None,
) -> Elder:
    """Elder E1 of community C1 (street S1, district D1), in `categories`."""
    return Elder(
        elder_id="E1",
        community_id="C1",
        street_id="S1",
        district_id="D1",
        location=HOME,
        categories=frozenset(categories),
        birth_date=born,
        window=TimeWindow.parse("08:30", "17:00"),
        name="王秀英",
        address="1号楼",
        status=status,
        urgent_until=urgent_until,
    )


def a_visit(
    visit_id: str,
    visited_at: datetime,
    *,
    elder_id: str = "E1",
    steward_id: str = "W1",
    where: tuple[str, str, str] = ("C1", "S1", "D1"),
    tier: Tier = Tier.T2,
    outcome: Outcome = Outcome.VISITED,
    recorded_at: datetime | None = None,
    findings: tuple[Finding, ...] = (),
) -> VisitRecord:
    """A visit record; `where` is (community, street, district), `recorded_at` defaults to
    the moment of the visit."""
    community_id, street_id, district_id = where
    return VisitRecord(
        visit_id,
        elder_id,
        steward_id,
        community_id,
        street_id,
        district_id,
        tier,
        outcome,
        visited_at,
        recorded_at or visited_at,
        findings=findings,
    )


def a_visit_to(
    elder: Elder,
    visit_id: str,
    visited_at: datetime,
    *,
    steward_id: str,
    tier: Tier,
    outcome: Outcome = Outcome.VISITED,
    recorded_at: datetime | None = None,
    findings: tuple[Finding, ...] = (),
) -> VisitRecord:
    """A visit record of `elder`, in the elder's community, street and district (as the API
    copies them from the registry)."""
    return a_visit(
        visit_id,
        visited_at,
        elder_id=elder.elder_id,
        steward_id=steward_id,
        where=(elder.community_id, elder.street_id, elder.district_id),
        tier=tier,
        outcome=outcome,
        recorded_at=recorded_at,
        findings=findings,
    )


def a_finding_ticket(
    registry: Registry, steward: int, finding: Finding, found: datetime, sla: TicketSla
) -> Ticket:
    """The ticket `finding` opens, found at `found` on a T2 visit by `registry.stewards[steward]`
    to the first elder of their community (visit id `visit-<steward>-<severity>`)."""
    by = registry.stewards[steward]
    elder = next(e for e in registry.elders if e.community_id == by.community_id)
    record = a_visit_to(
        elder,
        f"visit-{steward}-{finding.severity.value}",
        found,
        steward_id=by.steward_id,
        tier=Tier.T2,
        findings=(finding,),
    )
    [ticket] = tickets_for(record, sla)
    return ticket


def an_order(n: int = 1, service: ServiceType = ServiceType.CLEANING, **fields: object) -> Order:
    """Order or-{n} of elder e-{n}, free, for 08:00-18:00 on 2 December 2026, placed the
    day before; its home n x (220 m north, 80 m east) of BASE. `fields` override any field."""
    values: dict[str, object] = {
        "order_id": f"or-{n}",
        "elder_id": f"e-{n}",
        "community_id": "c-1",
        "street_id": "s-1",
        "district_id": "D01",
        "service": service,
        "service_date": date(2026, 12, 2),
        "window": TimeWindow.parse("08:00", "18:00"),
        "location": GeoPoint(BASE.lat + n * 0.002, BASE.lng + n * 0.001),
        "placed_at": datetime(2026, 12, 1, 1, 0, tzinfo=UTC),
        "placed_by": "family-1",
        "payment": Payment.FREE,
    }
    values.update(fields)
    return Order(**values)  # type: ignore[arg-type]


def an_incident(
    incident_id: str, opened_at: datetime, responder_id: str = "", **fields: object
) -> Incident:
    """A fall of elder E1 (community C1, street S1, district D1) opened at `opened_at`:
    acknowledgement due 5 minutes later, arrival 30, 30 minutes on site; dispatched to
    `responder_id` at once when one is given, else new. `fields` override any field."""
    values: dict[str, object] = {
        "incident_id": incident_id,
        "elder_id": "E1",
        "community_id": "C1",
        "street_id": "S1",
        "district_id": "D1",
        "event_type": EventType.FALL_DETECTED,
        "severity": Severity.URGENT,
        "opened_at": opened_at,
        "last_event_at": opened_at,
        "ack_due_at": opened_at + timedelta(minutes=5),
        "arrive_due_at": opened_at + timedelta(minutes=30),
        "service_minutes": 30,
        "event_ids": (f"ev-{incident_id}",),
        "status": IncidentStatus.DISPATCHED if responder_id else IncidentStatus.NEW,
        "responder_id": responder_id,
        "dispatched_at": opened_at if responder_id else None,
    }
    values.update(fields)
    return Incident(**values)  # type: ignore[arg-type]


def free_after_visit(route: dict[str, Any], by: str) -> int:
    """The end (seconds of the day) of the route's last visit ending by `by` (HH:MM): the
    steward is between visits from then, whatever the route looks like."""
    ends = [parse_clock(stop["service_end"]) for stop in route["stops"]]
    return max(end for end in ends if end <= parse_clock(by))
