"""Recording a visit, the use case alone on the memory adapters: the time rules, whose elders
a steward may record, the tier at the visit date, and one record per Idempotency-Key."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from careroute.adapters.cached import CachedStewards
from careroute.adapters.memory import MemoryElders, MemoryStewards
from careroute.adapters.memory_visits import MemoryRoutes, MemoryVisits
from careroute.domain.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import CHINA_TZ, Elder, Outcome, Registry, Tier
from careroute.messages.visits import VisitRequest
from careroute.service_layer.visits import VisitRecording, record_visit, visit_id_for
from tests.unit.conftest import STREET_AS_OF

DAY = STREET_AS_OF
NOW = datetime.combine(DAY, time(15, 0), CHINA_TZ)
POLICY = load_policy()


@pytest.fixture
def ports(one_street: Registry) -> VisitRecording:
    recording = VisitRecording(MemoryStewards(), MemoryElders(), MemoryRoutes(), MemoryVisits())
    recording.stewards.save_stewards(one_street.stewards)
    recording.elders.save_elders(one_street.elders)
    return recording


def request(one_street: Registry, steward: int = 0, **change: object) -> VisitRequest:
    own = one_street.stewards[steward]
    elder = next(e for e in one_street.elders if e.community_id == own.community_id)
    body = {
        "steward_id": own.steward_id,
        "elder_id": elder.elder_id,
        "outcome": "visited",
        "visited_at": (NOW - timedelta(hours=1)).isoformat(),
        **change,
    }
    return VisitRequest.model_validate(body)


def test_an_outcome_is_stored_once_with_the_elders_scopes_and_tier(
    ports: VisitRecording, one_street: Registry
) -> None:
    sent = request(one_street)
    record, created = record_visit(sent, "key-0000001", NOW, POLICY, ports)
    elder = ports.elders.get_elder(one_street.stewards[0].community_id, sent.elder_id)
    assert created and record.visit_id == visit_id_for(sent.steward_id, "key-0000001")
    assert (record.community_id, record.street_id, record.district_id) == (
        elder.community_id,
        elder.street_id,
        elder.district_id,
    )
    assert record.tier is POLICY.tier_of(elder, DAY) and record.recorded_at == NOW
    again, created_again = record_visit(sent, "key-0000001", NOW + timedelta(1), POLICY, ports)
    assert (again, created_again) == (record, False)
    assert [v.visit_id for v in ports.visits.all_visits()] == [record.visit_id]


def test_a_reused_key_with_another_outcome_conflicts_and_stores_nothing_more(
    ports: VisitRecording, one_street: Registry
) -> None:
    record_visit(request(one_street), "key-0000002", NOW, POLICY, ports)
    with pytest.raises(ConflictError):
        record_visit(request(one_street, outcome="not_home"), "key-0000002", NOW, POLICY, ports)
    assert [v.outcome for v in ports.visits.all_visits()] == [Outcome.VISITED]


@pytest.mark.parametrize(
    ("visited_at", "message"),
    [
        (NOW + timedelta(minutes=11), "in the future"),
        (NOW - timedelta(days=63), "more than 62 days old"),
    ],
)
def test_an_outcome_from_the_future_or_long_ago_is_refused(
    ports: VisitRecording, one_street: Registry, visited_at: datetime, message: str
) -> None:
    sent = request(one_street, visited_at=visited_at.isoformat())
    with pytest.raises(ValidationError, match=message):
        record_visit(sent, "key-0000003", NOW, POLICY, ports)
    assert list(ports.visits.all_visits()) == []


def test_a_neighbours_elder_needs_a_cover_stop_on_todays_route(
    ports: VisitRecording, one_street: Registry
) -> None:
    helper, absent = one_street.stewards[0], one_street.stewards[1]
    elder = next(e for e in one_street.elders if e.community_id == absent.community_id)
    sent = request(one_street, elder_id=elder.elder_id, community_id=absent.community_id)
    with pytest.raises(ForbiddenError, match="not a cover stop"):
        record_visit(sent, "key-0000004", NOW, POLICY, ports)
    stop = {"elder_id": elder.elder_id, "community_id": absent.community_id, "cover": True}
    route = {"steward_id": helper.steward_id, "community_id": helper.community_id}
    ports.routes.save_route({**route, "date": DAY.isoformat(), "stops": [stop]})
    record, created = record_visit(sent, "key-0000004", NOW, POLICY, ports)
    assert created and record.community_id == absent.community_id


def test_an_unknown_elder_is_not_found(ports: VisitRecording, one_street: Registry) -> None:
    with pytest.raises(NotFoundError, match="elder E999999 not found"):
        record_visit(request(one_street, elder_id="E999999"), "key-0000005", NOW, POLICY, ports)


def test_the_steward_cache_reads_once_within_its_time_to_live(one_street: Registry) -> None:
    reads: list[str] = []

    class Counting(MemoryStewards):
        def get_steward(self, steward_id: str, consistent: bool = False):  # type: ignore[no-untyped-def]
            reads.append(steward_id)
            return super().get_steward(steward_id, consistent)

    inner = Counting()
    inner.save_stewards(one_street.stewards)
    ticks = iter([0.0, 30.0, 61.0, 61.0])  # read and stored at 0; checked at 30; stale at 61
    cached = CachedStewards(inner, ttl_seconds=60, monotonic=lambda: next(ticks))
    steward_id = one_street.stewards[0].steward_id
    for _ in range(3):
        assert cached.get_steward(steward_id) == one_street.stewards[0]
    assert reads == [steward_id, steward_id]


class KeptElders(MemoryElders):
    """Memory elders whose plain reads answer the first read of each elder, as a container
    that keeps the elders it read does; a consistent read goes to the store and is kept."""

    def __init__(self) -> None:
        super().__init__()
        self.kept: dict[tuple[str, str], Elder] = {}

    def get_elder(self, community_id: str, elder_id: str, consistent: bool = False) -> Elder:
        key = (community_id, elder_id)
        if consistent or key not in self.kept:
            self.kept[key] = super().get_elder(community_id, elder_id, consistent)
        return self.kept[key]


def test_an_elder_kept_from_an_earlier_visit_and_since_changed_is_read_again(
    one_street: Registry,
) -> None:
    """The write checks the elder the record was made from: a visit after the elder became
    urgent is T1, though the elder was kept from before."""
    elders = KeptElders()
    ports = VisitRecording(MemoryStewards(), elders, MemoryRoutes(), MemoryVisits(elders))
    ports.stewards.save_stewards(one_street.stewards)
    elders.save_elders(one_street.elders)
    own = one_street.stewards[0]
    elder = next(
        e
        for e in one_street.elders
        if e.community_id == own.community_id and POLICY.tier_of(e, DAY) is not Tier.T1
    )
    before, _ = record_visit(
        request(one_street, elder_id=elder.elder_id), "key-0000001", NOW, POLICY, ports
    )
    elders.raise_urgent_until(elder.community_id, elder.elder_id, DAY + timedelta(days=7))
    after, created = record_visit(
        request(one_street, elder_id=elder.elder_id, outcome="not_home"),
        "key-0000002",
        NOW,
        POLICY,
        ports,
    )
    assert before.tier is not Tier.T1 and (after.tier, created) == (Tier.T1, True)
    assert elders.kept[(elder.community_id, elder.elder_id)].urgent_until == DAY + timedelta(7)
