"""The backends every contract test runs against: memory and DynamoDB (on the local stack)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from careroute.adapters import memory
from careroute.adapters.dynamodb import bind_tables
from careroute.adapters.dynamodb import repositories as dynamodb
from careroute.entrypoints.config import Settings
from careroute.service_layer.projection import VisitProjection
from careroute.service_layer.visits import VisitRecording
from careroute_local.pump import EventPump


@dataclass(frozen=True)
class Backend:
    name: str
    recording: VisitRecording
    projection: VisitProjection


def memory_backend() -> Backend:
    elders, coverage = memory.MemoryElders(), memory.MemoryCoverage()
    return Backend(
        "memory",
        VisitRecording(
            memory.MemoryStewards(), elders, memory.MemoryRoutes(), memory.MemoryVisits()
        ),
        VisitProjection(elders, memory.MemoryTickets(coverage), coverage),
    )


def dynamodb_backend(pump: EventPump) -> Backend:
    pump.stack.reset()
    pump.stack.apply_environment()
    bind_tables(Settings.from_env())
    recording = VisitRecording(
        dynamodb.DynamoStewards(),
        dynamodb.DynamoElders(),
        dynamodb.DynamoRoutes(),
        dynamodb.DynamoVisits(),
    )
    return Backend("dynamodb", recording, dynamodb.visit_projection())


@pytest.fixture(params=["memory", "dynamodb"])
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    if request.param == "memory":
        yield memory_backend()
    else:
        yield dynamodb_backend(request.getfixturevalue("session_pump"))
