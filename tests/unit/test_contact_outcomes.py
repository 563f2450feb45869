"""Phone and video contacts: recorded and tallied like any outcome; whether one covers the
elder's month is the policy's `[contacts] count_toward_monthly` (default: it does not). The
projector's counters, the drift check's recount, the daily series and the independent
compliance check must all say the same, either way; a contact never counts for cadence."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from datetime import date, datetime, time

import pytest

from careroute.domain.compliance import ElderBaseline, MissKind, check_compliance
from careroute.domain.contacts import ContactPolicy
from careroute.domain.coverage import ALL_TIERS, Scope, ScopeKind, recompute
from careroute.domain.coverage_series import daily_elders_visited
from careroute.domain.policy import (
    DEFAULT_POLICY_PATH,
    Policy,
    PolicyError,
    load_policy,
    parse_policy,
)
from careroute.domain.vocabulary import CHINA_TZ, Elder, Outcome, Registry, Tier, VisitRecord
from careroute.service_layer.coverage_check import CoverageCheck, check_month
from careroute.service_layer.projection import VisitProjection, project
from tests.builders import a_visit, a_visit_to
from tests.memory_ports import memory_projection

DEFAULT = load_policy()
COUNTING = replace(DEFAULT, contacts=ContactPolicy(count_toward_monthly=True))
MONTH = "2026-12"


def a_call(elder: Elder, outcome: Outcome, day: int, steward_id: str) -> VisitRecord:
    at = datetime.combine(date(2026, 12, day), time(10), CHINA_TZ)
    return a_visit_to(
        elder, f"{day:032d}", at, steward_id=steward_id, tier=Tier.T3,
        outcome=outcome,
    )  # fmt: skip


def projected(city: Registry, policy: Policy, records: list[VisitRecord]) -> VisitProjection:
    ports = memory_projection(city)
    for record in records:
        ports.visits.save_visit_once(record, record.visit_id)
        project(record, policy, ports)
    return ports


def community_row(ports: VisitProjection, elder: Elder) -> dict[str, object]:
    scope = Scope(ScopeKind.COMMUNITY, elder.community_id)
    [row] = [r for r in ports.coverage.read_coverage(MONTH, scope) if r["tier"] == ALL_TIERS]
    return row


def a_month_of_calls(city: Registry) -> tuple[Elder, list[VisitRecord]]:
    elder = city.elders[0]
    steward = city.stewards[0].steward_id
    calls = [
        a_call(elder, Outcome.PHONE_CONTACT, 3, steward),
        a_call(elder, Outcome.VIDEO_CONTACT, 10, steward),
    ]
    return elder, calls


def test_by_default_a_call_is_tallied_but_the_elder_is_not_visited(one_street: Registry) -> None:
    """Given the default policy, when a phone and a video contact are projected, then the
    month's row tallies both outcomes and two visits made, no elder visited, and the
    elder's last visit does not move."""
    elder, calls = a_month_of_calls(one_street)
    ports = projected(one_street, DEFAULT, calls)

    row = community_row(ports, elder)
    outcomes = row["outcomes"]
    assert isinstance(outcomes, dict)
    assert (outcomes["phone_contact"], outcomes["video_contact"]) == (1, 1)
    assert (row["visits_made"], row["elders_visited"]) == (2, 0)
    stored = ports.elders.get_elder(elder.community_id, elder.elder_id)
    assert stored.last_visited_on == elder.last_visited_on


@pytest.mark.parametrize(("policy", "visited"), [(DEFAULT, 0), (COUNTING, 1)])
def test_counters_recount_series_and_compliance_agree_on_a_call(
    one_street: Registry, policy: Policy, visited: int
) -> None:
    """Given either setting, when only calls reached the elder this month, then the
    projector's counters, the recount, the drift check, the daily series and the
    independent check all count the elder visited exactly when the policy says so."""
    elder, calls = a_month_of_calls(one_street)
    ports = projected(one_street, policy, calls)
    counting = policy.contacts.count_toward_monthly
    scope = Scope(ScopeKind.COMMUNITY, elder.community_id)

    assert community_row(ports, elder)["elders_visited"] == visited
    recounted = recompute(calls, counting)[(MONTH, scope, ALL_TIERS)]
    assert (recounted.elders_visited, recounted.visits_made) == (visited, 2)
    check = CoverageCheck(ports.visits, ports.coverage, contacts_count=counting)
    assert check_month(MONTH, check) == []
    assert daily_elders_visited(calls, MONTH, contacts_count=counting)[-1][ALL_TIERS] == visited

    baseline = ElderBaseline(
        elder.elder_id, elder.community_id, elder.street_id, elder.district_id, Tier.T3, None
    )
    result = check_compliance(calls, [baseline], MONTH, policy)
    assert result.row(scope).elders_visited == visited
    monthly = [m for m in result.misses if m.kind is MissKind.MONTHLY]
    assert len(monthly) == 1 - visited


def test_the_drift_check_sees_counters_kept_under_the_other_setting(
    one_street: Registry,
) -> None:
    """Given calls counted toward the month by the projector, when the drift check
    recounts them without the setting, then it reports the difference."""
    _, calls = a_month_of_calls(one_street)
    ports = projected(one_street, COUNTING, calls)

    drift = check_month(MONTH, CoverageCheck(ports.visits, ports.coverage))
    assert drift
    assert all(d.stored and d.stored["elders_visited"] == 1 for d in drift)


def test_a_counted_call_never_keeps_a_weekly_elder_on_cadence() -> None:
    """Given calls that count toward the month, when a T1 elder last visited on 30 Nov is
    only phoned in December, then the month is covered but the 7-day cadence is missed
    on 7 Dec."""
    baseline = ElderBaseline("E1", "C1", "S1", "D1", Tier.T1, date(2026, 11, 30))
    at = datetime.combine(date(2026, 12, 5), time(10), CHINA_TZ)
    call = a_visit("c1", at, tier=Tier.T1, outcome=Outcome.PHONE_CONTACT)

    result = check_compliance([call], [baseline], MONTH, COUNTING, through=date(2026, 12, 31))

    assert [m.kind for m in result.misses] == [MissKind.CADENCE]
    assert result.misses[0].deadline == date(2026, 12, 7)
    assert result.row(Scope(ScopeKind.COMMUNITY, "C1")).elders_visited == 1


def test_the_setting_is_false_by_default_and_must_be_true_or_false() -> None:
    raw = tomllib.loads(DEFAULT_POLICY_PATH.read_text("utf-8"))
    assert DEFAULT.contacts.count_toward_monthly is False
    raw["contacts"] = {"count_toward_monthly": True}
    assert parse_policy(raw).contacts.count_toward_monthly is True
    raw["contacts"] = {"count_toward_monthly": "yes"}
    with pytest.raises(PolicyError, match=r"contacts\.count_toward_monthly: expected true"):
        parse_policy(raw)
    raw["contacts"] = {"count_toward_month": True}
    with pytest.raises(PolicyError, match=r"contacts: unknown keys \['count_toward_month'\]"):
        parse_policy(raw)
