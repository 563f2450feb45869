"""Replaying the projector's dead letters on the memory adapters: every visit of a batch is
projected, a batch partly projected before it failed counts each visit once, a redrive run
twice changes nothing the second time, and a batch the projector still fails on stays."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from careroute.adapters import memory_visits
from careroute.adapters.memory_dead_letters import MemoryFailedVisitBatches
from careroute.domain.coverage import Projection, Scope, ScopeKind
from careroute.domain.errors import StorageError
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import CHINA_TZ, Registry, Tier, VisitRecord
from careroute.service_layer.ports import Replayed
from careroute.service_layer.projection import project
from careroute.service_layer.stream_redrive import ProjectorRedrive, redrive_projector
from tests.builders import a_visit_to
from tests.memory_ports import memory_projection
from tests.unit.conftest import STREET_AS_OF

POLICY = load_policy()
MORNING = datetime.combine(STREET_AS_OF, datetime.min.time(), CHINA_TZ).replace(hour=9)
CITY = Scope(ScopeKind.CITY, "all")
MONTH = STREET_AS_OF.strftime("%Y-%m")


def visits(city: Registry, count: int) -> list[VisitRecord]:
    return [
        a_visit_to(
            e,
            f"{n:032d}",
            MORNING + timedelta(minutes=n),
            steward_id=city.stewards[0].steward_id,
            tier=Tier.T2,
            recorded_at=MORNING + timedelta(minutes=n + 1),
        )
        for n, e in enumerate(city.elders[:count])
    ]


def redrive(city: Registry) -> tuple[ProjectorRedrive, MemoryFailedVisitBatches]:
    failed = MemoryFailedVisitBatches()
    return ProjectorRedrive(failed, memory_projection(city)), failed


def visits_made(ports: ProjectorRedrive) -> int:
    return int(ports.projection.coverage.read_coverage(MONTH, CITY)[-1]["visits_made"])


def test_a_partly_projected_batch_replayed_twice_counts_each_visit_once(
    one_street: Registry,
) -> None:
    ports, failed = redrive(one_street)
    records = visits(one_street, 5)
    project(records[0], POLICY, ports.projection)  # projected before the batch failed
    failed.dead_letter(records[:3])
    failed.dead_letter(records[3:])

    assert redrive_projector(POLICY, ports) == Replayed(moved=2, left=0)
    assert redrive_projector(POLICY, ports) == Replayed(moved=0, left=0)
    assert visits_made(ports) == 5
    last = records[-1]
    elder = ports.projection.elders.get_elder(last.community_id, last.elder_id)
    assert elder.last_visited_on == STREET_AS_OF


class CountersDown(memory_visits.MemoryCoverage):
    """The coverage counters refusing every write (a lost permission)."""

    def project_visit(self, record: VisitRecord) -> Projection:
        raise StorageError("AccessDeniedException")


def test_a_batch_the_projector_still_fails_on_stays_for_the_next_redrive(
    one_street: Registry,
) -> None:
    ports, failed = redrive(one_street)
    for record in visits(one_street, 2):
        failed.dead_letter([record])
    down = CountersDown()
    refused = replace(ports.projection, tickets=memory_visits.MemoryTickets(down), coverage=down)

    assert redrive_projector(POLICY, ProjectorRedrive(failed, refused), limit=1) == Replayed(
        moved=0, left=2
    )
    assert redrive_projector(POLICY, ports) == Replayed(moved=2, left=0)
    assert visits_made(ports) == 2
