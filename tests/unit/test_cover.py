"""Cover for absent stewards: what must be covered, and who takes it."""

from dataclasses import replace
from datetime import date, timedelta

from careroute.domain.due import WorkCalendar
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import Community, GeoPoint, Tier
from careroute.planning.absence_cover import (
    CoverVisit,
    Workload,
    assign_cover,
    helper_day,
    return_day,
    visits_to_cover,
    visits_to_offload,
)
from careroute.planning.horizon import DayCapacity
from tests.unit.test_due import STEWARD, T1_ELDER, T2_ELDER, T3_ELDER

POLICY = load_policy()
ROOMY = DayCapacity(visits=16, minutes=420, travel_minutes_per_visit=8)
MONDAY = date(2026, 12, 7)


def community(community_id: str, lng: float) -> Community:
    return Community(community_id, community_id, "S1", "街道", "D1", "区", GeoPoint(41.8, lng), 400)


def test_the_steward_comes_back_on_the_first_working_day_after_the_leave() -> None:
    away = replace(STEWARD, leave=frozenset({MONDAY, MONDAY + timedelta(days=1)}))
    assert return_day(WorkCalendar.of(away), MONDAY) == MONDAY + timedelta(days=2)
    friday = MONDAY + timedelta(days=4)
    assert return_day(WorkCalendar.of(STEWARD), friday) == MONDAY + timedelta(days=7)


def test_only_visits_that_cannot_wait_for_the_return_are_covered() -> None:
    weekly = replace(T1_ELDER, elder_id="E1", last_visited_on=MONDAY - timedelta(days=7))
    monthly = replace(T3_ELDER, elder_id="E2", last_visited_on=date(2026, 11, 3))
    a_week_away = frozenset(MONDAY + timedelta(days=k) for k in range(5))
    workload = Workload(
        community("C1", 123.40), replace(STEWARD, leave=a_week_away), [weekly, monthly], ROOMY
    )
    covered = visits_to_cover(workload, MONDAY, frozenset(), POLICY)
    # due today: pressing; the monthly one can wait, offered only where a helper has room
    assert [v.elder_id for v in covered if v.pressing] == ["E1"]
    assert all(v.deadline > MONDAY + timedelta(days=7) for v in covered if not v.pressing)
    one_day = replace(workload, steward=replace(STEWARD, leave=frozenset({MONDAY})))
    pressing = [v for v in visits_to_cover(one_day, MONDAY, frozenset(), POLICY) if v.pressing]
    assert [v.elder_id for v in pressing] == ["E1"]
    assert visits_to_cover(workload, MONDAY, frozenset({MONDAY}), POLICY) == []  # a holiday


def test_cover_goes_to_the_nearest_stewards_at_work_within_their_daily_share() -> None:
    places = {
        "C1": community("C1", 123.400),
        "C2": community("C2", 123.405),  # nearest to C1
        "C3": community("C3", 123.420),
        "C4": community("C4", 123.500),  # on leave too: not at work
    }
    visits = [CoverVisit(f"E{i}", "C1", MONDAY) for i in range(7)]
    points = {v.elder_id: GeoPoint(41.8, 123.401) for v in visits}
    plan = assign_cover({"C1": visits}, places, ["C2", "C3"], points, per_steward=3)
    assert [v.elder_id for v in plan.assigned["C2"]] == ["E0", "E1", "E2"]
    assert [v.elder_id for v in plan.assigned["C3"]] == ["E3", "E4", "E5"]
    assert [v.elder_id for v in plan.uncovered] == ["E6"]
    assert "C4" not in plan.assigned and "C1" not in plan.assigned


def test_an_overloaded_steward_hands_out_a_daily_share_of_the_overflow() -> None:
    monthly = [
        replace(T3_ELDER, elder_id=f"E{i:03d}", last_visited_on=date(2026, 11, 2))
        for i in range(60)
    ]
    two_a_day = DayCapacity(visits=2, minutes=420, travel_minutes_per_visit=5)
    workload = Workload(community("C1", 123.40), STEWARD, monthly, two_a_day)
    handed = visits_to_offload(workload, MONDAY, frozenset(), POLICY)
    # The 16 preferred days (7 to 28 December, keeping 3 for retries) hold 32 of the 60
    # visits; 28 overflow over 19 working days left: ceil(28 / 19) = 2 go out today.
    assert len(handed) == 2
    roomy = replace(workload, capacity=ROOMY)
    assert visits_to_offload(roomy, MONDAY, frozenset(), POLICY) == []


def test_every_overflow_visit_whose_last_day_with_a_retry_is_today_goes_out_today() -> None:
    """Four weekly elders due Tuesday, two visits a day: two fit Monday (today), two overflow
    onto their deadline. A daily share would hand out one (two over two days left); both
    go, as tomorrow a not-home would leave no retry."""
    weekly = [
        replace(T1_ELDER, elder_id=f"E{i}", last_visited_on=MONDAY - timedelta(days=6))
        for i in range(4)
    ]
    two_a_day = DayCapacity(visits=2, minutes=420, travel_minutes_per_visit=5)
    workload = Workload(community("C1", 123.40), STEWARD, weekly, two_a_day)
    handed = visits_to_offload(workload, MONDAY, frozenset(), POLICY)
    assert len(handed) == 2
    assert {v.deadline for v in handed} == {MONDAY + timedelta(days=1)}


def test_overflow_left_on_today_goes_out_too_when_today_is_its_last_chance() -> None:
    """Monday 28 December, two visits a day: six weekly elders due 29, 30 and 31 December
    fill the days to the 30th, and three monthly elders not yet visited in December find no
    day that keeps three working days for retries: two overflow onto the 31st, one onto
    today, where the steward's full route would drop it. Today is the last day that keeps
    their retries: all three go to neighbours (the steward's own route leaves them out)."""
    last_chance = date(2026, 12, 28)
    monthly = [
        replace(T3_ELDER, elder_id=f"E{i}", last_visited_on=date(2026, 11, 20)) for i in range(3)
    ]
    weekly = [
        replace(T1_ELDER, elder_id=f"W{day}{i}", last_visited_on=date(2026, 12, day))
        for day in (22, 23, 24)
        for i in range(2)
    ]
    two_a_day = DayCapacity(visits=2, minutes=420, travel_minutes_per_visit=5)
    workload = Workload(community("C1", 123.40), STEWARD, monthly + weekly, two_a_day)
    handed = visits_to_offload(workload, last_chance, frozenset(), POLICY)
    assert sorted(v.elder_id for v in handed) == ["E0", "E1", "E2"]


def test_a_visit_due_on_the_return_day_is_pressing_a_not_home_there_leaves_no_retry() -> None:
    weekly = replace(T1_ELDER, elder_id="E1", last_visited_on=MONDAY - timedelta(days=6))
    sick_monday = replace(STEWARD, leave=frozenset({MONDAY}))
    workload = Workload(community("C1", 123.40), sick_monday, [weekly], ROOMY)
    due_tuesday = [v for v in visits_to_cover(workload, MONDAY, frozenset(), POLICY) if v.pressing]
    assert [(v.elder_id, v.deadline) for v in due_tuesday] == [("E1", MONDAY + timedelta(1))]


def test_cover_goes_to_the_same_street_first_then_the_districts_pool() -> None:
    places = {
        "C1": community("C1", 123.400),
        "C2": replace(community("C2", 123.401), street_id="S2"),  # nearest, another street
        "C3": community("C3", 123.420),  # same street, farther
        "C4": replace(community("C4", 123.402), district_id="D2", street_id="S9"),
    }
    pressing = [CoverVisit(f"E{i}", "C1", MONDAY) for i in range(3)]
    waiting = [CoverVisit("E9", "C1", MONDAY + timedelta(days=20), pressing=False)]
    points = {v.elder_id: GeoPoint(41.8, 123.401) for v in [*pressing, *waiting]}
    plan = assign_cover(
        {"C1": [*waiting, *pressing]}, places, ["C2", "C3", "C4"], points, per_steward=2
    )
    assert [v.elder_id for v in plan.assigned["C3"]] == ["E0", "E1"]  # the street's first
    assert [v.elder_id for v in plan.assigned["C2"]] == ["E2", "E9"]  # then the district's
    assert "C4" not in plan.assigned  # another district
    tight = assign_cover({"C1": [*waiting, *pressing]}, places, ["C3"], points, per_steward=2)
    # a visit that can wait is not "uncovered" when no helper has room for it
    assert [v.elder_id for v in tight.uncovered] == ["E2"]


def test_a_visit_due_later_in_the_absence_is_offered_early_where_there_is_room() -> None:
    # away Monday to Wednesday, back Thursday; one visit a day: E1 (due today) takes Monday,
    # E2 (due Thursday, the return day) is planned for a later day of the absence
    due_today = replace(T1_ELDER, elder_id="E1", last_visited_on=MONDAY - timedelta(days=7))
    due_thursday = replace(T1_ELDER, elder_id="E2", last_visited_on=MONDAY - timedelta(days=4))
    away = frozenset(MONDAY + timedelta(days=k) for k in range(3))
    one_a_day = DayCapacity(visits=1, minutes=420, travel_minutes_per_visit=8)
    absent = replace(STEWARD, leave=away)
    workload = Workload(community("C1", 123.40), absent, [due_today, due_thursday], one_a_day)
    offered = visits_to_cover(workload, MONDAY, frozenset(), POLICY)
    thursday = MONDAY + timedelta(days=3)
    assert [(v.elder_id, v.deadline, v.pressing) for v in offered] == [
        ("E1", MONDAY, True),
        ("E2", thursday, False),  # offered early: a not-home still leaves days to retry
    ]
    places = {"C1": community("C1", 123.40), "C2": community("C2", 123.41)}
    points = {"E1": due_today.location, "E2": due_thursday.location}
    assert assign_cover({"C1": offered}, places, ["C2"], points).assigned["C2"] == offered
    # with no helper at work only the pressing one is "uncovered" (E2 is offered tomorrow)
    assert assign_cover({"C1": offered}, places, [], points).uncovered == offered[:1]


def test_a_helpers_spare_minutes_leave_out_its_own_visits_due_today_or_tomorrow() -> None:
    due_today = replace(T1_ELDER, elder_id="E1", last_visited_on=MONDAY - timedelta(days=7))
    due_tomorrow = replace(T1_ELDER, elder_id="E2", last_visited_on=MONDAY - timedelta(days=6))
    monthly = replace(T3_ELDER, elder_id="E3", last_visited_on=date(2026, 11, 3))
    helper = Workload(community("C2", 123.41), STEWARD, [due_today, due_tomorrow], ROOMY)
    held = 2 * (POLICY.tiers[Tier.T1].service_minutes + ROOMY.travel_minutes_per_visit)
    assert helper_day(helper, MONDAY, frozenset(), POLICY).spare == ROOMY.minutes - held
    # a monthly visit with weeks to spare gives way to cover: it holds no minutes
    with_monthly = replace(helper, elders=[due_today, due_tomorrow, monthly])
    assert helper_day(with_monthly, MONDAY, frozenset(), POLICY).spare == ROOMY.minutes - held
    assert helper_day(helper, MONDAY, frozenset({MONDAY}), POLICY).spare == 0  # a holiday


def test_a_helpers_visit_on_the_last_day_of_its_retry_margin_keeps_its_minutes() -> None:
    # T2 keeps two working days for retries: due Wednesday, Monday is its last day with both
    margin = POLICY.tiers[Tier.T2].retry_days
    wednesday = replace(T2_ELDER, elder_id="E1", last_visited_on=MONDAY - timedelta(days=12))
    thursday = replace(T2_ELDER, elder_id="E2", last_visited_on=MONDAY - timedelta(days=11))
    helper = Workload(community("C2", 123.41), STEWARD, [wednesday, thursday], ROOMY)
    held = POLICY.tiers[Tier.T2].service_minutes + ROOMY.travel_minutes_per_visit
    assert margin == 2
    # Thursday's visit can wait a day and still keep its margin: it gives way to cover
    assert helper_day(helper, MONDAY, frozenset(), POLICY).spare == ROOMY.minutes - held


def test_cover_goes_past_a_full_helper_and_only_a_visit_due_today_may_overfill_one() -> None:
    places = {"C1": community("C1", 123.400), "C2": community("C2", 123.405)}
    places["C3"] = community("C3", 123.420)
    tomorrow = [CoverVisit(f"E{i}", "C1", MONDAY + timedelta(1), minutes=50) for i in range(3)]
    today = CoverVisit("E9", "C1", MONDAY, minutes=50)
    points = {v.elder_id: GeoPoint(41.8, 123.401) for v in [*tomorrow, today]}
    spare = {"C2": 60.0, "C3": 0.0}  # C2, the nearest, has room for one visit
    plan = assign_cover({"C1": tomorrow}, places, ["C2", "C3"], points, spare=spare, day=MONDAY)
    assert [v.elder_id for v in plan.assigned["C2"]] == ["E0"]
    assert [v.elder_id for v in plan.uncovered] == ["E1", "E2"]  # no helper loses a try
    due = assign_cover({"C1": [today]}, places, ["C3"], points, spare=spare, day=MONDAY)
    assert due.assigned["C3"] == [today]  # lost today it would be a miss


def test_cover_goes_to_the_helper_soonest_there_a_bike_before_a_nearer_walker() -> None:
    places = {
        "C1": community("C1", 123.400),
        "C2": community("C2", 123.420),  # ~1.7 km: on foot
        "C3": community("C3", 123.430),  # ~2.5 km: on a bike
    }
    visit = CoverVisit("E1", "C1", MONDAY)
    points = {"E1": places["C1"].location}
    walk, bike = 1.3 * 60 / 4500, 1.3 * 60 / 12000  # minutes per metre
    plan = assign_cover({"C1": [visit]}, places, ["C2", "C3"], points)
    assert list(plan.assigned) == ["C2"]  # without a pace: the nearest
    paced = assign_cover(
        {"C1": [visit]}, places, ["C2", "C3"], points, pace={"C2": walk, "C3": bike}
    )
    assert list(paced.assigned) == ["C3"]
