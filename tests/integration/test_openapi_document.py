"""One API, one document, one error shape: whichever function serves a route.

/openapi.json (served by the ApiFunction) is the merge of every HttpApi function's resolver,
built by `make openapi`; these tests fail when a route is added to template.yaml or to a
resolver without rebuilding it, and when any function answers bad input differently.
"""

from __future__ import annotations

import json
import re

import pytest

from careroute.entrypoints.openapi_doc import DOCUMENT_FILE, render
from careroute_local.openapi_build import build_document
from careroute_local.pump import EventPump
from tests.conftest import bearer

NOT_OPERATIONS = {"GET /openapi.json", "GET /docs", "GET /app/{}"}
"""The document itself, its page and the web shell's static files: no token, no data."""


def operation_keys(pairs: list[tuple[str, str]]) -> set[str]:
    """'METHOD /path/{}' with parameter names dropped (the template says {date}, code {day})."""
    return {f"{method.upper()} {re.sub(r'{[^}]+}', '{}', path)}" for method, path in pairs}


def test_the_served_document_is_the_one_built_from_every_function_now(
    session_pump: EventPump,
) -> None:
    built = build_document()
    served = session_pump.invoke_http("GET", "/openapi.json")
    assert served.status == 200 and served.headers["content-type"] == "application/json"
    assert served.json() == built, "stale: run `make openapi` and commit openapi.json"
    assert DOCUMENT_FILE.read_text("utf-8") == render(built)


def test_every_httpapi_route_in_the_template_is_in_the_document_and_nothing_else(
    session_pump: EventPump,
) -> None:
    template = session_pump.stack.template
    routes = operation_keys([(e.method, e.path) for _, e in template.http_routes()])
    document = session_pump.invoke_http("GET", "/openapi.json").json()
    documented = operation_keys(
        [(method, path) for path, ops in document["paths"].items() for method in ops]
    )
    assert routes - NOT_OPERATIONS == documented
    functions = {f.logical_id for f, e in template.http_routes()}
    assert len(functions) >= 8  # the original API and every newer API function


def test_the_docs_page_renders_the_whole_document_grouped_by_tag(session_pump: EventPump) -> None:
    page = session_pump.invoke_http("GET", "/docs")
    assert page.status == 200 and 'fetch("openapi.json")' in page.text
    document = session_pump.invoke_http("GET", "/openapi.json").json()
    tags = {t["name"] for t in document["tags"]}
    assert {"steward", "officials", "orders", "inspections", "incidents", "meals"} <= tags
    assert all(op.get("tags") for ops in document["paths"].values() for op in ops.values())


BAD_INPUT = [
    ("ApiFunction", "GET", "/coverage?month=2026-13", "month"),
    ("ApiFunction", "GET", "/exports/overdue?format=pdf", "format"),
    ("WebFunction", "GET", "/coverage/daily?month=13-2026", "month"),
    ("OrdersFunction", "GET", "/oversight/orders?scope=city&month=2026-1", "month"),
    ("InspectionsApiFunction", "GET", "/inspections/progress?month=2026-00", "month"),
    ("IncidentsApiFunction", "GET", "/incident-report?month=May", "month"),
    ("MealsApiFunction", "GET", "/meals/canteens/K001/routes/2026-13-40", "day"),
    ("ServiceCircleFunction", "GET", "/service-circle?scope=" + "x" * 41, "scope"),
    ("AssessmentsApiFunction", "GET", "/assessors/D01/routes/2026-02-30", "day"),
    ("DayCareApiFunction", "GET", "/oversight/day-care?scope=city&month=2026-13", "month"),
    ("BenefitsApiFunction", "GET", "/benefits/summary?scope=city&month=2026-13", "month"),
]


@pytest.mark.parametrize(("function", "method", "path", "field"), BAD_INPUT)
def test_bad_input_is_422_naming_the_field_in_every_api_function(
    session_pump: EventPump, function: str, method: str, path: str, field: str
) -> None:
    matched = session_pump._match(method, path.partition("?")[0])
    assert matched is not None and matched[0].spec.logical_id == function
    response = session_pump.invoke_http(method, path, headers=bearer(session_pump, "city_admin"))
    assert response.status == 422, response.text
    assert set(response.json()) == {"error"}
    error = response.json()["error"]
    assert error["code"] == "invalid_request" and field in error["message"]


def test_every_api_function_is_covered_by_a_bad_input_case(session_pump: EventPump) -> None:
    functions = {f.logical_id for f, _ in session_pump.stack.template.http_routes()}
    assert functions == {case[0] for case in BAD_INPUT}


@pytest.mark.parametrize(
    ("path", "role", "scope"),
    [("/assessments/results", "assessor", "D01"), ("/visits", "steward", "W0001")],
)
def test_a_body_that_is_not_utf8_is_422_not_a_server_error(
    session_pump: EventPump, path: str, role: str, scope: str
) -> None:
    headers = {**bearer(session_pump, role, scope), "idempotency-key": "key-00000001"}
    headers["content-type"] = "application/json"
    response = session_pump.invoke_http("POST", path, headers=headers, body=b"\xff\xfe{\x00")
    assert response.status == 422, response.text
    assert json.loads(response.text)["error"]["code"] == "invalid_request"


def _body_routes(pump: EventPump) -> list[tuple[str, str, str]]:
    """(function, method, path with ids filled) of every route that takes a body."""
    found = []
    for function, event in pump.stack.template.http_routes():
        if event.method.upper() in ("POST", "PUT", "PATCH"):
            path = re.sub(r"\{[^}]+\}", "X0001", event.path)
            found.append((function.logical_id, event.method.upper(), path))
    return found


@pytest.mark.parametrize(
    "body",
    ["[" * 2000 + "]" * 2000, '{"a": ' + '{"a": ' * 1500 + "1" + "}" * 1501],
    ids=["array", "object"],
)
def test_a_body_nested_thousands_deep_is_422_in_every_api_function(
    session_pump: EventPump, body: str
) -> None:
    routes = _body_routes(session_pump)
    assert len({function for function, _, _ in routes}) >= 5
    headers = {**bearer(session_pump, "city_admin"), "idempotency-key": "key-00000001"}
    headers["content-type"] = "application/json"
    for function, method, path in routes:
        response = session_pump.invoke_http(method, path, headers=headers, body=body)
        assert response.status == 422, (function, path, response.text)
        assert response.json()["error"]["code"] == "invalid_request", (function, path)
