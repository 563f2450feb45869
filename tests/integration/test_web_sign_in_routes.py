"""Where the pages sign in, through the local HTTP API: GET /app/sign-in.json names the local
issuer (no token needed), and the issuer's endpoints answer as Cognito's hosted UI does: a
page of local users, a redirect with a one-time code, tokens for the code and its verifier
(OAuth errors as JSON), a refresh, a sign-out redirect."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from careroute.domain.vocabulary import Registry
from careroute_local.dev_signin import CLIENT_ID, challenge_of
from careroute_local.pump import EventPump
from tests.conftest import PLAN_DATE

PAGE = "http://127.0.0.1:9/v1/app/steward.html"
VERIFIER = "v" * 64
FORM = {"content-type": "application/x-www-form-urlencoded"}


def authorize_query(**changes: str) -> str:
    query = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": PAGE,
        "state": "st8",
        "code_challenge": challenge_of(VERIFIER),
        "code_challenge_method": "S256",
        "scope": "openid email profile",
    }
    query.update(changes)
    return urlencode(query)


def test_the_pages_learn_where_to_sign_in_without_a_token(read_only_stack: EventPump) -> None:
    response = read_only_stack.invoke_http("GET", "/app/sign-in.json")
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {
        "configured": True,
        "authorize_url": "local/auth/oauth2/authorize",
        "token_url": "local/auth/oauth2/token",
        "logout_url": "local/auth/logout",
        "client_id": CLIENT_ID,
        "scope": "openid email profile",
    }


@pytest.mark.parametrize("name", ["auth.js", "sw.js"])
def test_the_sign_in_script_and_the_service_worker_are_part_of_the_shell(
    read_only_stack: EventPump, name: str
) -> None:
    response = read_only_stack.invoke_http("GET", f"/app/{name}")
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/javascript")
    policy = response.headers["content-security-policy"]
    assert "worker-src 'self'" in policy
    assert "connect-src 'self';" in policy  # the local issuer is on the API's own origin


def test_the_local_sign_in_page_lists_the_citys_people_and_asks_no_password(
    read_only_stack: EventPump, small_city: Registry
) -> None:
    response = read_only_stack.invoke_http(
        "GET", f"/local/auth/oauth2/authorize?{authorize_query()}"
    )
    assert response.status == 200
    page = response.text
    assert 'type="password"' not in page and "no passwords" in page
    offered = set(re.findall(r'<option value="([^"]+)"', page))
    assert offered == (
        {"city_admin|"}
        | {f"district_official|{c.district_id}" for c in small_city.communities}
        | {f"street_official|{c.street_id}" for c in small_city.communities}
        | {f"steward|{s.steward_id}" for s in small_city.stewards}
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"redirect_uri": "https://elsewhere.example/app/steward.html"},
        {"client_id": "another-client"},
        {"code_challenge_method": "plain"},
    ],
)
def test_a_request_the_issuer_cannot_trust_gets_an_error_page_and_no_redirect(
    read_only_stack: EventPump, changes: dict[str, str]
) -> None:
    response = read_only_stack.invoke_http(
        "GET", f"/local/auth/oauth2/authorize?{authorize_query(**changes)}"
    )
    assert response.status == 400
    assert "location" not in response.headers
    assert "invalid_request" in response.text


def test_a_steward_signs_in_calls_the_api_refreshes_and_signs_out(
    read_only_stack: EventPump, small_city: Registry
) -> None:
    steward = small_city.stewards[0].steward_id
    picked = authorize_query() + "&" + urlencode({"user": f"steward|{steward}"})
    back = read_only_stack.invoke_http(
        "POST", "/local/auth/oauth2/authorize", headers=FORM, body=picked
    )
    assert back.status == 302
    location = back.headers["location"]
    assert location.startswith(PAGE + "?")
    answer = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    assert answer["state"] == "st8"

    exchange = {
        "grant_type": "authorization_code",
        "client_id": CLIENT_ID,
        "code": answer["code"],
        "redirect_uri": PAGE,
        "code_verifier": VERIFIER,
    }
    tokens = read_only_stack.invoke_http(
        "POST", "/local/auth/oauth2/token", headers=FORM, body=urlencode(exchange)
    )
    assert tokens.status == 200 and tokens.headers["cache-control"] == "no-store"
    issued = tokens.json()
    route = read_only_stack.invoke_http(
        "GET",
        f"/stewards/{steward}/routes/{PLAN_DATE}",
        headers={"authorization": f"Bearer {issued['id_token']}"},
    )
    assert route.status in (200, 404)  # signed in: a route or none, never 401
    # The refresh token opens nothing by itself.
    refused = read_only_stack.invoke_http(
        "GET",
        f"/stewards/{steward}/routes/{PLAN_DATE}",
        headers={"authorization": f"Bearer {issued['refresh_token']}"},
    )
    assert refused.status == 401

    again = read_only_stack.invoke_http(
        "POST", "/local/auth/oauth2/token", headers=FORM, body=urlencode(exchange)
    )
    assert again.status == 400 and again.json()["error"] == "invalid_grant"

    refresh = {"grant_type": "refresh_token", "client_id": CLIENT_ID}
    refresh["refresh_token"] = issued["refresh_token"]
    renewed = read_only_stack.invoke_http(
        "POST", "/local/auth/oauth2/token", headers=FORM, body=urlencode(refresh)
    )
    assert renewed.status == 200
    assert read_only_stack.issuer.verify(f"Bearer {renewed.json()['id_token']}") is not None

    out = read_only_stack.invoke_http(
        "GET", f"/local/auth/logout?{urlencode({'client_id': CLIENT_ID, 'logout_uri': PAGE})}"
    )
    assert (out.status, out.headers["location"]) == (302, PAGE)


def test_the_token_endpoint_answers_oauth_errors(read_only_stack: EventPump) -> None:
    def token(form: dict[str, str]) -> tuple[int, str]:
        response = read_only_stack.invoke_http(
            "POST", "/local/auth/oauth2/token", headers=FORM, body=urlencode(form)
        )
        return response.status, response.json()["error"]

    assert token({"grant_type": "authorization_code", "client_id": "x"}) == (
        401,
        "invalid_client",
    )
    assert token({"grant_type": "password", "client_id": CLIENT_ID}) == (
        400,
        "unsupported_grant_type",
    )
    assert token({"grant_type": "authorization_code", "client_id": CLIENT_ID, "code": "nope"}) == (
        400,
        "invalid_grant",
    )
