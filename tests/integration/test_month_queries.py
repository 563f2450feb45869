"""Every route that takes a month (YYYY-MM) answers 422 naming the month for an impossible
one (year 0000, a month 13, a year at the ends of the calendar), through the real handlers
and API Gateway events."""

from __future__ import annotations

import pytest

from careroute_local.pump import EventPump
from tests.conftest import bearer

MONTH_ROUTES = [
    "/coverage?scope=city",
    "/coverage/daily?scope=city",
    "/oversight/orders?scope=city",
    "/oversight/capacity?scope=city",
    "/inspections/progress?scope=city",
    "/incident-report?scope=city",
    "/incidents?scope=city",
]


@pytest.mark.parametrize(
    "month",
    [
        "0000-12",
        "0001-01",
        "1899-12",
        "3000-01",
        "9999-12",
        "2026-00",
        "2026-13",
        "26-12",
        "2026-1",
    ],
)
@pytest.mark.parametrize("path", MONTH_ROUTES)
def test_an_impossible_month_is_422_naming_the_month(
    session_pump: EventPump, path: str, month: str
) -> None:
    response = session_pump.invoke_http(
        "GET", f"{path}&month={month}", headers=bearer(session_pump, "city_admin")
    )
    assert response.status == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert "month" in error["message"] and "YYYY-MM" in error["message"], error["message"]


@pytest.mark.parametrize("path", MONTH_ROUTES)
def test_real_months_are_accepted(loaded_stack: EventPump, path: str) -> None:
    for month in ("2026-12", "1900-01", "2999-12"):
        response = loaded_stack.invoke_http(
            "GET", f"{path}&month={month}", headers=bearer(loaded_stack, "city_admin")
        )
        assert response.status == 200, (month, response.text)


@pytest.mark.parametrize("path", ["/inspections/progress?scope=city", "/incidents?scope=city"])
def test_a_month_may_be_left_out_where_it_defaults_to_this_month(
    loaded_stack: EventPump, path: str
) -> None:
    response = loaded_stack.invoke_http("GET", path, headers=bearer(loaded_stack, "city_admin"))
    assert response.status == 200, response.text
