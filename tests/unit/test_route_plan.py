"""A day's candidates: the horizon's share, retries at another time of day, cover stops."""

from dataclasses import replace
from datetime import date, datetime

from careroute.domain.policy import load_policy
from careroute.domain.retries import RetryPolicy
from careroute.domain.vocabulary import CHINA_TZ, GeoPoint, TimeWindow
from careroute.planning.retry_window import retry_window
from careroute.service_layer.route_plan import plan_day
from careroute.service_layer.route_view import without_personal_data
from tests.builders import a_community
from tests.unit.test_due import STEWARD, T1_ELDER, T3_ELDER

POLICY = load_policy()
HOME = a_community()
TUESDAY = date(2026, 12, 8)


def test_a_retry_avoids_the_hour_of_the_failed_attempt() -> None:
    failed = datetime(2026, 12, 7, 9, 0, tzinfo=CHINA_TZ)
    elder = replace(T1_ELDER, last_visited_on=date(2026, 12, 1), last_attempt_at=failed)
    assert retry_window(elder) == TimeWindow.parse("10:00", "17:00")
    afternoon = replace(elder, last_attempt_at=failed.replace(hour=15))
    assert retry_window(afternoon) == TimeWindow.parse("08:30", "14:00")
    visited_since = replace(elder, last_visited_on=date(2026, 12, 7))
    assert retry_window(visited_since) is None


def test_the_days_route_marks_retries_and_cover_stops() -> None:
    failed = datetime(2026, 12, 7, 9, 0, tzinfo=CHINA_TZ)
    own = replace(
        T1_ELDER, elder_id="E1", last_visited_on=date(2026, 12, 1), last_attempt_at=failed
    )
    neighbour = replace(
        T3_ELDER,
        elder_id="E9",
        community_id="C2",
        location=GeoPoint(41.801, 123.401),
        last_visited_on=date(2026, 11, 3),
    )
    day = plan_day(HOME, STEWARD, [own], TUESDAY, POLICY, cover=[neighbour])
    assert day is not None
    stops = {s["elder_id"]: s for s in day.document["stops"]}
    assert stops["E1"]["retry"] and not stops["E1"]["cover"]
    assert stops["E1"]["appointment"] and not stops["E9"]["appointment"]  # booked by phone
    assert stops["E1"]["window"] == {"start": "10:00", "end": "17:00"}
    assert stops["E1"]["mandatory"]  # deadline today (7 days after the last visit)
    assert stops["E9"]["cover"] and stops["E9"]["community_id"] == "C2"
    assert not stops["E9"]["mandatory"]
    assert day.document["stats"]["cover"] == 1 and day.document["stats"]["retries"] == 1


def test_no_route_on_a_public_holiday_or_leave_day() -> None:
    elder = replace(T1_ELDER, last_visited_on=date(2026, 12, 1))
    assert plan_day(HOME, STEWARD, [elder], TUESDAY, POLICY, holidays=frozenset({TUESDAY})) is None
    away = replace(STEWARD, leave=frozenset({TUESDAY}))
    assert plan_day(HOME, away, [elder], TUESDAY, POLICY) is None


def test_the_stored_route_names_the_elders_and_the_export_copy_does_not() -> None:
    elder = replace(T1_ELDER, last_visited_on=date(2026, 12, 1))
    day = plan_day(HOME, STEWARD, [elder], TUESDAY, POLICY)
    assert day is not None
    stop = day.document["stops"][0]
    assert (stop["name"], stop["address"]) == (elder.name, elder.address)
    exported = without_personal_data(day.document)
    assert "name" not in exported["stops"][0] and "address" not in exported["stops"][0]
    assert exported["stops"][0]["elder_id"] == elder.elder_id
    assert day.document["stops"][0]["name"] == elder.name  # the original is left alone


def test_a_stop_lists_the_elders_tasks_such_as_a_benefit_notice() -> None:
    elder = replace(
        T1_ELDER, last_visited_on=date(2026, 12, 1), benefit_tasks=frozenset({"high_age_90"})
    )
    day = plan_day(HOME, STEWARD, [elder], TUESDAY, POLICY)
    assert day is not None
    assert day.document["stops"][0]["tasks"] == ["high_age_90"]


def test_a_retry_is_no_appointment_when_the_policy_books_none() -> None:
    failed = datetime(2026, 12, 7, 9, 0, tzinfo=CHINA_TZ)
    elder = replace(T1_ELDER, last_visited_on=date(2026, 12, 1), last_attempt_at=failed)
    unbooked = replace(POLICY, retries=RetryPolicy(book_appointment=False))
    day = plan_day(HOME, STEWARD, [elder], TUESDAY, unbooked)
    assert day is not None
    [stop] = day.document["stops"]
    assert stop["retry"] and not stop["appointment"]
