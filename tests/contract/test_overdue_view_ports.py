"""The overdue view's port, memory against DynamoDB: each community's view replaced whole by
the count, one elder's entry set or removed (only once the community has a view), read for a
few communities or a city's many. Then, over the small city, the overdue list read from the
view is the one computed from every elder, on both backends, and stays so as visits come in.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest

from careroute.adapters.dynamodb.overdue_view import DynamoOverdueView
from careroute.adapters.memory_overdue import MemoryOverdueView
from careroute.domain.coverage import Scope, ScopeKind
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import CHINA_TZ, ElderStatus, Outcome, Registry, Tier
from careroute.service_layer.officials import HORIZON_DAYS, OverdueReading, overdue_in
from careroute.service_layer.overdue_view import count_overdue
from careroute.service_layer.ports.overdue import CommunityWatch, DueEntry, OverdueView
from careroute.service_layer.projection import project
from tests.builders import a_visit_to
from tests.conftest import TODAY
from tests.contract.conftest import Backend, dynamodb_backend, memory_backend

POLICY = load_policy()
CITY = Scope(ScopeKind.CITY, "all")


@pytest.fixture
def view(backend: Backend) -> OverdueView:
    return backend.either(MemoryOverdueView, DynamoOverdueView)


def an_entry(elder_id: str, community_id: str, deadline: date | None) -> DueEntry:
    last = None if deadline is None else deadline - timedelta(days=30)
    return DueEntry(elder_id, community_id, Tier.T3, last, deadline)


def test_a_communitys_view_is_replaced_whole_and_one_entry_at_a_time(view: OverdueView) -> None:
    late, never = an_entry("E1", "C1", TODAY - timedelta(days=2)), an_entry("E2", "C1", None)
    assert view.put_entry("C1", "E1", late) is False  # no view yet: nothing written
    assert view.read_watches(["C1"]) == {}

    assert (
        view.save_watches(
            [CommunityWatch("C1", TODAY, (never, late)), CommunityWatch("C2", TODAY, ())]
        )
        == 2
    )
    assert view.read_watches(["C1", "C2", "C3"]) == {
        "C1": CommunityWatch("C1", TODAY, (late, never)),
        "C2": CommunityWatch("C2", TODAY, ()),
    }

    visited = replace(late, last_visited_on=TODAY, deadline=TODAY + timedelta(days=40))
    assert view.put_entry("C1", "E1", visited) is True
    assert view.put_entry("C1", "E2", None) is True
    assert view.put_entry("C1", "E9", None) is True  # removing an absent entry changes nothing
    assert view.read_watches(["C1"])["C1"].entries == (visited,)

    view.save_watches([CommunityWatch("C1", TODAY + timedelta(days=1), ())])
    assert view.read_watches(["C1"]) == {"C1": CommunityWatch("C1", TODAY + timedelta(days=1), ())}


def test_a_citys_many_views_read_back_all_and_only_those_asked(view: OverdueView) -> None:
    ids = [f"C{n:04d}" for n in range(150)]
    view.save_watches(CommunityWatch(c, TODAY, (an_entry(f"E{c}", c, None),)) for c in ids)
    everything = view.read_watches(ids)
    assert sorted(everything) == ids
    assert everything["C0149"].entries == (an_entry("EC0149", "C0149", None),)
    assert sorted(view.read_watches(ids[:120])) == ids[:120]  # many asked: one query, filtered
    assert sorted(view.read_watches(["C0003", "C0200"])) == ["C0003"]


def behind(city: Registry) -> Registry:
    """`city` with a few elders of its first community late: four last visited 70 days ago,
    one never (the synthetic history leaves few or none late)."""
    first = city.communities[0].community_id
    home = [e for e in city.elders if e.community_id == first and e.status is ElderStatus.ACTIVE]
    late = {e.elder_id: replace(e, last_visited_on=TODAY - timedelta(days=70)) for e in home[:4]}
    late[home[4].elder_id] = replace(home[4], last_visited_on=None, contacted_on=None)
    return replace(city, elders=[late.get(e.elder_id, e) for e in city.elders])


def lists(ports: OverdueReading, full: OverdueReading, on: date, scopes: list[Scope]) -> list[Any]:
    """The view's list and the full computation's for each scope, side by side."""
    return [(overdue_in(s, on, POLICY, ports), overdue_in(s, on, POLICY, full)) for s in scopes]


def test_the_views_overdue_list_is_the_full_computations_on_both_backends(
    session_pump: Any, small_city: Registry
) -> None:
    """Counted today, read today and within the horizon; then visits to three of the late
    elders (one finds the elder moved) are projected with the view as a port: the view's list
    is the list computed from every elder each time, on memory and on DynamoDB alike."""
    city = behind(small_city)
    first = city.communities[0]
    district = Scope(ScopeKind.DISTRICT, first.district_id)
    scopes = [CITY, district, Scope(ScopeKind.COMMUNITY, first.community_id)]
    answers = []
    for backend in (memory_backend(), dynamodb_backend(session_pump)):
        backend.holding(city)
        view: OverdueView = backend.either(MemoryOverdueView, DynamoOverdueView)
        ports = OverdueReading(backend.scopes, backend.elders, view)
        full = OverdueReading(backend.scopes, backend.elders)
        ids = [c.community_id for c in city.communities]
        assert count_overdue(city.elders, ids, TODAY, POLICY, view) == len(ids)
        counted = lists(ports, full, TODAY, scopes)
        later = lists(ports, full, TODAY + timedelta(days=HORIZON_DAYS), scopes)

        late = overdue_in(CITY, TODAY, POLICY, ports).elders[:3]
        outcomes = [Outcome.VISITED, Outcome.VISITED, Outcome.MOVED]
        for n, (row, outcome) in enumerate(zip(late, outcomes, strict=True)):
            elder = backend.elders.get_elder(row.community_id, row.elder_id)
            at = datetime.combine(TODAY, time(10, n), CHINA_TZ)
            visit = a_visit_to(elder, f"V{n}", at, steward_id="S", tier=row.tier, outcome=outcome)
            project(visit, POLICY, replace(backend.projection, overdue=view))
        visited = lists(ports, full, TODAY, scopes)
        answers.append((counted, later, visited, [r.elder_id for r in late]))

    on_memory, on_dynamodb = answers
    counted, later, visited, late_ids = on_memory
    for from_view, from_elders in counted + later + visited:
        assert from_view == from_elders
    city_before, city_after = counted[0][0], visited[0][0]
    assert city_before.count > 3 and city_after.count == city_before.count - 3
    assert not set(late_ids) & {row.elder_id for row in city_after.elders}
    assert sum(city_before.by_district.values()) == city_before.count
    assert on_memory == on_dynamodb


def test_a_day_past_the_horizon_is_computed_from_the_elders(small_city: Registry) -> None:
    backend = memory_backend().holding(small_city)
    view = MemoryOverdueView()
    ids = [c.community_id for c in small_city.communities]
    count_overdue(small_city.elders, ids, TODAY, POLICY, view)
    ports = OverdueReading(backend.scopes, backend.elders, view)
    full = OverdueReading(backend.scopes, backend.elders)
    beyond = TODAY + timedelta(days=HORIZON_DAYS + 20)
    assert overdue_in(CITY, beyond, POLICY, ports) == overdue_in(CITY, beyond, POLICY, full)
    assert (
        overdue_in(CITY, beyond, POLICY, full).count > overdue_in(CITY, TODAY, POLICY, full).count
    )
