"""The steward's page for elders in hospital, in headless Chromium: "hospitalised" offers the
city's hospitals nearest to the stop first (and "unknown"), even with no signal, and posts the
one picked as the outcome's stay; a stop the route plans at a hospital says "在医院: <place>",
and its "visited" posts the same stay.

Chromium is Debian's, driven by playwright, as in test_web_pages.py."""

from __future__ import annotations

import json
from typing import Any

import pytest

from careroute.adapters.dynamodb import registry
from careroute.adapters.dynamodb.visits import all_visits
from careroute.domain.vocabulary import ElderStatus, GeoPoint, Registry, Stay, VisitRecord
from careroute_local.pump import EventPump
from tests.conftest import PLAN_DATE, china_now
from tests.e2e.web_pages import PHONE, http, open_page

pytestmark = pytest.mark.e2e


def route_of(url: str, token: str, steward: str) -> dict[str, Any]:
    route = http("GET", f"{url}/stewards/{steward}/routes/{PLAN_DATE}", token)
    assert route["stops"], steward
    return dict(route)


def visits_of(steward: str) -> list[VisitRecord]:
    return [v for v in all_visits() if v.steward_id == steward]


def project(pump: EventPump) -> None:
    """The projector's turn: the elders' status and stay follow the visits stored."""
    assert pump.drain_stream("VisitsTable").failed == 0


def test_hospitalised_offers_the_nearest_hospitals_offline_and_posts_the_one_picked(
    served: tuple[EventPump, str], small_city: Registry, browser: Any
) -> None:
    """Online once (the page and the hospitals kept), then with no signal: the stop's
    "hospitalised" offers "unknown", then every hospital nearest to the elder's home first;
    the one picked is queued, and sent as the stay once back online: the elder is stored
    hospitalised there."""
    pump, url = served
    steward = small_city.stewards[3].steward_id
    token = pump.issuer.token("steward", steward)
    stop = route_of(url, token, steward)["stops"][0]
    near = http("GET", f"{url}/hospitals?near={stop['lat']},{stop['lng']}", token)["hospitals"]

    ctx, page, console = open_page(
        browser, f"{url}/app/steward.html#date={PLAN_DATE}&token={token}", viewport=PHONE
    )
    page.wait_for_selector("body[data-offline-ready='yes']")
    item = page.locator(f"ol#stops > li[data-elder='{stop['elder_id']}']")
    item.wait_for()
    ctx.set_offline(True)
    page.reload()
    item.wait_for()  # the route and the hospitals, from the phone's copy
    item.locator("summary").click()
    choice = item.get_by_test_id("hospital")
    assert not choice.is_visible()  # only for "hospitalised"
    item.locator("select[name=outcome]").select_option("hospitalised")
    assert choice.is_visible()
    offered = choice.locator("option").evaluate_all("os => os.map(o => [o.value, o.text])")
    assert offered[0] == ["", "不清楚"]
    assert [value for value, _ in offered[1:]] == [h["hospital_id"] for h in near]
    assert offered[1][1] == f"{near[0]['name']} · {near[0]['distance_m'] / 1000:.1f} km"
    choice.select_option(near[0]["hospital_id"])
    item.locator("button[type=submit]").click()
    page.get_by_test_id("outbox-count").filter(has_text="1").wait_for()
    assert visits_of(steward) == []

    ctx.set_offline(False)
    page.get_by_test_id("outbox-count").filter(has_text="0").wait_for()
    hospital = Stay(near[0]["name"], GeoPoint(near[0]["lat"], near[0]["lng"]))
    assert [(v.outcome.value, v.stay) for v in visits_of(steward)] == [("hospitalised", hospital)]
    project(pump)
    elder = registry.get_elder(stop.get("community_id", small_city.communities[0].community_id),
                               stop["elder_id"])  # fmt: skip
    assert (elder.status, elder.stay) == (ElderStatus.HOSPITALISED, hospital)
    assert [e for e in console.errors if "Failed to load resource" not in e] == []
    ctx.close()


def test_a_stop_planned_at_a_hospital_says_so_and_its_visit_posts_the_same_stay(
    served: tuple[EventPump, str], small_city: Registry, browser: Any
) -> None:
    """Given an elder recorded hospitalised at a hospital and a route whose stop carries that
    stay (its point the hospital's, as the planner writes it), the stop shows "在医院: <place>"
    and "visited" posts the stay: the elder stays hospitalised there."""
    pump, url = served
    steward = small_city.stewards[4].steward_id
    token = pump.issuer.token("steward", steward)
    route = route_of(url, token, steward)
    stop = route["stops"][0]
    ward = {"place": "沈阳市第一人民医院", "lat": 41.809505, "lng": 123.40265}
    found = {"elder_id": stop["elder_id"], "outcome": "hospitalised", "stay": ward,
             "visited_at": china_now().isoformat()}  # fmt: skip
    http("POST", f"{url}/visits", token, found, key=f"ward-{stop['elder_id']}")
    project(pump)

    ctx, page, console = open_page(
        browser,
        f"{url}/app/steward.html#date={PLAN_DATE}&token={token}",
        viewport=PHONE,
        service_workers="block",  # the route below is the page's own request, not the worker's
    )

    def planned_at_the_ward(request: Any) -> None:
        """The route as the planner gives a stop at a hospital: its stay, its point there."""
        answer = request.fetch()
        document = answer.json()
        first = document["stops"][0]
        first["stay"] = first.get("stay") or ward  # the planner's own, once it plans stays
        first.update(lat=first["stay"]["lat"], lng=first["stay"]["lng"])
        request.fulfill(response=answer, body=json.dumps(document))

    page.route(f"**/stewards/{steward}/routes/*", planned_at_the_ward)
    page.reload()
    item = page.locator(f"ol#stops > li[data-elder='{stop['elder_id']}']")
    item.get_by_test_id("stay").filter(has_text="在医院: 沈阳市第一人民医院").wait_for()
    item.locator("summary").click()
    item.locator("select[name=outcome]").select_option("visited")
    item.locator("button[type=submit]").click()
    page.get_by_test_id("outbox-count").filter(has_text="0").wait_for()
    item.get_by_test_id("state").filter(has_text="已记录").wait_for()

    stay = Stay(ward["place"], GeoPoint(ward["lat"], ward["lng"]))
    outcomes = [(v.outcome.value, v.stay) for v in visits_of(steward)]
    assert sorted(outcomes) == [("hospitalised", stay), ("visited", stay)]
    project(pump)
    elder = registry.get_elder(route["community_id"], stop["elder_id"])
    assert (elder.status, elder.stay) == (ElderStatus.HOSPITALISED, stay)
    assert [e for e in console.errors if "Failed to load resource" not in e] == []
    ctx.close()
