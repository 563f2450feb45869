"""The month's capacity forecast: visits the rules ask for, hours available, and who helps."""

from dataclasses import replace
from datetime import date

import pytest

from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import Community, GeoPoint, Registry, Tier
from careroute.planning.capacity import (
    Assumptions,
    Help,
    daily_tour_minutes,
    first_try_share,
    forecast,
    steward_minutes_per_day,
    visits_required,
)
from tests.unit.test_due import STEWARD, T1_ELDER, T3_ELDER

POLICY = load_policy()
DECEMBER = date(2026, 12, 1)
LAST = date(2026, 12, 31)


def community(community_id: str, street_id: str, lng: float) -> Community:
    return Community(
        community_id, community_id, street_id, "街道", "D1", "区", GeoPoint(41.8, lng), 400
    )


def registry(elders_per_community: dict[str, int], streets: dict[str, str]) -> Registry:
    """One steward per community; each community's elders are weekly (T1) elders."""
    communities = tuple(
        community(cid, streets[cid], 123.40 + 0.01 * k) for k, cid in enumerate(streets)
    )
    stewards = tuple(replace(STEWARD, steward_id=f"W-{c}", community_id=c) for c in streets)
    elders = tuple(
        replace(T1_ELDER, elder_id=f"{c}-{n}", community_id=c, street_id=streets[c])
        for c, count in elders_per_community.items()
        for n in range(count)
    )
    return Registry(communities, stewards, elders)


def test_a_weekly_elder_needs_a_visit_each_seven_days_from_the_last_one() -> None:
    visited = replace(T1_ELDER, last_visited_on=date(2026, 11, 28))
    assert visits_required(visited, Tier.T1, DECEMBER, LAST, POLICY) == 4  # 5, 12, 19, 26
    never = replace(T1_ELDER, last_visited_on=None)
    assert visits_required(never, Tier.T1, DECEMBER, LAST, POLICY) == 5  # 1, 8, ..., 29
    # Last seen five weeks before: the visits until December kept the cadence's days.
    earlier = replace(T1_ELDER, last_visited_on=date(2026, 10, 31))
    assert visits_required(earlier, Tier.T1, DECEMBER, LAST, POLICY) == 4  # 5, 12, 19, 26


def test_a_monthly_elder_needs_one_visit() -> None:
    visited = replace(T3_ELDER, last_visited_on=date(2026, 11, 3))
    assert visits_required(visited, Tier.T3, DECEMBER, LAST, POLICY) == 1


def test_a_monthly_elder_visited_this_month_needs_no_more_visits_in_it() -> None:
    visited = replace(T3_ELDER, last_visited_on=date(2026, 12, 3))
    assert visits_required(visited, Tier.T3, date(2026, 12, 10), LAST, POLICY, True) == 0
    waiting = replace(T3_ELDER, last_visited_on=date(2026, 11, 20))
    assert visits_required(waiting, Tier.T3, date(2026, 12, 10), LAST, POLICY, True) == 1
    # The month's forecast, read on any day of it, counts the month's visit all the same.
    assert visits_required(visited, Tier.T3, DECEMBER, LAST, POLICY) == 1


def share_on(day: date, city: Registry, community_id: str) -> float:
    """The first-try share of the community's steward planning `day`."""
    home = next(c for c in city.communities if c.community_id == community_id)
    steward = next(s for s in city.stewards if s.community_id == community_id)
    elders = [e for e in city.elders if e.community_id == community_id]
    return first_try_share(home, steward, elders, day, POLICY)


def test_a_community_short_of_hours_plans_first_tries_into_the_share_retries_leave() -> None:
    """Given C1 with 90 weekly elders (more than its steward's month holds with retries) and
    C2 with 10, C1's first tries fill the attempt success rate's share of each day (the
    rest is kept for retries and its overflow goes to neighbours), C2's whole days."""
    city = registry({"C1": 90, "C2": 10}, {"C1": "S1", "C2": "S1"})
    assert share_on(DECEMBER, city, "C1") == Assumptions().attempt_success == 0.85
    assert share_on(DECEMBER, city, "C2") == 1.0


def test_a_short_community_whose_month_is_mostly_done_plans_whole_days_again() -> None:
    """Given 400 monthly elders, short on the 1st; by the 21st all but 20 visited: the rest
    of the month fits, so the steward plans whole days again."""
    city = registry({}, {"C1": "S1"})
    elders = tuple(
        replace(T3_ELDER, elder_id=f"C1-{n}", community_id="C1", street_id="S1") for n in range(400)
    )
    start = replace(city, elders=elders)
    assert share_on(DECEMBER, start, "C1") < 1.0
    done = tuple(
        replace(e, last_visited_on=date(2026, 12, 2 + n % 18)) if n >= 20 else e
        for n, e in enumerate(elders)
    )
    assert share_on(date(2026, 12, 21), replace(city, elders=done), "C1") == 1.0


def test_a_stewards_day_is_the_shift_less_the_lunch_break() -> None:
    assert steward_minutes_per_day(STEWARD) == 8 * 60 + 30 - 90


def test_hours_available_follow_working_days_holidays_and_leave() -> None:
    city = registry({"C1": 10}, {"C1": "S1"})
    never_sick = Assumptions(absence_share=0)
    plain = forecast(DECEMBER, city, POLICY, assumptions=never_sick).communities[0]
    assert plain.visit_slots == 23 * STEWARD.max_visits_per_day  # 23 weekdays in December 2026
    holiday = [date(2026, 12, 25)]
    with_holiday = forecast(DECEMBER, city, POLICY, holiday, never_sick).communities[0]
    away = replace(city.stewards[0], leave=frozenset({date(2026, 12, 7), date(2026, 12, 8)}))
    on_leave = forecast(
        DECEMBER, replace(city, stewards=(away,)), POLICY, assumptions=never_sick
    ).communities[0]
    per_day = steward_minutes_per_day(STEWARD) * Assumptions().usable_share
    assert plain.minutes_available - with_holiday.minutes_available == pytest.approx(per_day, 1)
    assert plain.minutes_available - on_leave.minutes_available == pytest.approx(2 * per_day, 1)


def test_retries_make_the_month_heavier_as_the_success_rate_falls() -> None:
    city = registry({"C1": 20}, {"C1": "S1"})
    easy = forecast(DECEMBER, city, POLICY, assumptions=Assumptions(attempt_success=1.0))
    hard = forecast(DECEMBER, city, POLICY, assumptions=Assumptions(attempt_success=0.5))
    assert easy.communities[0].tries_expected == easy.communities[0].visits_required == 100
    assert hard.communities[0].tries_expected == 200
    assert hard.communities[0].minutes_required > 1.9 * easy.communities[0].minutes_required


def test_a_short_community_is_flagged_and_helped_by_its_street_before_the_district() -> None:
    streets = {"C1": "S1", "C2": "S1", "C3": "S2"}
    city = registry({"C1": 90, "C2": 10, "C3": 5}, streets)
    month = forecast(DECEMBER, city, POLICY)
    short, neighbour, other_street = month.communities
    assert not short.unaided and neighbour.unaided and other_street.unaided
    assert [c.community_id for c in month.flagged_communities] == ["C1"]
    # The neighbour in the street gives all it can spare first, then the district's pool.
    assert short.help == (
        Help("C2", neighbour.spare_minutes, "street", "C2"),
        Help("C3", other_street.spare_minutes, "district", "C3"),
    )
    assert short.uncovered_minutes == short.shortfall_minutes - sum(h.minutes for h in short.help)
    assert short.uncovered_minutes > 0  # 90 weekly elders are too many even with both helpers
    assert [s.street_id for s in month.flagged_streets] == ["S1"]


def test_a_street_whose_neighbours_cover_the_short_community_is_not_flagged() -> None:
    """Given 40 weekly elders in C1 (short by about 1,400 minutes) and a quiet C2 in the same
    street, C1 is flagged, its whole shortfall comes from C2, and the street is not flagged."""
    month = forecast(DECEMBER, registry({"C1": 40, "C2": 10}, {"C1": "S1", "C2": "S1"}), POLICY)
    short, neighbour = month.communities
    assert neighbour.unaided
    assert short.shortfall_minutes > 0 and short.uncovered_minutes == 0
    assert short.help == (Help("C2", short.shortfall_minutes, "street", "C2"),)
    (street,) = month.streets
    assert street.shortfall_minutes == street.street_help_minutes == short.shortfall_minutes
    assert street.unaided and month.flagged_streets == ()
    assert month.help_minutes == month.shortfall_minutes


def test_a_helper_gives_no_more_tries_than_its_daily_visit_limit_leaves_room_for() -> None:
    """Given a neighbour with hours to spare but a steward who makes at most 3 visits a day,
    its help is its spare visit slots times the short community's minutes per try."""
    city = registry({"C1": 40, "C2": 10}, {"C1": "S1", "C2": "S1"})
    busy = replace(city.stewards[1], max_visits_per_day=3)
    month = forecast(DECEMBER, replace(city, stewards=(city.stewards[0], busy)), POLICY)
    short, neighbour = month.communities
    assert 0 < neighbour.spare_slots < 20 and neighbour.spare_minutes > short.shortfall_minutes
    expected = int(neighbour.spare_slots * short.minutes_per_try)
    assert short.help == (Help("C2", expected, "street", "C2"),)
    assert short.uncovered_minutes == short.shortfall_minutes - expected > 0
    assert not month.streets[0].unaided


def test_a_days_round_grows_with_the_square_root_of_its_points_office_included() -> None:
    """3 stops and the office are 4 points, 15 stops and the office 16: half the tour."""
    place = community("C1", "S1", 123.4)
    short_day = daily_tour_minutes(place, 3, POLICY, STEWARD)
    long_day = daily_tour_minutes(place, 15, POLICY, STEWARD)
    assert short_day == pytest.approx(long_day / 2)
    assert daily_tour_minutes(place, 0, POLICY, STEWARD) == 0


def test_an_impossible_assumption_is_refused() -> None:
    with pytest.raises(ValueError, match="attempt_success"):
        Assumptions(attempt_success=0)
    with pytest.raises(ValueError, match="usable_share"):
        Assumptions(usable_share=1.5)


def test_the_days_expected_lost_to_sickness_come_off_the_hours_and_slots() -> None:
    city = registry({"C1": 10}, {"C1": "S1"})
    never_sick = forecast(DECEMBER, city, POLICY, assumptions=Assumptions(absence_share=0))
    harsh = forecast(DECEMBER, city, POLICY, assumptions=Assumptions(absence_share=0.1))
    [healthy], [sickly] = never_sick.communities, harsh.communities
    assert sickly.visit_slots == int(23 * 0.9 * STEWARD.max_visits_per_day)
    assert sickly.minutes_available == pytest.approx(0.9 * healthy.minutes_available, abs=1)
    assert Assumptions().absence_share == 0.04  # the default 2 % a day, one to three days
    with pytest.raises(ValueError, match="absence_share"):
        Assumptions(absence_share=1)
