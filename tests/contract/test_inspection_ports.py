"""The inspection ports, memory against DynamoDB/SQS: targets due by a day, each district's
inspectors, a district day's plan, results stored with their target's next due date (once,
and only over the due date read), and the inspection-job queue. Then the inspections API's
use cases, run on both, answer the same."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from careroute_synthetic.inspections import generate_inspections

from careroute.adapters import memory_inspections as memory
from careroute.adapters.dynamodb import inspections as inspection_table
from careroute.adapters.dynamodb.plan_jobs import SqsJobs
from careroute.domain.access import Caller, Role
from careroute.domain.errors import NotFoundError
from careroute.domain.inspections import (
    InspectionTarget,
    InspectionWorld,
    ItemScore,
    TargetKind,
)
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import CHINA_TZ, Registry
from careroute.messages.inspections import InspectionPlanJob, InspectionResultBody
from careroute.service_layer.inspections import Inspecting, progress, record_result
from careroute.service_layer.ports import (
    InspectionJobQueue,
    InspectionPlans,
    InspectionResults,
    InspectionTargets,
    InspectorDirectory,
    ResultSaved,
)
from tests.conftest import TODAY
from tests.contract.conftest import Backend, dynamodb_backend, memory_backend, sqs_reader
from tests.contract.use_case_ports import AreaBackend

NOW = datetime.combine(TODAY, datetime.min.time(), CHINA_TZ).replace(hour=10)


@dataclass(frozen=True)
class InspectionBackend(AreaBackend):
    targets: InspectionTargets
    inspectors: InspectorDirectory
    plans: InspectionPlans
    results: InspectionResults
    jobs: InspectionJobQueue
    queued: Callable[[], list[InspectionPlanJob]]


def inspections_of(backend: Backend, pump: Any = None) -> InspectionBackend:
    """The inspection adapters of the same backend (the DynamoDB one is reset with it)."""
    if backend.name == "memory":
        targets, jobs = memory.MemoryInspectionTargets(), memory.MemoryInspectionJobs()
        return InspectionBackend(
            backend,
            targets,
            memory.MemoryInspectors(),
            memory.MemoryInspectionPlans(),
            memory.MemoryInspectionResults(targets),
            jobs,
            jobs.take_all,
        )
    return InspectionBackend(
        backend,
        inspection_table,
        inspection_table,
        inspection_table,
        inspection_table,
        SqsJobs[InspectionPlanJob](pump.stack.queue_url("InspectionJobsQueue")),
        sqs_reader(pump, "InspectionJobsQueue", InspectionPlanJob),
    )


@pytest.fixture
def inspections(backend: Backend, request: pytest.FixtureRequest) -> InspectionBackend:
    pump = None if backend.name == "memory" else request.getfixturevalue("session_pump")
    return inspections_of(backend, pump)


@pytest.fixture(scope="module")
def world(small_city: Registry) -> InspectionWorld:
    return generate_inspections(11, small_city.communities, as_of=TODAY)


def document(target: InspectionTarget, result_id: str, at: datetime) -> dict[str, Any]:
    return {
        "result_id": result_id,
        "target_id": target.target_id,
        "inspected_at": at.isoformat(),
        "due_date": target.due_date.isoformat() if target.due_date else None,
        "on_time": True,
        "notes": "名",
    }


def test_targets_read_back_and_are_listed_due_by_a_day_soonest_first(
    inspections: InspectionBackend, world: InspectionWorld
) -> None:
    targets = inspections.targets
    assert targets.save_targets(world.targets) == len(world.targets)
    first = world.targets[0]
    assert targets.get_target(first.target_id, consistent=True) == first
    with pytest.raises(NotFoundError):
        targets.get_target("T-unknown")

    district = first.district_id
    last = TODAY + timedelta(days=30)
    due = list(targets.due_by(district, last))
    expected = [
        t for t in world.targets if t.district_id == district and t.due_date and t.due_date <= last
    ]
    assert sorted(due, key=lambda t: t.target_id) == sorted(expected, key=lambda t: t.target_id)
    assert [t.due_date for t in due] == sorted(t.due_date for t in expected)
    assert list(targets.due_by("D-none", last)) == []

    institutions = list(targets.institutions_of(district))
    expected = [
        t for t in world.targets if t.district_id == district and t.kind is TargetKind.INSTITUTION
    ]
    assert institutions and sorted(institutions, key=lambda t: t.target_id) == sorted(
        expected, key=lambda t: t.target_id
    )
    assert [t.due_date for t in institutions] == sorted(t.due_date for t in expected)
    assert all(t.last_scores for t in institutions)


def test_a_districts_inspectors_are_listed_by_id_and_known_only_there(
    inspections: InspectionBackend, world: InspectionWorld
) -> None:
    directory = inspections.inspectors
    assert directory.save_inspectors(reversed(world.inspectors)) == len(world.inspectors)
    district = world.inspectors[0].district_id
    listed = directory.inspectors_of(district)
    assert listed == sorted(
        (i for i in world.inspectors if i.district_id == district), key=lambda i: i.inspector_id
    )
    assert directory.inspector_in(district, listed[0].inspector_id)
    assert not directory.inspector_in("D-none", listed[0].inspector_id)
    assert directory.inspectors_of("D-none") == []


def test_a_district_days_plan_reads_back_and_a_replan_replaces_it(
    inspections: InspectionBackend,
) -> None:
    plans, day = inspections.plans, TODAY.isoformat()
    route = {"inspector_id": "I01", "district_id": "D01", "date": day, "stops": [{"n": 1}]}
    summary = {"district_id": "D01", "date": day, "planned": 1}
    plans.save_plan([route], summary)
    assert plans.get_route("I01", TODAY) == route
    assert plans.plan_summary("D01", TODAY) == summary
    with pytest.raises(NotFoundError):
        plans.get_route("I01", TODAY + timedelta(days=1))
    assert plans.plan_summary("D02", TODAY) is None

    plans.save_plan([{**route, "stops": []}], {**summary, "planned": 0})
    assert plans.get_route("I01", TODAY)["stops"] == []
    assert plans.plan_summary("D01", TODAY) == {**summary, "planned": 0}


def test_a_result_is_stored_once_over_the_due_date_read_and_listed_by_month(
    inspections: InspectionBackend, world: InspectionWorld
) -> None:
    target = next(t for t in world.targets if t.kind is TargetKind.INSTITUTION)
    inspections.targets.save_targets([target])
    results = inspections.results
    assert target.due_date is not None
    later = target.due_date + timedelta(days=180)
    scores = tuple(ItemScore(s.item, 5 - s.score // 2) for s in target.last_scores)
    after = replace(
        target,
        due_date=later,
        last_inspected=TODAY,
        last_scores=scores,
        last_rectifications=target.last_rectifications + 1,
        beds=target.beds + 10,
        occupied_beds=target.beds + 1,
    )

    first = document(target, "ir-1", NOW)
    assert results.save_result(first, target, after) is ResultSaved.CREATED
    moved = inspections.targets.get_target(target.target_id, consistent=True)
    assert moved == after
    assert results.get_result("ir-1") == first
    assert results.save_result(first, target, after) is ResultSaved.EXISTS

    stale = document(target, "ir-2", NOW + timedelta(hours=1))
    assert results.save_result(stale, target, after) is ResultSaved.TARGET_CHANGED
    assert results.get_result("ir-2") is None
    second = document(moved, "ir-3", NOW + timedelta(hours=2))
    assert results.save_result(second, moved, replace(moved, due_date=None)) is (
        ResultSaved.CREATED
    )
    assert inspections.targets.get_target(target.target_id, consistent=True).due_date is None
    gone = replace(target, target_id="T-unknown")
    assert results.save_result(document(gone, "ir-4", NOW), gone, after) is (
        ResultSaved.TARGET_CHANGED
    )

    month = NOW.strftime("%Y-%m")
    rows = list(results.results_in(target.district_id, month))
    assert [(r.target_id, r.due_date, r.on_time) for r in rows] == [
        (target.target_id, target.due_date, True),
        (target.target_id, later, True),
    ]
    assert list(results.results_in(target.district_id, "2020-01")) == []


def test_inspection_jobs_sent_arrive_on_the_queue_as_sent(inspections: InspectionBackend) -> None:
    jobs = [
        InspectionPlanJob(district_id=f"D{n:02d}", plan_date=TODAY, run_id="run-1", holidays=[])
        for n in range(1, 13)
    ]
    assert inspections.jobs.send(jobs) == 12
    assert sorted(inspections.queued(), key=lambda j: j.district_id) == jobs
    assert inspections.queued() == []


def test_recording_results_and_the_progress_answer_the_same_on_memory_and_on_dynamodb(
    session_pump: Any, small_city: Registry, world: InspectionWorld
) -> None:
    """A result with a rectification item, its retry, and the month's progress."""
    target = next(t for t in world.targets if t.kind is TargetKind.INSTITUTION and t.due_date)
    inspector = next(i for i in world.inspectors if i.skills)
    body = InspectionResultBody(
        inspector_id=inspector.inspector_id,
        target_id=target.target_id,
        inspected_at=NOW,
        scores={"fire_safety": 2, "hygiene": 4, "care_quality": 4, "staffing": 3, "records": 5},
        rectifications=[{"item": "fire_safety", "deadline": TODAY + timedelta(days=14)}],
    )
    inspector_caller = Caller("i", Role.INSPECTOR, target.district_id)
    admin = Caller("a", Role.CITY_ADMIN, "")
    answers = []
    for backend in (memory_backend(), dynamodb_backend(session_pump)):
        found = inspections_of(backend, session_pump)
        backend.communities.save_communities(small_city.communities)
        found.targets.save_targets(world.targets)
        found.inspectors.save_inspectors(world.inspectors)
        ports = found.ports(Inspecting)
        first = record_result(inspector_caller, body, "key-1", NOW, load_policy(), ports)
        again = record_result(inspector_caller, body, "key-1", NOW, load_policy(), ports)
        month = NOW.strftime("%Y-%m")
        answers.append(
            (
                first,
                again,
                progress(admin, "city", month, TODAY, ports).model_dump(),
                [t.ticket_id for t in backend.tickets.of_community(target.community_id)],
            )
        )
    on_memory, on_dynamodb = answers
    (result, created), (replayed, repeat), report, tickets = on_memory
    assert created and not repeat and replayed == result
    assert result["ticket_ids"] == tickets and len(tickets) == 1
    assert report["total"]["done"] == 1
    assert on_memory == on_dynamodb
