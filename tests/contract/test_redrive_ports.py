"""The projector's dead letters, memory against SQS and the visits stream: each failed batch
is given back as its visit records, leaves the queue once replayed, stays when its replay
fails, and a limit caps how many are taken. Then a redrive, run on both, must leave the same
coverage as projecting the visits in the first place."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest

from careroute.adapters.dynamodb.redrive_repositories import SqsFailedVisitBatches
from careroute.adapters.memory_dead_letters import MemoryFailedVisitBatches
from careroute.domain.coverage import Scope, ScopeKind
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import Registry, Tier, VisitRecord, china_date
from careroute.service_layer.ports import FailedVisitBatches, Replayed
from careroute.service_layer.stream_redrive import ProjectorRedrive, redrive_projector
from careroute_local.pump import EventPump
from tests.builders import a_visit_to
from tests.conftest import china_now
from tests.contract.conftest import Backend

DeadLetter = Callable[[list[VisitRecord]], None]


@dataclass(frozen=True)
class DeadLetters:
    batches: FailedVisitBatches
    dead_letter: DeadLetter
    """Store the records as visits, then dead-letter them as one batch (the stream's
    OnFailure after the projector's last retry)."""


def stream_on_failure(pump: EventPump) -> DeadLetter:
    """Dead-letter the visits stream's INSERTs of those records, as the pump's OnFailure."""
    stack = pump.stack
    streams = stack.client("dynamodbstreams")
    arn = stack.stream_arn("VisitsTable")
    spec = stack.template.functions["ProjectorFunction"]

    def dead_letter(records: list[VisitRecord]) -> None:
        wanted = {r.visit_id for r in records}
        shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        found = [
            pump._stream_record(raw, arn)
            for raw in streams.get_records(ShardIterator=iterator)["Records"]
            if raw["dynamodb"].get("NewImage", {}).get("visit_id", {}).get("S") in wanted
        ]
        assert len(found) == len(records)
        pump._on_failure(spec, "ProjectorDLQ", arn, shard["ShardId"], found, 6, "Unhandled")

    return dead_letter


@pytest.fixture
def letters(backend: Backend, request: pytest.FixtureRequest) -> DeadLetters:
    def stored(then: DeadLetter) -> DeadLetter:
        def dead_letter(records: list[VisitRecord]) -> None:
            for record in records:
                backend.visits.save_visit_once(record, record.visit_id)
            then(records)

        return dead_letter

    if backend.name == "memory":
        batches = MemoryFailedVisitBatches()
        return DeadLetters(batches, stored(batches.dead_letter))
    pump: EventPump = request.getfixturevalue("session_pump")
    dlq = pump.stack.queue_url("ProjectorDLQ")
    return DeadLetters(SqsFailedVisitBatches(dlq), stored(stream_on_failure(pump)))


def visits(city: Registry, first: int, count: int) -> list[VisitRecord]:
    at = china_now().replace(microsecond=0)
    return [
        a_visit_to(
            city.elders[n],
            f"{n:032d}",
            at - timedelta(minutes=30 + n),
            steward_id=city.stewards[0].steward_id,
            tier=Tier.T2,
            recorded_at=at,
        )
        for n in range(first, first + count)
    ]


def collect(into: list[list[VisitRecord]]) -> Callable[[Iterator[VisitRecord]], object]:
    return lambda records: into.append(list(records))


def test_each_batch_is_given_as_its_records_in_stream_order_then_leaves_the_queue(
    letters: DeadLetters, small_city: Registry
) -> None:
    first, second = visits(small_city, 0, 3), visits(small_city, 3, 2)
    letters.dead_letter(first)
    letters.dead_letter(second)

    replayed: list[list[VisitRecord]] = []
    assert letters.batches.replay_each(collect(replayed)) == Replayed(moved=2, left=0)
    assert sorted(replayed, key=len) == [second, first]
    assert letters.batches.replay_each(collect(replayed)) == Replayed(moved=0, left=0)
    assert len(replayed) == 2


def test_a_batch_whose_replay_fails_stays_in_the_queue(
    letters: DeadLetters, small_city: Registry
) -> None:
    failing, fine = visits(small_city, 0, 2), visits(small_city, 2, 1)
    letters.dead_letter(failing)
    letters.dead_letter(fine)

    def replay(records: Iterator[VisitRecord]) -> None:
        if next(records).visit_id == failing[0].visit_id:
            raise RuntimeError("projector still failing")

    assert letters.batches.replay_each(replay) == Replayed(moved=1, left=1)


def test_a_limit_caps_the_batches_taken_and_the_rest_wait(
    letters: DeadLetters, small_city: Registry
) -> None:
    for n in range(3):
        letters.dead_letter(visits(small_city, n, 1))

    replayed: list[list[VisitRecord]] = []
    assert letters.batches.replay_each(collect(replayed), limit=2) == Replayed(moved=2, left=1)
    assert letters.batches.replay_each(collect(replayed)) == Replayed(moved=1, left=0)
    assert sorted(r[0].visit_id for r in replayed) == [v.visit_id for v in visits(small_city, 0, 3)]


def test_a_redrive_counts_what_the_projector_missed_the_same_on_both(
    backend: Backend, letters: DeadLetters, small_city: Registry
) -> None:
    records = visits(small_city, 0, 4)
    letters.dead_letter(records[:2])
    letters.dead_letter(records[2:])
    backend.elders.save_elders(small_city.elders[:4])
    ports = ProjectorRedrive(letters.batches, backend.projection)

    assert redrive_projector(load_policy(), ports) == Replayed(moved=2, left=0)
    assert redrive_projector(load_policy(), ports) == Replayed(moved=0, left=0)
    month = records[0].month
    city = backend.coverage.read_coverage(month, Scope(ScopeKind.CITY, "all"))
    assert city[-1]["visits_made"] == 4 and city[-1]["elders_visited"] == 4
    elder = small_city.elders[0]
    stored = backend.elders.get_elder(elder.community_id, elder.elder_id, consistent=True)
    assert stored.last_visited_on == china_date(records[0].visited_at)
