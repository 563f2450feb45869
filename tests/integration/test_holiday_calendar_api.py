"""`GET /holidays` and `PUT /holidays` through the API handler: the bureau's make-up working days
are stored with its holidays, and a year near today without any calendar is warned about."""

from __future__ import annotations

from datetime import date, datetime, time

from careroute.adapters.china_calendar import PACKAGE_YEARS
from careroute.domain import clock
from careroute.domain.vocabulary import CHINA_TZ
from careroute_local.pump import EventPump
from tests.integration.test_api_registry import call

UNKNOWN = PACKAGE_YEARS.stop  # the first year chinese-calendar does not know (1.11.0: 2027)


def test_make_up_working_days_are_stored_and_read_back(loaded_stack: EventPump) -> None:
    calendar = {
        "holidays": [{"date": f"{UNKNOWN}-02-06", "name": "春节"}],
        "workdays": [{"date": f"{UNKNOWN}-02-20", "name": "春节调休"}],
    }
    assert call(loaded_stack, "PUT", "/holidays", "city_admin", None, body=calendar).status == 200
    answer = call(loaded_stack, "GET", "/holidays", "city_admin", None).json()
    assert {k: answer[k] for k in calendar} == calendar
    twice = {"holidays": [{"date": f"{UNKNOWN}-02-06", "name": "春节"}],
             "workdays": [{"date": f"{UNKNOWN}-02-06", "name": "x"}]}  # fmt: skip
    refused = call(loaded_stack, "PUT", "/holidays", "city_admin", None, body=twice)
    assert refused.status == 422 and "each date may appear once" in refused.text


def test_a_year_the_package_does_not_know_is_warned_about_until_the_bureau_sets_it(
    loaded_stack: EventPump,
) -> None:
    in_that_year = datetime.combine(date(UNKNOWN, 3, 2), time(9), CHINA_TZ)
    with clock.use(lambda: in_that_year):
        call(loaded_stack, "PUT", "/holidays", "city_admin", None, body={"holidays": []})
        [warning] = call(loaded_stack, "GET", "/holidays", "city_admin", None).json()["warnings"]
        assert warning.startswith(f"no holiday calendar for {UNKNOWN}:")
        assert "Monday to Friday" in warning and "PUT /holidays" in warning
        given = {"holidays": [{"date": f"{UNKNOWN}-05-01", "name": "劳动节"}]}
        call(loaded_stack, "PUT", "/holidays", "city_admin", None, body=given)
        assert call(loaded_stack, "GET", "/holidays", "city_admin", None).json()["warnings"] == []
