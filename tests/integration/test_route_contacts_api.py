"""The steward's own route read over HTTP gives the numbers to call (the elder's phone, the
guardian's name and phone) as the registry had them when the route was planned: a change
shows from the next plan on. Another steward is refused; no log line carries a number."""

from __future__ import annotations

import io
from dataclasses import replace

from careroute.adapters.dynamodb import registry
from careroute.domain.vocabulary import Registry
from careroute_local.pump import EventPump
from tests.conftest import PLAN_DATE, bearer
from tests.integration.planned_day import plan_the_day, read_route

PHONE, GUARDIAN_PHONE = "13800000001", "13900000002"


def test_the_stewards_route_carries_the_numbers_of_its_plan_and_no_log_does(
    loaded_stack: EventPump, small_city: Registry, handler_logs: io.StringIO
) -> None:
    plan_the_day(loaded_stack)
    steward = small_city.stewards[0]
    first = read_route(loaded_stack, steward.steward_id).json()["stops"][0]
    elder = registry.get_elder(steward.community_id, first["elder_id"])
    registry.save_elders(
        [replace(elder, phone=PHONE, guardian="张明 (儿子)", guardian_phone=GUARDIAN_PHONE)]
    )

    before_next_plan = read_route(loaded_stack, steward.steward_id).json()["stops"][0]
    plan_the_day(loaded_stack)  # the next plan (or a re-plan) of the day
    response = read_route(loaded_stack, steward.steward_id)

    assert before_next_plan["elder_id"] == elder.elder_id and before_next_plan["phone"] is None
    assert response.status == 200, response.text
    called, *others = response.json()["stops"]
    assert called["elder_id"] == elder.elder_id
    assert (called["phone"], called["guardian"], called["guardian_phone"]) == (
        PHONE, "张明 (儿子)", GUARDIAN_PHONE,
    )  # fmt: skip
    assert others and all(s["phone"] is None and s["guardian_phone"] is None for s in others)
    other = small_city.stewards[1].steward_id
    refused = loaded_stack.invoke_http(
        "GET",
        f"/stewards/{steward.steward_id}/routes/{PLAN_DATE.isoformat()}",
        headers=bearer(loaded_stack, "steward", other),
    )
    assert refused.status == 403 and PHONE not in refused.text
    logs = handler_logs.getvalue()
    assert logs and PHONE not in logs and GUARDIAN_PHONE not in logs
