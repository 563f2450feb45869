"""The inspection use cases on the memory adapters: the nightly fan-out, a district day's
plan, who reads a route, a result recorded once per key with its tickets, and the month's
progress."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from careroute_synthetic.inspections import generate_inspections

from careroute.adapters import memory, memory_inspections, memory_visits
from careroute.domain.access import Caller, Role
from careroute.domain.errors import (
    ConflictError,
    ForbiddenError,
    NotFoundError,
    StorageError,
    ValidationError,
)
from careroute.domain.inspections import InspectionWorld, TargetKind
from careroute.domain.policy import load_policy
from careroute.domain.tickets import Ticket
from careroute.domain.vocabulary import Registry
from careroute.messages.inspections import InspectionPlanJob, InspectionResultBody
from careroute.messages.visits import NightlyTick
from careroute.service_layer.inspections import (
    DistrictPlanning,
    Inspecting,
    InspectionFanOut,
    fan_out,
    inspector_route,
    plan_district,
    progress,
    record_result,
)
from careroute_local.inspection_sim import memory_inspecting
from tests.unit.conftest import STREET_AS_OF
from tests.unit.conftest import STREET_TEN_AM as NOW

POLICY = load_policy()
MONDAY = STREET_AS_OF + timedelta(days=7)
ADMIN = Caller("a", Role.CITY_ADMIN, "")


@dataclass(frozen=True)
class Stores:
    ports: Inspecting
    world: InspectionWorld
    district: str

    @property
    def inspector(self) -> Caller:
        return Caller("i", Role.INSPECTOR, self.district)

    @property
    def planning(self) -> DistrictPlanning:
        return DistrictPlanning(self.ports.targets, self.ports.inspectors, self.ports.plans)

    def monday_job(self) -> InspectionPlanJob:
        """The district's plan job for MONDAY, no holidays."""
        return InspectionPlanJob(
            district_id=self.district, plan_date=MONDAY, run_id="r", holidays=[]
        )


def stores(city: Registry) -> Stores:
    world = generate_inspections(11, city.communities, as_of=STREET_AS_OF)
    return Stores(memory_inspecting(city, world), world, city.communities[0].district_id)


def a_result(s: Stores, key_target: int = 0, **changes: object) -> InspectionResultBody:
    """An institution's inspection with one rectification item."""
    target = [t for t in s.world.targets if t.kind is TargetKind.INSTITUTION][key_target]
    inspector = next(i for i in s.world.inspectors if i.skills)
    fields: dict[str, object] = {
        "inspector_id": inspector.inspector_id,
        "target_id": target.target_id,
        "inspected_at": NOW,
        "scores": {"fire_safety": 2, "hygiene": 4, "care_quality": 4, "staffing": 3, "records": 5},
        "rectifications": [{"item": "fire_safety", "deadline": NOW.date() + timedelta(days=14)}],
    }
    return InspectionResultBody.model_validate(fields | changes)


def test_the_fan_out_sends_one_job_per_district_with_the_holidays_near(
    one_street: Registry,
) -> None:
    communities, jobs = memory.MemoryCommunities(), memory_inspections.MemoryInspectionJobs()
    communities.save_communities(one_street.communities)
    far, near = date(2020, 1, 1), MONDAY + timedelta(days=2)
    calendar = memory.MemoryHolidays({far: "long ago", near: "soon"})
    tick = NightlyTick(scheduled_time=datetime(2026, 12, 1, 12, tzinfo=UTC), plan_date=MONDAY)

    sent = fan_out(tick, "run-1", InspectionFanOut(communities, calendar, jobs))
    districts = sorted({c.district_id for c in one_street.communities})
    taken = jobs.take_all()
    assert sent.jobs == len(districts) == len(taken)
    assert [j.district_id for j in taken] == districts
    assert all(j.holidays == [near] and j.plan_date == MONDAY for j in taken)
    elsewhere = tick.model_copy(update={"district_ids": ["D99"]})
    assert fan_out(elsewhere, "run-2", InspectionFanOut(communities, calendar, jobs)).jobs == 0


def test_a_working_day_is_planned_and_stored_and_a_holiday_stores_nothing(
    one_street: Registry,
) -> None:
    s = stores(one_street)
    job = s.monday_job()

    summary = plan_district(job, POLICY, s.planning)
    assert summary["planned"] > 0 and summary["unassigned_mandatory"] == 0
    assert s.ports.plans.plan_summary(s.district, MONDAY) == summary
    holiday = job.model_copy(update={"plan_date": MONDAY + timedelta(days=1)})
    holiday = holiday.model_copy(update={"holidays": [holiday.plan_date]})
    assert plan_district(holiday, POLICY, s.planning)["status"] == "no_inspector_at_work"
    assert s.ports.plans.plan_summary(s.district, holiday.plan_date) is None


def test_a_route_is_read_by_its_districts_inspectors_and_officials_only(
    one_street: Registry,
) -> None:
    s = stores(one_street)
    plan_district(s.monday_job(), POLICY, s.planning)
    inspector_id = s.world.inspectors[0].inspector_id

    route = inspector_route(s.inspector, inspector_id, MONDAY, s.ports)
    assert route["inspector_id"] == inspector_id
    assert inspector_route(ADMIN, inspector_id, MONDAY, s.ports) == route
    official = Caller("d", Role.DISTRICT_OFFICIAL, s.district)
    assert inspector_route(official, inspector_id, MONDAY, s.ports) == route
    for outsider in (
        Caller("i", Role.INSPECTOR, "D99"),
        Caller("s", Role.STREET_OFFICIAL, one_street.communities[0].street_id),
    ):
        with pytest.raises(ForbiddenError):
            inspector_route(outsider, inspector_id, MONDAY, s.ports)
    with pytest.raises(NotFoundError):
        inspector_route(ADMIN, inspector_id, MONDAY + timedelta(days=1), s.ports)


def test_a_result_is_recorded_once_per_key_with_its_ticket_and_the_next_due_date(
    one_street: Registry,
) -> None:
    s = stores(one_street)
    body = a_result(s)
    before = s.ports.targets.get_target(body.target_id)

    result, created = record_result(s.inspector, body, "key-1", NOW, POLICY, s.ports)
    again, repeated = record_result(s.inspector, body, "key-1", NOW, POLICY, s.ports)
    assert created and not repeated and again == result
    assert "fingerprint" not in result and len(result["ticket_ids"]) == 1
    after = s.ports.targets.get_target(body.target_id)
    assert after.due_date is not None and before.due_date is not None
    assert after.due_date > before.due_date and after.last_inspected == NOW.date()
    assert [t.ticket_id for t in s.ports.tickets.open_tickets()] == result["ticket_ids"]
    with pytest.raises(ConflictError, match="Idempotency-Key"):
        record_result(s.inspector, a_result(s, notes="other"), "key-1", NOW, POLICY, s.ports)


def test_a_result_is_refused_for_another_district_a_stranger_or_a_future_time(
    one_street: Registry,
) -> None:
    s = stores(one_street)
    with pytest.raises(ForbiddenError):
        record_result(Caller("i", Role.INSPECTOR, "D99"), a_result(s), "k", NOW, POLICY, s.ports)
    with pytest.raises(ForbiddenError):
        record_result(s.inspector, a_result(s, inspector_id="I-none"), "k", NOW, POLICY, s.ports)
    with pytest.raises(ForbiddenError):
        record_result(ADMIN, a_result(s), "k", NOW, POLICY, s.ports)
    future = a_result(s, inspected_at=NOW + timedelta(hours=1))
    with pytest.raises(ValidationError, match="future"):
        record_result(s.inspector, future, "k", NOW, POLICY, s.ports)


class TicketsDown(memory_visits.MemoryTickets):
    def open_once(self, ticket: Ticket) -> bool:
        raise StorageError("tickets table down")


def test_a_retry_after_the_tickets_failed_opens_them_once(one_street: Registry) -> None:
    s = stores(one_street)
    down = Inspecting(**{**vars(s.ports), "tickets": TicketsDown(memory_visits.MemoryCoverage())})
    with pytest.raises(StorageError):
        record_result(s.inspector, a_result(s), "key-2", NOW, POLICY, down)

    result, created = record_result(s.inspector, a_result(s), "key-2", NOW, POLICY, s.ports)
    record_result(s.inspector, a_result(s), "key-2", NOW, POLICY, s.ports)
    assert not created
    assert [t.ticket_id for t in s.ports.tickets.open_tickets()] == result["ticket_ids"]


def test_the_months_progress_counts_what_was_done_and_what_is_open(
    one_street: Registry,
) -> None:
    s = stores(one_street)
    record_result(s.inspector, a_result(s), "key-3", NOW, POLICY, s.ports)
    month = NOW.strftime("%Y-%m")

    city = progress(ADMIN, "city", month, STREET_AS_OF, s.ports)
    district = progress(
        Caller("d", Role.DISTRICT_OFFICIAL, s.district),
        f"district:{s.district}",
        month,
        STREET_AS_OF,
        s.ports,
    )
    assert city.total.done == district.total.done == 1
    month_end = date(NOW.year, NOW.month, 31)
    open_now = list(s.ports.targets.due_by(s.district, month_end))
    assert district.total.open == len(open_now) > 0
    assert district.total.overdue == sum(1 for t in open_now if t.due_date < STREET_AS_OF)
    assert [d.district_id for d in district.districts] == [s.district]
    with pytest.raises(ForbiddenError):
        progress(s.inspector, "city", month, STREET_AS_OF, s.ports)
    with pytest.raises(ValidationError, match="city or district"):
        progress(
            ADMIN, f"street:{one_street.communities[0].street_id}", month, STREET_AS_OF, s.ports
        )
