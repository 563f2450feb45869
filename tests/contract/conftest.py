"""The backends every contract test runs against: memory and DynamoDB (on the local stack).

A backend is one set of adapters, one per port; the ports of each use case are drawn from
that set, so what one use case writes another reads (as in the product).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TypeVar

import pytest
from pydantic import BaseModel

from careroute.adapters import memory, memory_visits
from careroute.adapters.dynamodb import (
    bind_tables,
    coverage,
    day_reads,
    day_writes,
    overflow_marks,
    registry,
    routes,
    scopes,
    tickets,
)
from careroute.adapters.dynamodb import repositories as dynamodb
from careroute.adapters.dynamodb.plan_jobs import SqsJobs
from careroute.adapters.memory_day_reads import MemoryDayReads
from careroute.adapters.memory_day_writes import MemoryDayWrites
from careroute.domain.vocabulary import Elder, Registry, Steward
from careroute.entrypoints.config import Settings
from careroute.messages.visits import PlanJob
from careroute.service_layer.nightly_ports import NightlyPlanning
from careroute.service_layer.planning import CommunityPlanning
from careroute.service_layer.ports import (
    CommunityRepository,
    CoverageRepository,
    ElderRepository,
    HolidayCalendar,
    OverflowMarks,
    PlanJobQueue,
    ReadAudit,
    RouteRepository,
    ScopeDirectory,
    StewardRepository,
    TicketRepository,
    VisitRepository,
)
from careroute.service_layer.projection import VisitProjection
from careroute.service_layer.tickets import Ticketing
from careroute.service_layer.visits import VisitRecording
from careroute_local.pump import EventPump

Job = TypeVar("Job", bound=BaseModel)
A = TypeVar("A")


@dataclass(frozen=True)
class Backend:
    name: str
    communities: CommunityRepository
    stewards: StewardRepository
    elders: ElderRepository
    routes: RouteRepository
    visits: VisitRepository
    tickets: TicketRepository
    coverage: CoverageRepository
    overflow: OverflowMarks
    holidays: HolidayCalendar
    plan_jobs: PlanJobQueue
    scopes: ScopeDirectory
    audit: ReadAudit
    queued: Callable[[], list[PlanJob]]
    """The plan jobs waiting in the queue, taken off it (oldest first)."""

    @property
    def recording(self) -> VisitRecording:
        return VisitRecording(self.stewards, self.elders, self.routes, self.visits)

    @property
    def projection(self) -> VisitProjection:
        return VisitProjection(self.elders, self.tickets, self.coverage, self.visits)

    @property
    def nightly(self) -> NightlyPlanning:
        return NightlyPlanning(
            self.communities,
            self.stewards,
            self.elders,
            self.routes,
            self.overflow,
            self.holidays,
            self.plan_jobs,
        )

    @property
    def community(self) -> CommunityPlanning:
        on_memory = self.name == "memory"
        days = (
            MemoryDayReads(self.communities, self.stewards, self.routes) if on_memory else day_reads
        )
        writes = MemoryDayWrites(self.routes, self.overflow) if on_memory else day_writes
        return CommunityPlanning(
            self.communities, self.stewards, self.elders, self.routes, self.overflow, days, writes
        )

    @property
    def ticketing(self) -> Ticketing:
        return Ticketing(self.tickets, self.coverage, self.stewards, self.scopes)

    def either(self, on_memory: Callable[[], A], on_dynamodb: Callable[[], A]) -> A:
        """An adapter of this backend's kind, made now: `on_memory()`, or `on_dynamodb()` over
        the tables this backend bound (and reset)."""
        return on_memory() if self.name == "memory" else on_dynamodb()

    def holding(self, city: Registry) -> Backend:
        """This backend with `city`'s communities, stewards and elders saved in it."""
        self.communities.save_communities(city.communities)
        self.stewards.save_stewards(city.stewards)
        self.elders.save_elders(city.elders)
        return self


def memory_backend() -> Backend:
    communities, coverage = memory.MemoryCommunities(), memory_visits.MemoryCoverage()
    plan_jobs = memory_visits.MemoryPlanJobs()
    elders = memory.MemoryElders()
    return Backend(
        "memory",
        communities=communities,
        stewards=memory.MemoryStewards(),
        elders=elders,
        routes=memory_visits.MemoryRoutes(),
        visits=memory_visits.MemoryVisits(elders),
        tickets=memory_visits.MemoryTickets(coverage),
        coverage=coverage,
        overflow=memory_visits.MemoryOverflowMarks(),
        holidays=memory.MemoryHolidays(),
        plan_jobs=plan_jobs,
        scopes=memory.MemoryScopes(communities),
        audit=memory.MemoryReadAudit(),
        queued=plan_jobs.take_all,
    )


def sqs_reader(
    pump: EventPump, queue_logical_id: str, job: type[Job] = PlanJob
) -> Callable[[], list[Job]]:
    """Receive (and delete) every message waiting in the stack's queue, as `job`s."""
    client = pump.stack.client("sqs")
    url = pump.stack.queue_url(queue_logical_id)

    def take_all() -> list[Job]:
        taken: list[Job] = []
        while True:
            reply = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
            messages = reply.get("Messages", [])
            if not messages:
                return taken
            for message in messages:
                taken.append(job.model_validate(json.loads(message["Body"])))
                client.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])

    return take_all


def dynamodb_backend(pump: EventPump) -> Backend:
    pump.stack.reset()
    pump.stack.apply_environment()
    settings = Settings.from_env()
    bind_tables(settings)
    return Backend(
        "dynamodb",
        communities=registry,
        stewards=registry,
        elders=dynamodb.DynamoElders(),
        routes=routes,
        visits=dynamodb.DynamoVisits(),
        tickets=tickets,
        coverage=coverage,
        overflow=overflow_marks,
        holidays=dynamodb.DynamoHolidays(),
        plan_jobs=SqsJobs[PlanJob](settings.plan_jobs_queue_url),
        scopes=scopes,
        audit=dynamodb.DynamoReadAudit(),
        queued=sqs_reader(pump, "PlanJobsQueue"),
    )


def assert_same_answers(on_memory: Mapping[str, object], on_dynamodb: Mapping[str, object]) -> None:
    """Each named answer of a run on memory is the same on DynamoDB; a failure names it."""
    for name in on_memory:
        assert on_memory[name] == on_dynamodb[name], name


@pytest.fixture(params=["memory", "dynamodb"])
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    if request.param == "memory":
        yield memory_backend()
    else:
        yield dynamodb_backend(request.getfixturevalue("session_pump"))


@pytest.fixture
def saved_elder(backend: Backend, small_city: Registry) -> Elder:
    """The small city's first elder, saved alone in the backend (a test of one elder's row)."""
    elder = small_city.elders[0]
    backend.elders.save_elders([elder])
    return elder


@pytest.fixture
def saved_steward(backend: Backend, small_city: Registry) -> Steward:
    """The small city's first steward, saved alone in the backend."""
    steward = small_city.stewards[0]
    backend.stewards.save_stewards([steward])
    return steward
