"""WebFunction through the local HTTP API: the static shell needs no token and serves only
its own files; /map and /coverage/daily are scoped like /coverage and say what is wrong."""

from __future__ import annotations

import json

import pytest

from careroute.domain.vocabulary import Registry
from careroute_local.pump import EventPump
from tests.conftest import TODAY, bearer
from tests.integration.api_calls import static_file

MONTH = TODAY.strftime("%Y-%m")


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("steward.html", "text/html"),
        ("dashboard.html", "text/html"),
        ("common.js", "text/javascript"),
        ("app.css", "text/css"),
    ],
)
def test_the_shell_is_served_without_a_token(
    read_only_stack: EventPump, name: str, content_type: str
) -> None:
    response = static_file(read_only_stack, name, content_type)
    assert "script-src 'self'" in response.headers["content-security-policy"]


@pytest.mark.parametrize("name", ["nope.html", "..%2Fapp.py", "app.py", "%2Fetc%2Fpasswd"])
def test_nothing_but_the_shell_files_is_served(read_only_stack: EventPump, name: str) -> None:
    response = read_only_stack.invoke_http("GET", f"/app/{name}")
    assert response.status == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_data_routes_need_a_token(read_only_stack: EventPump) -> None:
    assert read_only_stack.invoke_http("GET", "/map").status == 401
    assert read_only_stack.invoke_http("GET", f"/coverage/daily?month={MONTH}").status == 401


def test_the_map_holds_the_scopes_communities_inside_their_outlines(
    read_only_stack: EventPump, small_city: Registry
) -> None:
    district = small_city.communities[0].district_id
    response = read_only_stack.invoke_http(
        "GET", f"/map?scope=district:{district}", headers=bearer(read_only_stack, "city_admin")
    )
    assert response.status == 200
    body = response.json()
    ids = {c.community_id for c in small_city.communities if c.district_id == district}
    assert {c["community_id"] for c in body["communities"]} == ids
    assert [d["district_id"] for d in body["districts"]] == [district]
    outline = body["districts"][0]["outline"]
    lngs, lats = [p[0] for p in outline], [p[1] for p in outline]
    for c in body["communities"]:  # inside the outline's box, at least
        assert min(lngs) < c["lng"] < max(lngs) and min(lats) < c["lat"] < max(lats)
    assert "elders" not in json.dumps(body)


def test_a_street_official_reads_their_street_and_nothing_above_it(
    read_only_stack: EventPump, small_city: Registry
) -> None:
    street = small_city.communities[0].street_id
    district = small_city.communities[0].district_id
    headers = bearer(read_only_stack, "street_official", street)
    assert (
        read_only_stack.invoke_http("GET", f"/map?scope=street:{street}", headers=headers).status
        == 200
    )
    for path in (f"/map?scope=district:{district}", f"/coverage/daily?month={MONTH}&scope=city"):
        response = read_only_stack.invoke_http("GET", path, headers=headers)
        assert response.status == 403, path
        assert response.json()["error"]["code"] == "forbidden"
    steward = bearer(read_only_stack, "steward", small_city.stewards[0].steward_id)
    assert read_only_stack.invoke_http("GET", "/map?scope=city", headers=steward).status == 403


@pytest.mark.parametrize(
    ("query", "status", "says"),
    [
        ("month=2026-13&scope=city", 422, "month"),
        ("month=2026-12&scope=planet", 422, "scope must start with"),
        ("month=2026-12&scope=district:NOPE", 404, "unknown scope"),
    ],
)
def test_a_bad_month_or_scope_is_refused_with_a_reason(
    read_only_stack: EventPump, query: str, status: int, says: str
) -> None:
    response = read_only_stack.invoke_http(
        "GET", f"/coverage/daily?{query}", headers=bearer(read_only_stack, "city_admin")
    )
    assert response.status == status
    assert says in response.json()["error"]["message"]


def test_the_month_series_runs_from_the_first_to_today_and_starts_empty(
    read_only_stack: EventPump,
) -> None:
    response = read_only_stack.invoke_http(
        "GET",
        f"/coverage/daily?month={MONTH}&scope=city",
        headers=bearer(read_only_stack, "city_admin"),
    )
    body = response.json()
    assert body["days"][0]["date"] == TODAY.replace(day=1).isoformat()
    assert body["days"][-1]["date"] == TODAY.isoformat()
    assert all(day["ALL"] == 0 for day in body["days"])
    assert body["elders_due"]["ALL"] > 0
