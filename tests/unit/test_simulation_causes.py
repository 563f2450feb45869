"""The cause of a simulated miss: a try every day from early enough is counted apart, a first
try on the deadline is ours, and a steward's known sick days are named."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from careroute_synthetic.city import generate_city

from careroute.domain.compliance import Miss, MissKind
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import ElderStatus, Tier
from careroute_local.simulation.causes import EVERY_TRY, PREVIOUS_MONTH, cause_of, excused
from careroute_local.simulation.config import SimulationConfig
from careroute_local.simulation.state import ElderState, Run


@pytest.fixture
def run() -> Run:
    city = generate_city(5, as_of=date(2026, 12, 1), districts=["Heping"], scale=0.05)
    return Run(SimulationConfig(month="2026-12"), city, load_policy())


def _weekly_miss(run: Run, deadline: date = date(2026, 12, 14)) -> Miss:
    """A weekly elder visited a week before `deadline` (by default Monday 7 December), not
    again by the deadline."""
    elder = run.city.elders[0]
    return Miss(
        elder.elder_id,
        elder.community_id,
        Tier.T1,
        MissKind.CADENCE,
        deadline=deadline,
        since=deadline - timedelta(days=7),
    )


def test_not_home_on_every_day_from_early_enough_is_counted_apart(run: Run) -> None:
    miss = _weekly_miss(run)
    run.evidence[miss.elder_id].attempts += [
        (date(2026, 12, 11), "not_home"),  # Friday: one working day before the deadline
        (date(2026, 12, 14), "not_home"),
    ]
    cause = cause_of(miss, run)
    assert cause.startswith(EVERY_TRY) and excused(cause)


def test_a_first_try_on_the_deadline_is_a_miss_of_ours(run: Run) -> None:
    miss = _weekly_miss(run)
    run.evidence[miss.elder_id].attempts.append((date(2026, 12, 14), "not_home"))
    cause = cause_of(miss, run)
    assert cause == "not home 1 times, first try 0 days before the deadline"
    assert not excused(cause)


def test_a_day_without_a_try_in_between_is_a_miss_of_ours(run: Run) -> None:
    miss = _weekly_miss(run)
    run.evidence[miss.elder_id].attempts += [
        (date(2026, 12, 10), "not_home"),
        (date(2026, 12, 14), "refused"),
    ]
    assert not excused(cause_of(miss, run))


def test_a_known_sick_day_without_a_route_is_named(run: Run) -> None:
    miss = _weekly_miss(run)
    steward = next(s for s in run.city.stewards if s.community_id == miss.community_id)
    run.sick_days[steward.steward_id] |= {date(2026, 12, 10), date(2026, 12, 11)}
    assert cause_of(miss, run) == "steward sick with no cover"


def test_a_cadence_due_on_the_months_first_day_is_the_previous_months(run: Run) -> None:
    """Due Tuesday 1 December after a visit on 24 November: one simulated working day, fewer
    than a first try and a retry need; due Wednesday 2 December: two, so it is judged."""
    first_day = _weekly_miss(run, date(2026, 12, 1))
    assert first_day.since == date(2026, 11, 24)
    steward = next(s for s in run.city.stewards if s.community_id == first_day.community_id)
    assert not steward.days_off & {1, 2}  # works Tuesdays and Wednesdays
    assert cause_of(first_day, run) == PREVIOUS_MONTH and excused(PREVIOUS_MONTH)
    second_day = _weekly_miss(run, date(2026, 12, 2))
    assert cause_of(second_day, run) == "never planned"


def test_days_at_home_before_a_hospital_stay_do_not_count_as_chances_after_it(
    run: Run,
) -> None:
    """A fortnightly elder found in hospital on the try before the deadline, home again on a
    Friday with the deadline (moved by the stay) on the weekend: no working day was left."""
    elder = run.city.elders[0]
    state = run.elders[elder.elder_id] = ElderState(
        elder.elder_id, elder.community_id, elder.status
    )
    state.pause(ElderStatus.HOSPITALISED, date(2026, 12, 14))
    state.resume(date(2026, 12, 18))
    miss = Miss(
        elder.elder_id, elder.community_id, Tier.T2, MissKind.CADENCE,
        deadline=date(2026, 12, 20), since=date(2026, 12, 2),
    )  # fmt: skip
    run.evidence[elder.elder_id].attempts.append((date(2026, 12, 14), "hospitalised"))
    assert cause_of(miss, run) == "hospitalised part of month"
    home_longer = replace(miss, deadline=date(2026, 12, 24))  # Monday 21 to Thursday 24
    assert cause_of(home_longer, run) == "never planned"
