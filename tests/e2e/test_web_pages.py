"""The web pages in headless Chromium on the local stack: the steward's day and the officials'
dashboard load with no console errors, show what the API says, and an outcome recorded
offline is stored exactly once when the network comes back (the same Idempotency-Key on
every attempt, even when an answer is lost on the way back).

Chromium is Debian's (/usr/bin/chromium, `make test` installs it), driven by the playwright
package; its own browser download is never used. Set CAREROUTE_DOC_SCREENSHOTS=1 to refresh
docs/web-steward.png and docs/web-dashboard.png.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from careroute.adapters.dynamodb.visits import all_visits
from careroute.domain.vocabulary import Registry, VisitRecord
from careroute_local.pump import EventPump
from tests.conftest import PLAN_DATE, china_now
from tests.e2e.web_pages import (
    PHONE,
    Console,
    api_row,
    circle_row,
    http,
    idempotency_keys,
    js_number,
    new_context,
    open_page,
    pct,
    record_outcome,
    rows_of,
    shot,
    signed_in,
    wait_shown,
)

pytestmark = pytest.mark.e2e


def test_the_stewards_page_shows_the_route_the_api_returns(
    served: tuple[EventPump, str], small_city: Registry, browser: Any, tmp_path: Path
) -> None:
    steward = small_city.stewards[0].steward_id
    url, token = signed_in(served, "steward", steward)
    route = http("GET", f"{url}/stewards/{steward}/routes/{PLAN_DATE}", token)
    assert len(route["stops"]) >= 3

    ctx, page, console = open_page(
        browser, f"{url}/app/steward.html#date={PLAN_DATE}&token={token}", viewport=PHONE
    )
    items = page.locator("ol#stops > li")
    items.nth(len(route["stops"]) - 1).wait_for()
    assert items.count() == len(route["stops"])
    shown = [
        {
            "elder_id": items.nth(i).get_attribute("data-elder"),
            "sequence": int(items.nth(i).get_attribute("data-seq") or 0),
            "window": items.nth(i).get_by_test_id("window").inner_text(),
            "arrival": items.nth(i).get_by_test_id("arrival").inner_text(),
            "tier": items.nth(i).get_by_test_id("tier").inner_text(),
            "name": items.nth(i).locator("strong").inner_text(),
        }
        for i in range(items.count())
    ]
    assert shown == [
        {
            "elder_id": s["elder_id"],
            "sequence": s["sequence"],
            "window": f"{s['window']['start']}–{s['window']['end']}",
            "arrival": s["arrival"],
            "tier": s["tier"],
            "name": s["name"],
        }
        for s in route["stops"]
    ]
    # The map numbers the stops in route order and walks depot -> stops -> depot.
    marks = page.locator("#map g.stop")
    assert [marks.nth(i).text_content() for i in range(marks.count())] == [
        str(s["sequence"]) for s in route["stops"]
    ]
    walk = page.locator("#map polyline.walk").get_attribute("points") or ""
    assert len(walk.split()) == len(route["stops"]) + 2
    # The language toggle switches the page to English and back.
    page.click("#lang")
    assert page.locator("h1").inner_text() == "Today's route"
    page.click("#lang")
    assert page.locator("h1").inner_text() == "今日路线"
    shot(page, "web-steward.png", tmp_path, full_page=False)
    assert console.errors == []
    ctx.close()


def test_an_outcome_recorded_offline_is_stored_exactly_once_when_back_online(
    served: tuple[EventPump, str], small_city: Registry, browser: Any
) -> None:
    """Offline: queued. Back online, the first send reaches the API but its answer is lost:
    still queued. The retry carries the same key: accepted, and one visit is stored."""
    steward = small_city.stewards[-1].steward_id
    url, token = signed_in(served, "steward", steward)

    def stored() -> list[VisitRecord]:
        return [v for v in all_visits() if v.steward_id == steward]

    ctx, page, console = open_page(
        browser, f"{url}/app/steward.html#date={PLAN_DATE}&token={token}", viewport=PHONE
    )
    first = page.locator("ol#stops > li").first
    first.wait_for()
    elder = first.get_attribute("data-elder")
    keys = idempotency_keys(page)

    ctx.set_offline(True)
    record_outcome(first, "visited", "offline note")
    page.get_by_test_id("outbox-count").filter(has_text="1").wait_for()
    assert first.get_by_test_id("state").inner_text() == "待发送"
    assert stored() == []

    lost: list[int] = []

    def lose_the_answer(route: Any) -> None:
        response = route.fetch()  # the API stores the visit ...
        lost.append(response.status)
        route.abort("connectionreset")  # ... but the phone never hears back

    ctx.route("**/visits", lose_the_answer)
    ctx.set_offline(False)  # the page's `online` listener sends the queue
    page.wait_for_selector("#outbox-list li[data-attempts='2']")
    assert lost == [201]
    assert page.get_by_test_id("outbox-count").inner_text() == "1"
    assert len(stored()) == 1

    ctx.unroute("**/visits")
    page.click("#send-now")
    page.get_by_test_id("outbox-count").filter(has_text="0").wait_for()
    first.get_by_test_id("state").filter(has_text="已记录").wait_for()
    assert [(v.elder_id, v.outcome.value, v.notes) for v in stored()] == [
        (elder, "visited", "offline note")
    ]
    assert len(keys) >= 2 and len(set(keys)) == 1 and keys[0]
    # Offline attempts fail by design (net::ERR_INTERNET_DISCONNECTED, the reset): nothing else.
    assert [e for e in console.errors if "Failed to load resource" not in e] == []
    ctx.close()


def panel_cells(page: Any, table: str, row: str) -> dict[str, str]:
    """A programme panel's figures on one row of its table, by their column key."""
    cells = page.locator(f"[data-testid={table}] {row} td[data-col]")
    return {
        cells.nth(i).get_attribute("data-col"): cells.nth(i).inner_text()
        for i in range(cells.count())
    }


def test_the_dashboard_shows_the_apis_numbers_from_city_to_community(
    served: tuple[EventPump, str], small_city: Registry, browser: Any, tmp_path: Path
) -> None:
    pump, url = served
    now = china_now().replace(microsecond=0)
    month = now.strftime("%Y-%m")
    for n, steward in enumerate(small_city.stewards[:3]):
        token = pump.issuer.token("steward", steward.steward_id)
        route = http("GET", f"{url}/stewards/{steward.steward_id}/routes/{PLAN_DATE}", token)
        for i, stop in enumerate(route["stops"][: 2 + n]):
            body = {
                "elder_id": stop["elder_id"],
                "outcome": "not_home" if i == 1 else "visited",
                "visited_at": (now - timedelta(minutes=30 - i)).isoformat(),
                "findings": [{"category": "health", "severity": "high"}] if i == 0 else [],
            }
            http("POST", f"{url}/visits", token, body, key=f"dash-{steward.steward_id}-{i:04d}")
    pump.drain_stream("VisitsTable")

    admin = pump.issuer.token("city_admin")
    ctx, page, console = open_page(
        browser,
        f"{url}/app/dashboard.html#month={month}&token={admin}",
        viewport={"width": 1280, "height": 900},
    )
    page.wait_for_selector("body[data-ready='city']")

    city = api_row(url, admin, month, "city")
    assert city["elders_visited"] > 0
    figure = lambda name: page.get_by_test_id(name).inner_text()  # noqa: E731
    assert figure("elders_due") == str(city["elders_due"])
    assert figure("elders_visited") == str(city["elders_visited"])
    assert figure("visits_made") == str(city["visits_made"])
    assert figure("visit_rate") == pct(city["visit_rate"])
    overdue = http("GET", f"{url}/overdue?scope=city", admin)
    assert figure("overdue_count") == str(overdue["count"])
    tickets = http("GET", f"{url}/tickets?scope=city&status=open", admin)
    assert tickets["count"] == 3 and figure("tickets_open") == "3"
    tiers = http("GET", f"{url}/coverage?month={month}&scope=city", admin)["tiers"]
    assert {
        k: (v["elders_due"], v["elders_visited"]) for k, v in rows_of(page, "tiers").items()
    } == {r["tier"]: (str(r["elders_due"]), str(r["elders_visited"])) for r in tiers}
    # The month chart ends where the counters are today.
    assert page.locator("#chart").get_attribute("data-last-all") == str(city["elders_visited"])
    # Every community's outline on the map (Leaflet), its district's outline over it.
    assert page.locator("#map path.community").count() == len(small_city.communities)
    assert page.locator("#map path.outline").count() == len(
        {c.district_id for c in small_city.communities}
    )
    # Inspection progress, from the inspections API, as that API reports it.
    page.wait_for_selector("body[data-inspections='city']")
    progress = http("GET", f"{url}/inspections/progress?scope=city&month={month}", admin)
    assert progress["total"]["due"] > 0
    shown_total = page.locator(
        "[data-testid=inspections-table] tr[data-district='ALL'] td[data-col]"
    )
    assert {
        shown_total.nth(i).get_attribute("data-col"): shown_total.nth(i).inner_text()
        for i in range(shown_total.count())
    } == {k: str(progress["total"][k]) for k in ("due", "done", "done_on_time", "open", "overdue")}
    # Care institutions' beds and stars, from GET /institutions, as that API reports them.
    page.wait_for_selector("body[data-institutions='city'][data-benefits='city']")
    institutions = http("GET", f"{url}/institutions?scope=city", admin)["total"]
    assert institutions["institutions"] > 0
    cells = page.locator("[data-testid=institutions-table] tr[data-district='ALL'] td[data-col]")
    shown_cells = {
        cells.nth(i).get_attribute("data-col"): cells.nth(i).inner_text()
        for i in range(cells.count())
    }
    assert (shown_cells["inst_count"], shown_cells["inst_beds"]) == (
        str(institutions["institutions"]),
        str(institutions["beds"]),
    )
    # Beds, assessments, benefits and the month's programmes, as their APIs report them.
    page.wait_for_selector(
        "body[data-beds='city'][data-assessments='city'][data-programmes='city']"
    )
    beds = http("GET", f"{url}/oversight/beds?scope=city&month={month}", admin)
    shown_beds = panel_cells(page, "beds-table", "tr")
    assert {k: shown_beds[k] for k in ("beds_due", "beds_served", "beds_visits")} == {
        "beds_due": str(beds["beds_due"]),
        "beds_served": str(beds["beds_served"]),
        "beds_visits": str(beds["visits_served"]),
    }
    asked = http("GET", f"{url}/assessments/summary?scope=city", admin)["districts"]
    assert asked
    for district in asked:  # one row per district, no total
        row = f"tr[data-district='{district['district_id']}']"
        shown_asked = panel_cells(page, "assessments-table", row)
        assert (shown_asked["asm_open"], shown_asked["asm_done"]) == (
            str(district["open"]),
            str(district["done"]),
        )
    claims = http("GET", f"{url}/benefits/summary?scope=city&month={month}", admin)["total"]
    shown_claims = panel_cells(page, "benefits-table", "tr[data-district='ALL']")
    assert (shown_claims["ben_claims"], shown_claims["ben_paid"]) == (
        str(claims["claims"]),
        str(claims["yuan_paid"]),
    )
    meals = http("GET", f"{url}/meals/subsidies?scope=city&month={month}", admin)
    meals_row = page.locator("[data-testid=programmes-table] tr[data-programme='prog_meals'] td")
    assert meals_row.nth(1).inner_text() == (
        f"{meals['meals_delivered']} / {meals['meals_dine_in']} / {meals['subsidy_yuan']}"
    )
    page.wait_for_selector("body[data-circle='city'][data-incidents='city']")
    shot(page, "web-dashboard.png", tmp_path)

    # Drill down district -> street: each level's rows are the API's coverage of that scope.
    for level in ("district", "street"):
        shown = rows_of(page, "children")
        assert shown
        for scope, row in shown.items():
            expected = api_row(url, admin, month, scope)
            assert row == {
                "elders_due": str(expected["elders_due"]),
                "elders_visited": str(expected["elders_visited"]),
                "visit_rate": pct(expected["visit_rate"]),
                "visits_made": str(expected["visits_made"]),
            }, scope
        busiest = max(shown, key=lambda s: int(shown[s]["elders_visited"]))
        assert busiest.startswith(f"{level}:")
        page.click(f"#children tr[data-scope='{busiest}']")
        page.wait_for_selector(f"body[data-ready='{busiest}']")
        assert figure("elders_visited") == shown[busiest]["elders_visited"]
    assert console.errors == []
    ctx.close()


def test_officials_see_only_their_own_scope(
    served: tuple[EventPump, str], small_city: Registry, browser: Any
) -> None:
    street = small_city.communities[0].street_id
    url, token = signed_in(served, "street_official", street)
    month = china_now().strftime("%Y-%m")
    ctx, page, console = open_page(browser, f"{url}/app/dashboard.html#month={month}&token={token}")
    page.wait_for_selector(f"body[data-ready='street:{street}']")
    in_street = [c for c in small_city.communities if c.street_id == street]
    assert set(rows_of(page, "children")) == {f"community:{c.community_id}" for c in in_street}
    assert page.locator("#map path.community").count() == len(in_street)
    # The city is not theirs: the API refuses it, whatever the page is asked.
    with pytest.raises(urllib.error.HTTPError) as refused:
        http("GET", f"{url}/map?scope=city", token)
    assert refused.value.code == 403
    assert console.errors == []
    ctx.close()


def test_the_feature_detected_panels_stay_hidden_while_their_apis_do_not_answer(
    served: tuple[EventPump, str], browser: Any
) -> None:
    """Feature detection: without the inspections, service-circle and incidents APIs (404)
    the rest of the dashboard works."""
    url, admin = signed_in(served, "city_admin")
    month = china_now().strftime("%Y-%m")
    ctx = new_context(browser)
    for path in ("inspections/progress", "service-circle", "incidents", "incident-report"):
        ctx.route(f"**/{path}?*", lambda route: route.fulfill(status=404, body="{}"))
    page = ctx.new_page()
    console = Console(page)
    page.goto(f"{url}/app/dashboard.html#month={month}&token={admin}")
    wait_shown(
        page, "body[data-inspections='city'][data-circle='city'][data-incidents='city']", console
    )
    for panel in ("inspections", "incidents"):
        assert page.get_by_test_id(panel).is_hidden(), panel
    # The circle's figures come with the coverage report: only the ids outside (streets and
    # communities) need GET /service-circle.
    assert page.get_by_test_id("circle").is_visible()
    assert page.get_by_test_id("elders_due").inner_text() == str(
        api_row(url, admin, month, "city")["elders_due"]
    )
    assert console.errors == []
    ctx.close()


def test_the_circle_and_incident_panels_show_the_apis_numbers_at_every_level(
    served: tuple[EventPump, str], small_city: Registry, browser: Any
) -> None:
    """The service circle from city to community (every row equals GET /service-circle and
    the coverage report for that scope) with the ids outside for streets and communities;
    the month's open incidents and response report as GET /incidents and GET
    /incident-report give them."""
    url, admin = signed_in(served, "city_admin")
    month = china_now().strftime("%Y-%m")
    ctx, page, console = open_page(
        browser, f"{url}/app/dashboard.html#month={month}&token={admin}",
        viewport={"width": 1280, "height": 900},
    )  # fmt: skip
    page.wait_for_selector("body[data-circle='city'][data-incidents='city']")

    # Incidents: the open ones and the month's report, column by column.
    open_now = http("GET", f"{url}/incidents?scope=city&month={month}&open=true", admin)
    assert open_now["count"] == 2
    assert page.get_by_test_id("incidents_open").inner_text() == "2"
    shown_ids = page.locator("#incidents-open tbody tr[data-incident]")
    assert sorted(shown_ids.nth(i).get_attribute("data-incident") or ""
                  for i in range(shown_ids.count())) == sorted(
        i["incident_id"] for i in open_now["incidents"])  # fmt: skip
    report = http("GET", f"{url}/incident-report?scope=city&month={month}", admin)
    assert set(report["by_type"]) == {"fall_detected", "smoke_alarm"}
    rows = page.locator("#incident-report tbody tr[data-type]")
    shown = {
        rows.nth(i).get_attribute("data-type"): {
            cell.get_attribute("data-col"): cell.inner_text()
            for cell in rows.nth(i).locator("td[data-col]").all()
        }
        for i in range(rows.count())
    }
    expected = {"ALL": report["total"], **report["by_type"]}
    assert shown == {
        kind: {col: js_number(figures[col]) for col in shown["ALL"]}
        for kind, figures in expected.items()
    }
    assert len(shown["ALL"]) == 7 and shown["ALL"]["incidents"] == "2"

    # The circle: the city's districts, then a district's streets, then a street's communities.
    scope = "city"
    for _level in ("district", "street", "community"):
        api = http("GET", f"{url}/service-circle?scope={scope}", admin)
        circle = rows_of(page, "circle-table")
        assert circle.pop(scope) == circle_row(api["total"])
        assert page.get_by_test_id("circle_share").inner_text() == pct(api["total"]["share"])
        assert circle
        for child, row in circle.items():
            child_total = http("GET", f"{url}/service-circle?scope={child}", admin)["total"]
            assert row == circle_row(child_total), child
        coverage = http("GET", f"{url}/coverage?month={month}&scope={scope}", admin)
        assert circle_row(coverage["service_circle"]) == circle_row(api["total"])
        if scope.startswith("street:"):
            listed = page.get_by_test_id("circle-outside")
            assert listed.get_attribute("data-count") == str(len(api["total"]["outside"]))
        else:  # ids for streets and communities only (counted on request)
            assert page.get_by_test_id("circle-outside").count() == 0
        scope = max(circle, key=lambda s: int(circle[s]["elders"]))
        page.click(f"#circle-table tr[data-scope='{scope}']")
        page.wait_for_selector(f"body[data-ready='{scope}'][data-circle='{scope}']")
    api = http("GET", f"{url}/service-circle?scope={scope}", admin)["total"]
    assert rows_of(page, "circle-table") == {scope: circle_row(api)}
    listed = page.get_by_test_id("circle-outside")
    assert listed.get_attribute("data-count") == str(len(api["outside"]))
    assert console.errors == []
    ctx.close()


def test_the_capacity_panel_shows_the_months_forecast_as_the_api_gives_it(
    served: tuple[EventPump, str], browser: Any
) -> None:
    """A hard month (the test asks the route for one try in four succeeding, so the small
    city's stewards fall short). The city view: one row per district, each equal to GET
    /oversight/capacity for that district, and figures that add them up. A district's view:
    its figures, every flagged community with its helpers and every flagged street as the
    route gives them."""
    url, admin = signed_in(served, "city_admin")
    month = china_now().strftime("%Y-%m")
    harder = "&attempt_success=0.25"
    ctx = new_context(browser, viewport={"width": 1280, "height": 900})
    ctx.route("**/oversight/capacity?*", lambda r: r.continue_(url=r.request.url + harder))
    page = ctx.new_page()
    console = Console(page)
    page.goto(f"{url}/app/dashboard.html#month={month}&token={admin}")
    page.wait_for_selector("body[data-capacity='city']")

    def forecast(scope: str) -> dict[str, Any]:
        query = f"month={month}&scope={scope}{harder}"
        answer: dict[str, Any] = http("GET", f"{url}/oversight/capacity?{query}", admin)
        return answer

    districts = {scope: forecast(scope) for scope in rows_of(page, "capacity-districts")}
    assert districts and all(scope.startswith("district:") for scope in districts)
    assert rows_of(page, "capacity-districts") == {
        scope: {
            "communities": f"{a['flagged_communities']}/{a['communities']}",
            "shortfall_hours": js_number(a["shortfall_hours"]),
            "help_hours": js_number(a["help_hours"]),
            "uncovered_hours": js_number(a["uncovered_hours"]),
        }
        for scope, a in districts.items()
    }
    flagged = sum(a["flagged_communities"] for a in districts.values())
    everyone = sum(a["communities"] for a in districts.values())
    assert page.get_by_test_id("capacity_communities").inner_text() == f"{flagged}/{everyone}"

    scope = max(districts, key=lambda s: districts[s]["flagged_communities"])
    page.click(f"#capacity-districts tr[data-scope='{scope}']")
    page.wait_for_selector(f"body[data-capacity='{scope}']")
    api = forecast(scope)
    assert api["flagged_communities"] > 0 and api["flagged_streets"] > 0
    figures = {
        "capacity_communities": f"{api['flagged_communities']}/{api['communities']}",
        "capacity_streets": f"{api['flagged_streets']}/{api['streets']}",
        "capacity_shortfall": js_number(api["shortfall_hours"]),
        "capacity_help": js_number(api["help_hours"]),
        "capacity_uncovered": js_number(api["uncovered_hours"]),
    }
    assert {key: page.get_by_test_id(key).inner_text() for key in figures} == figures
    level = {"street": "街道", "district": "区"}
    communities = {
        c["community_id"]: {
            "hours_required": js_number(c["hours_required"]),
            "hours_available": js_number(c["hours_available"]),
            "shortfall_hours": js_number(c["shortfall_hours"]),
            "help": "; ".join(
                f"{h['from_community']} {js_number(h['hours'])} ({level[h['level']]})"
                for h in c["help"]
            )
            or "–",
            "uncovered_hours": js_number(c["uncovered_hours"]),
        }
        for c in api["community_rows"][:20]
    }
    assert rows_of(page, "capacity-communities", "data-community") == communities
    streets = {
        s["street_id"]: {
            "short_communities": str(len(s["short_communities"])),
            "shortfall_hours": js_number(s["shortfall_hours"]),
            "street_help_hours": js_number(s["street_help_hours"]),
            "outside_help_hours": js_number(s["outside_help_hours"]),
        }
        for s in api["street_rows"]
    }
    assert rows_of(page, "capacity-streets", "data-street") == streets
    assert "25.0%" in page.get_by_test_id("capacity-assumptions").inner_text()
    assert console.errors == []
    ctx.close()
