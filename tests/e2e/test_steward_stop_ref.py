"""The steward's page, in headless Chromium, sends each stop's `stop_ref` back with the stop's
outcome, as the route read gave it, and an API container that has not kept the route stores
the outcome from it once, with the stop's tier.

Chromium is Debian's, driven by playwright, as in test_web_pages.py."""

from __future__ import annotations

import json
from typing import Any

import pytest

from careroute.adapters.dynamodb.visits import all_visits
from careroute.domain.vocabulary import Registry
from careroute.service_layer import visits
from careroute.service_layer.route_elders import drop_route
from careroute_local.pump import EventPump
from tests.conftest import PLAN_DATE
from tests.e2e.web_pages import PHONE, http, open_page

pytestmark = pytest.mark.e2e


def test_the_page_posts_the_stops_reference_with_its_outcome(
    served: tuple[EventPump, str],
    small_city: Registry,
    browser: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, url = served
    steward = small_city.stewards[2].steward_id
    token = served[0].issuer.token("steward", steward)
    route = http("GET", f"{url}/stewards/{steward}/routes/{PLAN_DATE}", token)
    stop = next(s for s in route["stops"] if s["stop_ref"])

    ctx, page, _ = open_page(
        browser, f"{url}/app/steward.html#date={PLAN_DATE}&token={token}", viewport=PHONE
    )
    item = page.locator(f"ol#stops > li[data-elder='{stop['elder_id']}']")
    item.wait_for()
    drop_route(steward, PLAN_DATE)  # the outcome reaches a container that has not read it
    routes_taken: list[str] = []
    kept_or_read = visits.route_elders

    def route_elders(routes: Any, steward_id: str, day: Any) -> Any:
        routes_taken.append(steward_id)
        return kept_or_read(routes, steward_id, day)

    monkeypatch.setattr(visits, "route_elders", route_elders)
    item.locator("summary").click()
    item.locator("select[name=outcome]").select_option("visited")
    posted = lambda r: r.request.method == "POST" and r.url.endswith("/visits")  # noqa: E731
    with page.expect_response(posted) as answered:
        item.locator("button[type=submit]").click()
    assert answered.value.status == 201
    body = json.loads(answered.value.request.post_data or "{}")
    assert (body["elder_id"], body["stop_ref"]) == (stop["elder_id"], stop["stop_ref"])
    page.get_by_test_id("outbox-count").filter(has_text="0").wait_for()
    stored = [(v.elder_id, v.tier.value) for v in all_visits() if v.steward_id == steward]
    assert stored == [(stop["elder_id"], stop["tier"])]
    assert routes_taken == []  # recorded from the reference, not from the route
    ctx.close()
