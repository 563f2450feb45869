"""A phone or video contact and the planner: the projector records the call on the elder
(`contacted_on`, whatever the policy says; `last_visited_on` never moves), and the planner
reads the policy's `[contacts] count_toward_monthly` as the independent compliance check
does. With the setting on, an elder whose month a call covered is not planned again this
month and has no monthly miss; with it off (the default), the elder is planned and, left
unvisited, missed. Either way a call never keeps a weekly elder on cadence."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time

import pytest

from careroute.domain.compliance import ElderBaseline, MissKind, check_compliance
from careroute.domain.due import WorkCalendar, month_end, rule_deadline
from careroute.domain.policy import Policy
from careroute.domain.vocabulary import (
    CHINA_TZ,
    Category,
    Elder,
    Outcome,
    Registry,
    Tier,
    VisitRecord,
)
from careroute.planning.horizon import plan_horizon
from careroute.service_layer.month_misses import month_misses
from careroute.service_layer.officials import overdue_elder
from careroute.service_layer.projection import project
from careroute.service_layer.route_plan import day_capacity
from tests.builders import a_visit_to
from tests.memory_ports import memory_projection
from tests.unit.conftest import STREET_AS_OF
from tests.unit.test_contact_outcomes import COUNTING, DEFAULT, MONTH, a_call
from tests.unit.test_policy import elder as an_elder_of

LAST_VISIT = date(2026, 11, 20)
"""Before the month: only the calls of December can cover it."""


def a_monthly_elder(city: Registry) -> tuple[Registry, Elder]:
    """The street with its first steward's community only, and in it one monthly (T3)
    elder last visited in November."""
    steward = city.stewards[0]
    home = [e for e in city.elders if e.community_id == steward.community_id]
    monthly = next(e for e in home if DEFAULT.tier_of(e, STREET_AS_OF) is Tier.T3)
    elder = replace(monthly, last_visited_on=LAST_VISIT, contacted_on=None)
    street = replace(city, elders=[elder], stewards=[steward])
    return street, elder


def after_the_calls(city: Registry, policy: Policy) -> tuple[Elder, list[VisitRecord]]:
    """The elder as the registry holds it after a phone (3 Dec) and a video contact
    (5 Dec) went through the projector under `policy`, and the two records."""
    street, elder = a_monthly_elder(city)
    steward_id = street.stewards[0].steward_id
    calls = [
        a_call(elder, Outcome.PHONE_CONTACT, 3, steward_id),
        a_call(elder, Outcome.VIDEO_CONTACT, 5, steward_id),
    ]
    ports = memory_projection(street)
    for record in calls:
        ports.visits.save_visit_once(record, record.visit_id)
        project(record, policy, ports)
    return ports.elders.get_elder(elder.community_id, elder.elder_id), calls


def planned_days_this_month(city: Registry, elder: Elder, policy: Policy) -> list[date]:
    """The days the month's horizon plan (from Monday 7 December) gives the elder."""
    steward = city.stewards[0]
    home = next(c for c in city.communities if c.community_id == steward.community_id)
    capacity = day_capacity(home, steward, [elder], policy)
    plan = plan_horizon([elder], WorkCalendar.of(steward), STREET_AS_OF, policy, capacity)
    return [v.day for v in plan.visits if v.day <= month_end(STREET_AS_OF)]


@pytest.mark.parametrize("policy", [DEFAULT, COUNTING])
def test_the_projector_records_a_call_on_the_elder_but_not_as_a_visit(
    one_street: Registry, policy: Policy
) -> None:
    """Given either setting, when two calls are projected, then the elder's last contact
    is the later call's day and the last completed visit stays in November."""
    elder, _ = after_the_calls(one_street, policy)

    assert elder.contacted_on == date(2026, 12, 5)
    assert elder.last_visited_on == LAST_VISIT


@pytest.mark.parametrize(("policy", "covered"), [(DEFAULT, False), (COUNTING, True)])
def test_the_planner_and_the_compliance_check_agree_on_a_month_met_by_calls(
    one_street: Registry, policy: Policy, covered: bool
) -> None:
    """Given the calls of 3 and 5 December projected, when the month is planned from 7
    December and checked with no visit made, then with the setting on the elder is not
    planned again in December and has no monthly miss; with it off, the elder is planned
    in December and, unvisited, missed for the month."""
    elder, calls = after_the_calls(one_street, policy)

    planned = planned_days_this_month(one_street, elder, policy)
    baseline = ElderBaseline(
        elder.elder_id, elder.community_id, elder.street_id, elder.district_id, Tier.T3, LAST_VISIT
    )
    misses = check_compliance(calls, [baseline], MONTH, policy).misses

    assert (planned == []) is covered
    assert [m.kind for m in misses] == ([] if covered else [MissKind.MONTHLY])
    assert rule_deadline(elder, Tier.T3, STREET_AS_OF, policy) == (
        date(2027, 1, 31) if covered else date(2026, 12, 31)
    )


def test_a_counted_call_leaves_a_weekly_elders_cadence_deadline_where_it_was() -> None:
    """Given calls that count toward the month, when a weekly (T1) elder last visited on
    30 November is phoned on 3 December, then the deadline is still 7 December."""
    weekly = an_elder_of(Category.LIVING_ALONE, Category.DISABLED)
    phoned = replace(weekly, last_visited_on=date(2026, 11, 30), contacted_on=date(2026, 12, 3))

    deadline = rule_deadline(phoned, Tier.T1, date(2026, 12, 4), COUNTING)

    assert deadline == date(2026, 12, 7)


def test_a_month_is_covered_by_its_visit_or_by_a_counted_call_in_it() -> None:
    """A call covers its month only under the setting; a visit covers its own month
    whatever the setting, also seen from before a later call (a look back, as the
    overdue list judges from the day after the last visit)."""
    called = replace(
        an_elder_of(Category.EMPTY_NEST),
        last_visited_on=date(2026, 11, 20),
        contacted_on=date(2026, 12, 3),
    )

    assert called.month_covered(date(2026, 12, 9), contacts_count=False) is False
    assert called.month_covered(date(2026, 12, 9), contacts_count=True) is True
    assert called.month_covered(date(2026, 11, 21), contacts_count=True) is True
    assert rule_deadline(called, Tier.T3, date(2026, 11, 21), COUNTING) == date(2026, 12, 31)
    assert called.month_covered(date(2027, 1, 4), contacts_count=True) is False


@pytest.mark.parametrize(("policy", "overdue"), [(DEFAULT, True), (COUNTING, False)])
def test_the_overdue_list_takes_a_month_a_call_covered_only_under_the_setting(
    policy: Policy, overdue: bool
) -> None:
    """Given a monthly elder last visited on 20 October and phoned on 10 November, when
    the officials' overdue list is read on 8 December, then the elder is overdue since 30
    November unless calls count (then November was covered and December is still open)."""
    called = replace(
        an_elder_of(Category.EMPTY_NEST),
        last_visited_on=date(2026, 10, 20),
        contacted_on=date(2026, 11, 10),
    )

    entry = overdue_elder(called, date(2026, 12, 8), policy)

    assert (entry is not None) is overdue
    if entry is not None:
        assert (entry.deadline, entry.days_overdue) == (date(2026, 11, 30), 8)


def test_a_call_never_takes_a_never_visited_weekly_elder_off_the_overdue_list() -> None:
    weekly = replace(
        an_elder_of(Category.LIVING_ALONE, Category.DISABLED), contacted_on=date(2026, 12, 3)
    )

    entry = overdue_elder(weekly, date(2026, 12, 8), COUNTING)

    assert entry is not None and entry.deadline is None


@pytest.mark.parametrize(
    ("policy", "calls", "missed"),
    [
        (DEFAULT, [date(2026, 11, 20)], True),
        (COUNTING, [date(2026, 11, 20)], False),
        (COUNTING, [], True),
    ],
)
def test_the_months_misses_count_only_a_call_made_in_the_month_judged(
    policy: Policy, calls: list[date], missed: bool
) -> None:
    """Given a monthly elder last visited on 2 October whose stored last call is of 2
    December, when November is judged on 3 December, then a November call covers the month
    (no monthly miss, not overdue) only when calls count; the December call never does."""
    elder = replace(
        an_elder_of(Category.EMPTY_NEST),
        last_visited_on=date(2026, 10, 2),
        contacted_on=date(2026, 12, 2),
    )
    records = [
        a_visit_to(elder, f"call-{day.day}", datetime.combine(day, time(10), CHINA_TZ),
                   steward_id="W1", tier=Tier.T3, outcome=Outcome.PHONE_CONTACT)
        for day in calls
    ]  # fmt: skip

    misses = month_misses([elder], records, "2026-11", date(2026, 12, 3), policy)

    assert [(m.monthly_missed, m.overdue) for m in misses] == ([(True, True)] if missed else [])
