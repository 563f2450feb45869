"""The API handler through real HTTP API 2.0 events: routes, outcomes, coverage, errors."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import UTC, timedelta
from typing import Any

import pytest

from careroute.adapters.dynamodb.visits import all_visits
from careroute.domain.vocabulary import Registry
from careroute_local.pump import EventPump, HttpResponse
from tests.conftest import PLAN_DATE, bearer, china_now
from tests.integration.api_calls import get, post_json
from tests.integration.planned_day import plan_the_day, read_route


def post_visit(
    pump: EventPump, body: object, key: str | None = "key-0000001", steward: str = "W0001"
) -> HttpResponse:
    """POST /visits as the steward `steward` (the body's steward_id, if any, is only checked)."""
    return post_json(pump, "/visits", bearer(pump, "steward", steward), body, key)


def a_visit(city: Registry, **changes: object) -> dict[str, object]:
    steward = city.stewards[0]
    elder = next(e for e in city.elders if e.community_id == steward.community_id)
    body: dict[str, object] = {
        "steward_id": steward.steward_id,
        "elder_id": elder.elder_id,
        "outcome": "visited",
        "visited_at": china_now().replace(microsecond=0).isoformat(),
    }
    body.update(changes)
    return body


def test_a_steward_gets_the_route_with_elder_names_and_addresses(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    plan_the_day(loaded_stack)
    response = read_route(loaded_stack, small_city.stewards[0].steward_id)
    assert response.status == 200
    route = response.json()
    names = {e.elder_id: e.name for e in small_city.elders}
    assert route["stops"]
    assert all(stop["name"] == names[stop["elder_id"]] for stop in route["stops"])
    assert all(stop["address"] for stop in route["stops"])


def test_recording_an_outcome_twice_with_the_same_key_stores_one_visit(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    """A replay answers as the first request did (201, the same visit), marked as a replay."""
    body = a_visit(small_city)
    first = post_visit(loaded_stack, body)
    again = post_visit(loaded_stack, body)
    assert first.status == 201 and again.status == 201
    assert first.json() == again.json()
    assert "idempotent-replayed" not in first.headers
    assert again.headers["idempotent-replayed"] == "true"
    assert len(list(all_visits())) == 1


def test_reusing_a_key_for_a_different_visit_is_a_conflict_and_writes_nothing(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    assert post_visit(loaded_stack, a_visit(small_city)).status == 201
    reused = post_visit(loaded_stack, a_visit(small_city, outcome="not_home"))
    assert reused.status == 409
    assert reused.json()["error"]["code"] == "conflict"
    assert [v.outcome.value for v in all_visits()] == ["visited"]


def test_the_same_key_from_another_steward_is_a_different_visit(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    other = small_city.stewards[1]
    elder = next(e for e in small_city.elders if e.community_id == other.community_id)
    assert post_visit(loaded_stack, a_visit(small_city)).status == 201
    second = a_visit(small_city, steward_id=other.steward_id, elder_id=elder.elder_id)
    assert post_visit(loaded_stack, second, steward=other.steward_id).status == 201
    assert len(list(all_visits())) == 2


def _future() -> str:
    return (china_now().astimezone(UTC) + timedelta(hours=2)).isoformat()


BAD_REQUESTS = [
    ("malformed JSON", "{not json", "key-0000001", 422, "not valid JSON"),
    ("no key", None, None, 422, "Idempotency-Key header is required"),
    ("short key", None, "abc", 422, "Idempotency-Key must be"),
    ("unknown outcome", {"outcome": "chatted"}, "key-0000001", 422, "outcome"),
    ("wrong type", {"elder_id": 42}, "key-0000001", 422, "elder_id"),
    ("steward_id of another steward", {"steward_id": "W0002"}, "key-0000001", 403, "own visits"),
    ("no time zone", {"visited_at": "2026-12-01T09:00:00"}, "key-0000001", 422, "UTC offset"),
    ("future", {"visited_at": _future()}, "key-0000001", 422, "in the future"),
    ("extra field", {"national_id": "x"}, "key-0000001", 422, "national_id"),
    ("unknown elder", {"elder_id": "E999999"}, "key-0000001", 404, "elder E999999 not found"),
    ("oversized notes", {"notes": "x" * 2001}, "key-0000001", 422, "notes"),
    ("not an object", "[1, 2]", "key-0000001", 422, "body"),
    ("nested 2,000 deep", "[" * 2000 + "]" * 2000, "key-0000001", 422, "nested too deeply"),
    (
        "a field nested 2,000 deep",
        '{"notes": ' + "[" * 2000 + "]" * 2000 + "}",
        "key-0000001",
        422,
        "nested too deeply",
    ),
    (
        "100,000 findings",
        {"findings": [{"category": "health", "severity": "high"}] * 100_000},
        "key-0000001",
        422,
        "findings",
    ),
    (
        "unknown finding category",
        {"findings": [{"category": "gossip", "severity": "high"}]},
        "key-0000001",
        422,
        "findings",
    ),
    ("GPS off the globe", {"location": {"lat": 123.4, "lng": 41.8}}, "key-0000001", 422, "lat"),
]


@pytest.mark.parametrize(
    ("case", "change", "key", "status", "message"), BAD_REQUESTS, ids=[b[0] for b in BAD_REQUESTS]
)
def test_bad_outcome_requests_get_a_clear_error_and_write_nothing(
    loaded_stack: EventPump,
    small_city: Registry,
    case: str,
    change: object,
    key: str | None,
    status: int,
    message: str,
) -> None:
    body: object = change if isinstance(change, str) else a_visit(small_city, **(change or {}))
    response = post_visit(loaded_stack, body, key=key)
    assert response.status == status, response.text
    assert message in response.json()["error"]["message"]
    assert list(all_visits()) == []


def test_a_steward_cannot_record_a_visit_to_another_communitys_elder(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    other = small_city.stewards[1]
    stranger = next(e for e in small_city.elders if e.community_id == other.community_id)
    response = post_visit(loaded_stack, a_visit(small_city, elder_id=stranger.elder_id))
    assert response.status == 404
    assert list(all_visits()) == []


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/stewards/W0001/routes/2026-13-40", 422),
        ("/stewards/W9999/routes/2026-12-01", 404),
        ("/nowhere", 404),
    ],
)
def test_bad_route_requests_are_client_errors(
    loaded_stack: EventPump, path: str, status: int
) -> None:
    response = get(loaded_stack, path, "city_admin", None)
    assert response.status == status
    if status != 404 or path != "/nowhere":
        assert response.json()["error"]["code"]


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ({"month": "2026-13"}, 422, "month"),
        ({"month": "2026-12", "scope": "planet:earth"}, 422, "scope must start with"),
        ({"month": "2026-12", "scope": "district:D99"}, 404, "unknown scope"),
    ],
)
def test_bad_coverage_queries_name_the_problem(
    loaded_stack: EventPump, query: dict[str, str], status: int, message: str
) -> None:
    response = get(loaded_stack, "/coverage", "city_admin", None, query)
    assert response.status == status
    assert message in response.json()["error"]["message"]


# ---------------------------------------------------------------- the privacy boundary


def test_a_steward_cannot_read_another_stewards_route(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    a, b = small_city.stewards[0], small_city.stewards[1]
    path = f"/stewards/{b.steward_id}/routes/{PLAN_DATE.isoformat()}"
    response = get(loaded_stack, path, "steward", a.steward_id)
    assert response.status == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_a_steward_cannot_record_a_visit_as_another_steward_or_to_their_elders(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    a, b = small_city.stewards[0], small_city.stewards[1]
    b_elder = next(e for e in small_city.elders if e.community_id == b.community_id)
    as_b = post_visit(loaded_stack, a_visit(small_city, steward_id=b.steward_id), steward="W0001")
    assert a.steward_id == "W0001" and as_b.status == 403
    b_elders = post_visit(loaded_stack, a_visit(small_city, elder_id=b_elder.elder_id))
    assert b_elders.status == 404  # elders are keyed by community: B's are not reachable
    assert list(all_visits()) == []


def test_a_district_official_reads_only_their_own_district(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    community = small_city.communities[0]
    own = community.district_id
    month = {"month": china_now().strftime("%Y-%m")}
    for scope in (
        f"district:{own}",
        f"street:{community.street_id}",
        f"community:{community.community_id}",
    ):
        allowed = get(loaded_stack, "/coverage", "district_official", own, month | {"scope": scope})
        assert allowed.status == 200, scope
    for scope in ("district:D02", "city"):
        refused = get(loaded_stack, "/coverage", "district_official", own, month | {"scope": scope})
        assert refused.status == 403, scope


def test_a_street_official_reads_their_street_and_not_its_district(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    community = small_city.communities[0]
    month = {"month": china_now().strftime("%Y-%m")}
    street = community.street_id
    own = get(
        loaded_stack, "/coverage", "street_official", street, month | {"scope": f"street:{street}"}
    )
    up = get(loaded_stack, "/coverage", "street_official", street,
             month | {"scope": f"district:{community.district_id}"})  # fmt: skip
    assert own.status == 200 and up.status == 403


@pytest.mark.parametrize(
    ("role", "scope", "method", "path"),
    [
        ("steward", "W0001", "GET", "/coverage?month=2026-12&scope=city"),
        ("inspector", "D01", "GET", "/coverage?month=2026-12&scope=district:D01"),
        ("district_official", "D01", "POST", "/visits"),
        ("city_admin", None, "POST", "/visits"),
        ("district_official", "D01", "GET", "/stewards/W0001/routes/2026-12-01"),
        ("nobody", "x", "GET", "/stewards/W0001/routes/2026-12-01"),
    ],
)
def test_a_wrong_role_is_forbidden(
    loaded_stack: EventPump, small_city: Registry, role: str, scope: str | None, method: str,
    path: str,
) -> None:  # fmt: skip
    headers = {"idempotency-key": "key-0000001", **bearer(loaded_stack, role, scope)}
    body = json.dumps(a_visit(small_city)) if method == "POST" else None
    response = loaded_stack.invoke_http(method, path, headers=headers, body=body)
    assert response.status == 403, response.text
    assert response.json()["error"]["code"] == "forbidden"
    assert list(all_visits()) == []


def _forged(pump: EventPump) -> str:
    header, payload, _signature = pump.issuer.token("city_admin").split(".")
    return f"Bearer {header}.{payload}.c2lnbmF0dXJl"


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer",
        "Bearer not-a-jwt",
        "Basic dXNlcjpwYXNz",
        "forged",
        "expired",
    ],
)
def test_no_valid_token_is_401_before_the_handler_runs(
    loaded_stack: EventPump, small_city: Registry, authorization: str | None
) -> None:
    issuer = loaded_stack.issuer
    if authorization == "forged":
        authorization = _forged(loaded_stack)
    elif authorization == "expired":
        authorization = f"Bearer {issuer.token('steward', 'W0001', ttl_seconds=-60)}"
    headers = {"idempotency-key": "key-0000001"}
    if authorization is not None:
        headers["authorization"] = authorization
    for method, path, body in [
        ("GET", "/stewards/W0001/routes/2026-12-01", None),
        ("POST", "/visits", json.dumps(a_visit(small_city))),
        ("GET", "/coverage?month=2026-12", None),
    ]:
        response = loaded_stack.invoke_http(method, path, headers=headers, body=body)
        assert response.status == 401, (path, response.text)
        assert response.json() == {"message": "Unauthorized"}
    assert list(all_visits()) == []


def test_a_token_from_another_issuer_key_is_rejected(
    loaded_stack: EventPump, tmp_path: object
) -> None:
    from careroute_local.dev_auth import DevIssuer

    other = DevIssuer(tmp_path / "other-key.json")  # type: ignore[operator]
    headers = {"authorization": f"Bearer {other.token('city_admin')}"}
    response = loaded_stack.invoke_http("GET", "/coverage?month=2026-12", headers=headers)
    assert response.status == 401


def test_the_openapi_document_and_docs_page_need_no_token(loaded_stack: EventPump) -> None:
    document = loaded_stack.invoke_http("GET", "/openapi.json")
    assert document.status == 200
    paths = document.json()["paths"]
    assert {"/visits", "/visits/batch", "/coverage"} <= set(paths)
    assert "/stewards/{steward_id}/routes/{day}" in paths
    docs = loaded_stack.invoke_http("GET", "/docs")
    assert docs.status == 200 and "openapi.json" in docs.text
    assert "http" not in docs.text.split("<script>")[1].replace("openapi.json", "")  # no CDN


# ---------------------------------------------------------------- outcomes queued offline


def post_batch(pump: EventPump, items: list[dict[str, object]], steward: str = "W0001") -> Any:
    return post_json(pump, "/visits/batch", bearer(pump, "steward", steward), {"items": items})


def test_a_batch_queued_offline_is_recorded_once_even_when_resent_out_of_order(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    now = china_now().replace(microsecond=0)
    elders = [e for e in small_city.elders if e.community_id == small_city.stewards[0].community_id]
    items = [
        a_visit(
            small_city,
            elder_id=elders[i].elder_id,
            idempotency_key=f"offline-{i:04d}",
            visited_at=(now - timedelta(hours=i)).isoformat(),
        )
        for i in range(3)
    ]
    for item in items:
        item.pop("steward_id")
    first = post_batch(loaded_stack, items)
    assert first.status == 200, first.text
    assert [r["status"] for r in first.json()["results"]] == [201, 201, 201]
    again = post_batch(loaded_stack, list(reversed(items)))  # resent, another order
    assert again.json()["recorded"] == 3
    single = post_visit(loaded_stack, {k: v for k, v in items[0].items() if k != "idempotency_key"},
                        key="offline-0000")  # fmt: skip
    assert single.status == 201
    assert single.json()["visit_id"] == first.json()["results"][0]["visit"]["visit_id"]
    assert len(list(all_visits())) == 3


def test_a_bad_item_fails_alone_and_the_rest_are_recorded(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    good = a_visit(small_city, idempotency_key="offline-good")
    unknown = a_visit(small_city, elder_id="E999999", idempotency_key="offline-bad1")
    response = post_batch(loaded_stack, [good, unknown])
    results = response.json()["results"]
    assert [r["status"] for r in results] == [201, 404]
    assert results[1]["error"]["code"] == "not_found"
    assert len(list(all_visits())) == 1


@pytest.mark.parametrize(
    ("items", "message"),
    [([], "items"), ([{"elder_id": "E000001"}], "idempotency_key")],
)
def test_an_invalid_batch_is_refused_whole(
    loaded_stack: EventPump, items: list[dict[str, object]], message: str
) -> None:
    response = post_batch(loaded_stack, items)
    assert response.status == 422 and message in response.json()["error"]["message"]
    assert list(all_visits()) == []


def test_an_oversized_body_is_refused_before_the_handler(loaded_stack: EventPump) -> None:
    server, url = loaded_stack.serve_http()
    try:
        data = b"{" + b" " * (2 * 1024 * 1024) + b"}"
        request = urllib.request.Request(f"{url}/visits", data=data, method="POST")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 413
    finally:
        server.shutdown()
    assert list(all_visits()) == []


def test_findings_and_the_gps_point_are_kept_with_the_visit_and_survive_the_stream(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    findings = [
        {"category": "safety_hazard", "severity": "urgent", "note": "gas hose cracked"},
        {"category": "subsidy_eligibility", "severity": "normal"},
    ]
    body = a_visit(small_city, findings=findings, location={"lat": 41.7961, "lng": 123.4012})
    assert post_visit(loaded_stack, body).status == 201
    stats = loaded_stack.drain_stream("VisitsTable")
    assert stats.failed == 0
    [visit] = list(all_visits())
    assert [(f.category.value, f.severity.value, f.note) for f in visit.findings] == [
        ("safety_hazard", "urgent", "gas hose cracked"),
        ("subsidy_eligibility", "normal", ""),
    ]
    assert visit.location is not None and (visit.location.lat, visit.location.lng) == (
        41.7961,
        123.4012,
    )
