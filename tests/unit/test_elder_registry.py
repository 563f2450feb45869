"""The elders registry through the API, on the memory adapters: who sees names, paging, a
change kept in the history (and lost to a concurrent one), and the audit of personal reads.

Given community C1 (street S1, district D1) with steward W1 and elders E1 to E5, and C2 on
another street."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from careroute.adapters import memory, memory_visits
from careroute.domain.access import Caller, Role
from careroute.domain.errors import ConflictError, ForbiddenError, ValidationError
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import (
    Community,
    ElderStatus,
    GeoPoint,
)
from careroute.messages.api import ElderPage, ElderPatch
from careroute.service_layer.elders import (
    ElderRegistry,
    audit_log,
    change_elder,
    elder_history,
    list_elders,
)
from tests.builders import CITY_ADMIN, a_steward, an_elder

POLICY = load_policy()
TODAY = date(2026, 12, 7)
NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
C1 = Community("C1", "社区一", "S1", "街道一", "D1", "区一", GeoPoint(41.8, 123.4), 400)
C2 = Community("C2", "社区二", "S2", "街道二", "D1", "区一", GeoPoint(41.9, 123.4), 400)
STEWARD = Caller("steward-sub", Role.STEWARD, "W1")
OFFICIAL = Caller("official", Role.STREET_OFFICIAL, "S1")


@pytest.fixture
def ports() -> ElderRegistry:
    communities = memory.MemoryCommunities()
    communities.save_communities([C1, C2])
    registry = ElderRegistry(
        communities,
        memory.MemoryStewards(),
        memory.MemoryElders(),
        memory.MemoryScopes(communities),
        memory.MemoryReadAudit(),
        memory_visits.MemoryCoverage(),
    )
    registry.stewards.save_stewards([a_steward()])
    registry.elders.save_elders(replace(an_elder(), elder_id=f"E{n}") for n in range(1, 6))
    return registry


def page(who: Caller, ports: ElderRegistry, cursor: str | None = None) -> ElderPage:
    return list_elders(who, "C1", tier=None, status=None, limit=2, cursor=cursor,
                       today=TODAY, now=NOW, policy=POLICY, ports=ports)  # fmt: skip


def test_the_steward_pages_through_names_and_each_page_shown_is_audited(
    ports: ElderRegistry,
) -> None:
    first = page(STEWARD, ports)
    second = page(STEWARD, ports, first.next_cursor)
    last = page(STEWARD, ports, second.next_cursor)
    assert [[r.elder_id for r in p.elders] for p in (first, second, last)] == [
        ["E1", "E2"],
        ["E3", "E4"],
        ["E5"],
    ]
    assert last.next_cursor is None and first.elders[0].name == "王秀英"
    reads = ports.audit.community_reads("C1")
    assert sorted(r.elder_ids for r in reads) == [("E1", "E2"), ("E3", "E4"), ("E5",)]
    log = audit_log(CITY_ADMIN, "C1", 2, ports)
    assert log.count == 2 and log.reads[0].actor_sub == "steward-sub"


def test_an_official_sees_no_names_leaves_no_audit_and_a_cursor_is_tied_to_its_community(
    ports: ElderRegistry,
) -> None:
    shown = page(OFFICIAL, ports)
    assert not shown.personal_data and shown.elders[0].name is None
    assert ports.audit.community_reads("C1") == []
    with pytest.raises(ForbiddenError):
        list_elders(OFFICIAL, "C2", tier=None, status=None, limit=2, cursor=None,
                    today=TODAY, now=NOW, policy=POLICY, ports=ports)  # fmt: skip
    with pytest.raises(ValidationError):
        page(OFFICIAL, ports, "not-a-cursor")


def test_a_change_writes_only_what_differs_and_the_history_hides_addresses_from_officials(
    ports: ElderRegistry,
) -> None:
    patch = ElderPatch.model_validate({"address": "新楼", "status": "active"})
    result = change_elder(OFFICIAL, "C1", "E1", patch, NOW, ports, POLICY)
    assert result.changed == ["address"]  # the status was active already
    assert ports.elders.get_elder("C1", "E1").address == "新楼"
    [seen] = elder_history(OFFICIAL, "C1", "E1", NOW, ports).changes
    assert (seen.field, seen.old, seen.new, seen.actor_sub) == ("address", None, None, "official")
    assert ports.audit.elder_reads("C1", "E1") == []
    [shown] = elder_history(CITY_ADMIN, "C1", "E1", NOW + timedelta(minutes=1), ports).changes
    assert (shown.old, shown.new) == ("1号楼", "新楼")
    [read] = ports.audit.elder_reads("C1", "E1")
    assert (read.what, read.elder_ids, read.actor.sub) == ("history", ("E1",), "admin")


def test_a_change_over_values_changed_meanwhile_is_a_conflict_and_writes_nothing(
    ports: ElderRegistry,
) -> None:
    read = ports.elders.get_elder("C1", "E2")
    ports.elders.change_registry(read, replace(read, status=ElderStatus.HOSPITALISED), [])
    with pytest.raises(ConflictError):
        ports.elders.change_registry(read, replace(read, status=ElderStatus.MOVED), [])
    assert ports.elders.get_elder("C1", "E2").status is ElderStatus.HOSPITALISED
    assert ports.elders.changes("C1", "E2") == []
