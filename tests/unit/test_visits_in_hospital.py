"""Visits in hospital: an elder in hospital where the steward recorded gets the month's visit
there, on the first working day with room, once; not when the month is covered already, not
when the policy keeps stewards out of hospitals, and never for an elder in hospital unknown."""

from dataclasses import replace
from datetime import date

from careroute.domain.due import WorkCalendar
from careroute.domain.policy import load_policy
from careroute.domain.stays import StayPolicy
from careroute.domain.vocabulary import ElderStatus, GeoPoint, Stay
from careroute.planning.horizon import DayCapacity, plan_horizon
from careroute.service_layer.route_plan import plan_day
from tests.builders import a_community
from tests.unit.test_due import STEWARD, T1_ELDER, T3_ELDER

POLICY = load_policy()
ROOMY = DayCapacity(visits=16, minutes=420, travel_minutes_per_visit=8)
HOME = a_community()
MONDAY = date(2026, 12, 14)
WARD = Stay("市第一医院", GeoPoint(41.812, 123.412))
IN_HOSPITAL = replace(
    T3_ELDER,
    elder_id="E7",
    status=ElderStatus.HOSPITALISED,
    stay=WARD,
    last_visited_on=date(2026, 11, 20),
)


def _days(elders: list, policy=POLICY) -> dict[str, list[date]]:
    plan = plan_horizon(elders, WorkCalendar.of(STEWARD), MONDAY, policy, ROOMY)
    days: dict[str, list[date]] = {}
    for visit in plan.visits:
        days.setdefault(visit.elder.elder_id, []).append(visit.day)
    return days


def test_an_elder_in_hospital_is_visited_there_once_on_the_first_day_with_room() -> None:
    weekly = replace(T1_ELDER, elder_id="E1", status=ElderStatus.HOSPITALISED, stay=WARD)
    days = _days([IN_HOSPITAL, weekly])
    assert days == {"E7": [MONDAY], "E1": [MONDAY]}  # the month's visit only, no cadence


def test_no_visit_in_hospital_if_the_month_is_covered_the_stay_unknown_or_the_policy_no() -> None:
    covered = replace(IN_HOSPITAL, last_visited_on=date(2026, 12, 2))
    unknown = replace(IN_HOSPITAL, elder_id="E8", stay=None)
    assert _days([covered, unknown]) == {}
    no_hospitals = replace(POLICY, stays=StayPolicy(visit_in_hospital=False))
    assert _days([IN_HOSPITAL], no_hospitals) == {}


def test_the_route_goes_to_the_hospital_and_says_so() -> None:
    day = plan_day(HOME, STEWARD, [IN_HOSPITAL], MONDAY, POLICY)
    assert day is not None
    [stop] = day.document["stops"]
    assert (stop["lat"], stop["lng"]) == (WARD.location.lat, WARD.location.lng)
    assert stop["stay"] == {"place": "市第一医院", "lat": 41.812, "lng": 123.412}
    assert stop["address"] == IN_HOSPITAL.address  # the home address stays the elder's own
