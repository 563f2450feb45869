"""Coverage recomputed from raw visit records: the independent check of the projector."""

from datetime import UTC, datetime, timedelta

import pytest

from careroute.domain.coverage import ALL_TIERS, Scope, ScopeKind, recompute
from careroute.domain.vocabulary import Outcome, Tier, VisitRecord
from tests.builders import a_visit

T0 = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)


def visit(n: int, elder: str, outcome: Outcome, at: datetime, tier: Tier = Tier.T2) -> VisitRecord:
    """Visit v{n} to `elder` of community C1 (street S1, district D1) by steward W1."""
    return a_visit(f"v{n}", at, elder_id=elder, tier=tier, outcome=outcome)


def test_an_elder_counts_once_a_month_however_many_visits() -> None:
    visits = [
        visit(1, "E1", Outcome.NOT_HOME, T0),
        visit(2, "E1", Outcome.VISITED, T0 + timedelta(days=1)),
        visit(3, "E1", Outcome.VISITED, T0 + timedelta(days=8)),
        visit(4, "E2", Outcome.REFUSED, T0),
    ]
    counters = recompute(visits)
    for kind, scope_id in [(ScopeKind.COMMUNITY, "C1"), (ScopeKind.CITY, "all")]:
        row = counters[("2026-12", Scope(kind, scope_id), ALL_TIERS)]
        assert (row.elders_visited, row.visits_made) == (1, 4)
        assert row.outcomes == {"not_home": 1, "visited": 2, "refused": 1}


def test_the_month_is_the_local_china_month() -> None:
    late_utc = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)  # 01:00 on 1 December in Shenyang
    counters = recompute([visit(1, "E1", Outcome.VISITED, late_utc)])
    assert ("2026-12", Scope(ScopeKind.DISTRICT, "D1"), "T2") in counters


@pytest.mark.parametrize(
    ("text", "scope"),
    [
        ("city", Scope(ScopeKind.CITY, "all")),
        ("district:D01", Scope(ScopeKind.DISTRICT, "D01")),
        ("community:C0001", Scope(ScopeKind.COMMUNITY, "C0001")),
    ],
)
def test_scopes_parse_from_their_text(text: str, scope: Scope) -> None:
    assert Scope.parse(text) == scope
    assert str(scope) == text


@pytest.mark.parametrize("text", ["district", "planet:earth", "city:X"])
def test_bad_scopes_are_rejected_with_a_reason(text: str) -> None:
    with pytest.raises(ValueError, match=r"scope|city"):
        Scope.parse(text)
