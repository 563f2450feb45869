"""The officials' reads on the memory adapters: the scope check, the overdue list, and the
dashboard's map and month chart.

Given a small registry of two districts: C1 and C2 on street S1 and C3 on street S2 (district
D1), C4 on street S3 (district D2), whose only elder has died.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from careroute.adapters import memory, memory_visits
from careroute.domain.access import Caller, Role
from careroute.domain.coverage import Scope, ScopeKind, registry_totals, scopes_of
from careroute.domain.errors import ForbiddenError, NotFoundError, ValidationError
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import (
    CHINA_TZ,
    Community,
    CommunityKind,
    Elder,
    ElderStatus,
    GeoPoint,
    Outcome,
    Tier,
)
from careroute.service_layer.dashboard import DashboardReading, month_series, scope_map
from careroute.service_layer.officials import OverdueReading, overdue_in
from careroute.service_layer.scope_access import readable_known_scope, readable_scope
from tests.builders import CITY_ADMIN, a_visit_to, an_elder

POLICY = load_policy()
TODAY = date(2026, 12, 7)
STREET_S1 = Caller("official", Role.STREET_OFFICIAL, "S1")


def community(cid: str, street: str, district: str, lat: float) -> Community:
    return Community(cid, f"社区{cid}", street, f"街道{street}", district, f"区{district}",
                     GeoPoint(lat, 123.4), 400)  # fmt: skip


COMMUNITIES = [
    community("C1", "S1", "D1", 41.80),
    community("C2", "S1", "D1", 41.81),
    community("C3", "S2", "D1", 41.82),
    community("C4", "S3", "D2", 41.90),
]


def elder(elder_id: str, home: Community, last: date | None, **changes: object) -> Elder:
    return replace(
        an_elder(),
        elder_id=elder_id,
        community_id=home.community_id,
        street_id=home.street_id,
        district_id=home.district_id,
        last_visited_on=last,
        **changes,
    )


C1, C2, C3, C4 = COMMUNITIES
ELDERS = [
    elder("E1", C1, TODAY - timedelta(days=100)),  # months late
    elder("E2", C1, None),  # never visited
    elder("E3", C2, TODAY - timedelta(days=1)),  # on time
    elder("E4", C3, TODAY - timedelta(days=80)),  # late, on another street
    elder("E5", C4, None, status=ElderStatus.DECEASED),
]


class Registry:
    """The memory adapters, holding the registry above and its coverage denominators."""

    def __init__(self) -> None:
        self.communities = memory.MemoryCommunities()
        self.communities.save_communities(COMMUNITIES)
        self.elders = memory.MemoryElders()
        self.elders.save_elders(ELDERS)
        self.scopes = memory.MemoryScopes(self.communities)
        self.coverage = memory_visits.MemoryCoverage()
        chains = {c.community_id: scopes_of(c.community_id, c.street_id, c.district_id)
                  for c in COMMUNITIES}  # fmt: skip
        self.coverage.save_registry_totals(registry_totals(ELDERS, chains, TODAY, POLICY))
        self.visits = memory_visits.MemoryVisits()

    @property
    def dashboard(self) -> DashboardReading:
        return DashboardReading(self.communities, self.visits, self.coverage, self.scopes)


@pytest.fixture
def registry() -> Registry:
    return Registry()


def test_the_scope_check_parses_then_checks_reach_then_asks_the_registry(
    registry: Registry,
) -> None:
    def check(who: Caller, text: str) -> Scope:
        return readable_known_scope(who, text, registry.scopes, registry.coverage)

    assert check(STREET_S1, "community:C1") == Scope(ScopeKind.COMMUNITY, "C1")
    assert check(CITY_ADMIN, "district:D1") == Scope(ScopeKind.DISTRICT, "D1")
    with pytest.raises(ValidationError):
        check(CITY_ADMIN, "county:D1")
    with pytest.raises(ForbiddenError):
        check(STREET_S1, "district:D1")  # the district above the official's street
    with pytest.raises(ForbiddenError):
        check(STREET_S1, "community:C3")  # a community of another street
    with pytest.raises(ForbiddenError):
        check(STREET_S1, "street:S9")  # out of reach comes before unknown
    with pytest.raises(NotFoundError):
        check(CITY_ADMIN, "street:S9")
    with pytest.raises(NotFoundError):
        check(CITY_ADMIN, "community:C4")  # in the tree, but no active elder is counted there
    assert readable_scope(CITY_ADMIN, "community:C4", registry.scopes) == Scope(
        ScopeKind.COMMUNITY, "C4"
    )


def test_the_overdue_list_holds_the_scopes_late_active_elders_never_visited_first(
    registry: Registry,
) -> None:
    ports = OverdueReading(registry.scopes, registry.elders)
    street = overdue_in(Scope(ScopeKind.STREET, "S1"), TODAY, POLICY, ports)
    assert [(e.elder_id, e.last_visited_on) for e in street.elders] == [
        ("E2", None),
        ("E1", TODAY - timedelta(days=100)),
    ]
    assert street.elders[1].days_overdue == (TODAY - street.elders[1].deadline).days > 0
    city = overdue_in(Scope(ScopeKind.CITY, "all"), TODAY, POLICY, ports)
    assert (city.scope, city.count) == ("city", 3)
    assert [e.elder_id for e in city.elders] == ["E2", "E1", "E4"]


def test_the_map_of_a_street_shows_its_communities_street_and_district_outline(
    registry: Registry,
) -> None:
    found = scope_map(STREET_S1, "street:S1", registry.dashboard)
    assert found["scope"] == "street:S1"
    assert [c["community_id"] for c in found["communities"]] == ["C1", "C2"]
    assert [s["street_id"] for s in found["streets"]] == ["S1"]
    [district] = found["districts"]
    assert (district["district_id"], district["name"]) == ("D1", "区D1")
    assert len(district["outline"]) >= 3
    with pytest.raises(ForbiddenError):
        scope_map(STREET_S1, "city", registry.dashboard)


def test_the_map_lists_a_streets_relief_post_apart_from_its_communities(
    registry: Registry,
) -> None:
    """Given street S1 with a relief post (no elders), when its map is read, then the post is
    not among the communities the page colours by visit rate but listed apart."""
    post = replace(community("R1", "S1", "D1", 41.805), kind=CommunityKind.RELIEF_POST)
    registry.communities.save_communities([post])
    found = scope_map(STREET_S1, "street:S1", registry.dashboard)
    assert [c["community_id"] for c in found["communities"]] == ["C1", "C2"]
    assert found["relief_posts"] == [
        {"community_id": "R1", "street_id": "S1", "lat": 41.805, "lng": 123.4}
    ]


def test_the_month_chart_counts_each_elder_once_on_the_day_first_visited_in_the_scope(
    registry: Registry,
) -> None:
    def at(day: date, hour: int) -> datetime:
        return datetime.combine(day, datetime.min.time(), CHINA_TZ).replace(hour=hour)

    e1, e2, _, e4, _ = ELDERS
    visits = [
        a_visit_to(e1, "v1", at(date(2026, 11, 30), 9), steward_id="W1", tier=Tier.T1),
        a_visit_to(e1, "v2", at(date(2026, 12, 2), 9), steward_id="W1", tier=Tier.T1),
        a_visit_to(e1, "v3", at(date(2026, 12, 3), 9), steward_id="W1", tier=Tier.T1),
        a_visit_to(e2, "v4", at(date(2026, 12, 3), 10), steward_id="W1", tier=Tier.T3,
                   outcome=Outcome.NOT_HOME),
        a_visit_to(e4, "v5", at(date(2026, 12, 1), 9), steward_id="W3", tier=Tier.T3),
    ]  # fmt: skip
    for v in visits:
        registry.visits.save_visit_once(v, v.visit_id)
    chart = month_series(STREET_S1, "2026-12", "street:S1", TODAY, registry.dashboard)
    assert chart["elders_due"] == {"T1": 0, "T2": 0, "T3": 3, "ALL": 3}
    days = {d["date"]: (d["T1"], d["ALL"]) for d in chart["days"]}
    assert len(days) == 7  # up to today
    assert days["2026-12-01"] == (0, 0)  # E4 is on another street; November's visit is out
    assert days["2026-12-02"] == (1, 1) == days["2026-12-07"]  # E1 once; E2 was not home
    city = month_series(CITY_ADMIN, "2026-12", "city", TODAY, registry.dashboard)
    assert city["days"][0]["ALL"] == 1 and city["days"][-1]["ALL"] == 2
    with pytest.raises(ValidationError):
        month_series(CITY_ADMIN, "2026-13", "city", TODAY, registry.dashboard)
