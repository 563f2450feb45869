"""Signing in to the web pages, and the steward's page with no signal, in headless Chromium.

The pages sign in at the local issuer exactly as they would at Cognito's hosted UI: the
authorization code flow with PKCE (S256), the issuer read from GET /app/sign-in.json, tokens
kept in the tab and refreshed before they expire; nobody pastes a token. After one visit the
steward's page opens offline (a service worker keeps the page and the route), and an outcome
recorded offline reaches the API exactly once when the network is back.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from careroute.adapters.dynamodb.visits import all_visits
from careroute.domain.vocabulary import Registry
from careroute_local.dev_signin import CLIENT_ID, challenge_of
from careroute_local.pump import EventPump
from tests.conftest import PLAN_DATE
from tests.e2e.web_pages import (
    PHONE,
    Console,
    http,
    idempotency_keys,
    new_context,
    open_page,
    record_outcome,
)

pytestmark = pytest.mark.e2e


class Traffic:
    """What the page sent: the authorize request, the token requests' forms, and the bearer
    token of each API call (the local API's requests, seen as the server gets them)."""

    def __init__(self, page: Any) -> None:
        self.authorize: dict[str, str] = {}
        self.token_forms: list[dict[str, str]] = []
        self.bearers: list[str] = []
        page.on("request", self._request)

    def _request(self, request: Any) -> None:
        parts = urlsplit(request.url)
        if parts.path.endswith("/local/auth/oauth2/authorize") and request.method == "GET":
            self.authorize = {k: v[0] for k, v in parse_qs(parts.query).items()}
        elif parts.path.endswith("/local/auth/oauth2/token"):
            form = parse_qs(request.post_data or "")
            self.token_forms.append({k: v[0] for k, v in form.items()})
        elif "/routes/" in parts.path or parts.path.endswith("/coverage"):
            self.bearers.append(request.headers.get("authorization", ""))

    def grants(self) -> list[str]:
        return [form["grant_type"] for form in self.token_forms]


@pytest.fixture
def served_requests(served: tuple[EventPump, str]) -> Iterator[list[str]]:
    """Every request the local HTTP API answers while the test runs ("METHOD /path")."""
    pump, _ = served
    seen: list[str] = []
    answer = pump._http

    def counted(method: str, path: str, *args: Any) -> Any:
        seen.append(f"{method} {path}")
        return answer(method, path, *args)

    pump._http = counted  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        del pump._http


PAGE_READY_MS = 90_000
"""How long a page may take to show its sign-in button: it does once its scripts have run and
asked the API who is signed in, which took over the click's default 30 s once on a loaded
machine (a month simulation and the suite on two cores)."""


def sign_in(page: Any, url: str, user: str) -> None:
    """From a page asking to sign in: the issuer's page, pick `user`, back on the page."""
    page.locator("#signin-button").click(timeout=PAGE_READY_MS)
    page.wait_for_url("**/local/auth/oauth2/authorize?*")
    page.locator("select[name=user]").select_option(user)
    page.locator("#sign-in").click()
    page.wait_for_url(f"{url}/app/**")


def test_a_steward_signs_in_at_the_local_issuer_with_a_code_and_pkce(
    served: tuple[EventPump, str], small_city: Registry, browser: Any
) -> None:
    pump, url = served
    steward = small_city.stewards[1].steward_id
    ctx = new_context(browser, viewport=PHONE)
    page = ctx.new_page()
    console = Console(page)
    traffic = Traffic(page)
    page.goto(f"{url}/app/steward.html#date={PLAN_DATE}")
    page.locator("#signin").wait_for()
    assert page.locator("#signin textarea").count() == 0  # nothing to paste

    sign_in(page, url, f"steward|{steward}")
    page.locator("ol#stops > li").first.wait_for()
    # The code is gone from the address bar; the page's own options are back.
    assert page.url == f"{url}/app/steward.html#date={PLAN_DATE}"
    route = http(
        "GET", f"{url}/stewards/{steward}/routes/{PLAN_DATE}", pump.issuer.token("steward", steward)
    )
    assert page.locator("ol#stops > li").count() == len(route["stops"])

    # The flow: a S256 challenge out, the code and the verifier that hashes to it back in.
    asked = traffic.authorize
    assert (asked["response_type"], asked["client_id"], asked["code_challenge_method"]) == (
        "code",
        CLIENT_ID,
        "S256",
    )
    assert asked["redirect_uri"] == f"{url}/app/steward.html"
    assert traffic.grants() == ["authorization_code"]
    exchange = traffic.token_forms[0]
    assert challenge_of(exchange["code_verifier"]) == asked["code_challenge"]
    assert exchange["redirect_uri"] == asked["redirect_uri"]
    # The route was read with the ID token of the steward picked.
    assert traffic.bearers
    claims = pump.issuer.verify(traffic.bearers[-1])
    assert claims is not None
    assert (claims["custom:role"], claims["custom:scope"], claims["sub"]) == (
        "steward",
        steward,
        f"dev-steward-{steward}",
    )
    # Tokens stay in the tab: nothing in localStorage, the session in sessionStorage.
    kept = page.evaluate("Object.keys(localStorage)")
    assert not [k for k in kept if "token" in k or "session" in k], kept
    assert page.evaluate("JSON.parse(sessionStorage.getItem('careroute.session')).refresh_token")
    # The phone remembers who signed in (for a kept route in a fresh tab), not a token.
    assert page.evaluate("JSON.parse(localStorage.getItem('careroute.user'))") == {
        "sub": f"dev-steward-{steward}",
        "role": "steward",
        "scope": steward,
    }

    # Sign-out forgets the session and ends the issuer's, back on the page asking again.
    page.locator("#signout").click()
    page.locator("#signin").wait_for()
    assert page.evaluate("sessionStorage.getItem('careroute.session')") is None
    assert page.evaluate("localStorage.getItem('careroute.user')") is None
    assert console.errors == []
    ctx.close()


@pytest.mark.parametrize("who", ["city_admin", "street_official"])
def test_officials_sign_in_to_the_dashboard_at_the_local_issuer(
    served: tuple[EventPump, str], small_city: Registry, browser: Any, who: str
) -> None:
    _, url = served
    street = small_city.communities[0].street_id
    user, shown = {
        "city_admin": ("city_admin|", "city"),
        "street_official": (f"street_official|{street}", f"street:{street}"),
    }[who]
    ctx, page, console = open_page(
        browser, f"{url}/app/dashboard.html", viewport={"width": 1280, "height": 900}
    )
    sign_in(page, url, user)
    page.wait_for_selector(f"body[data-ready='{shown}']")
    assert page.get_by_test_id("elders_due").inner_text() != ""
    assert console.errors == []
    ctx.close()


def test_the_page_refreshes_its_token_before_it_expires(
    served: tuple[EventPump, str], small_city: Registry, browser: Any
) -> None:
    """Tokens of 12 s: the page trades its refresh token for new ones about 3 s before they
    expire, without a sign-in page, and its next call carries the new ID token."""
    pump, url = served
    steward = small_city.stewards[2].steward_id
    pump.sign_in.token_seconds = 12
    try:
        ctx = new_context(browser, viewport=PHONE)
        page = ctx.new_page()
        console = Console(page)
        traffic = Traffic(page)
        page.goto(f"{url}/app/steward.html#date={PLAN_DATE}")
        sign_in(page, url, f"steward|{steward}")
        page.locator("ol#stops > li").first.wait_for()
        first = page.evaluate("JSON.parse(sessionStorage.getItem('careroute.session'))")
        assert first["lifetime"] == 12000

        with page.expect_request(lambda r: r.url.endswith("/oauth2/token"), timeout=20000):
            pass
        page.wait_for_function(
            "t => JSON.parse(sessionStorage.getItem('careroute.session')).id_token !== t",
            arg=first["id_token"],
        )
        assert traffic.grants() == ["authorization_code", "refresh_token"]
        assert traffic.token_forms[1]["refresh_token"] == first["refresh_token"]
        again = page.evaluate("JSON.parse(sessionStorage.getItem('careroute.session'))")
        assert again["refresh_token"] == first["refresh_token"]
        assert again["expires_at"] > first["expires_at"]
        assert "authorize" not in page.url

        # The next call goes out with the new ID token, and the API takes it.
        with page.expect_response(lambda r: "/routes/" in r.url) as answer:
            page.locator("#date").fill(str(PLAN_DATE))
            page.locator("#date").dispatch_event("change")
        assert answer.value.status == 200
        assert traffic.bearers[-1] == f"Bearer {again['id_token']}"
        assert console.errors == []
        ctx.close()
    finally:
        pump.sign_in.token_seconds = 3600


def test_the_stewards_page_opens_offline_and_sends_its_outcome_once_back_online(
    served: tuple[EventPump, str],
    small_city: Registry,
    browser: Any,
    served_requests: list[str],
) -> None:
    _, url = served
    steward = small_city.stewards[3].steward_id
    ctx, page, console = open_page(
        browser, f"{url}/app/steward.html#date={PLAN_DATE}", viewport=PHONE
    )
    sign_in(page, url, f"steward|{steward}")
    page.wait_for_selector("body[data-offline-ready='yes']")
    items = page.locator("ol#stops > li")
    items.first.wait_for()
    online = [items.nth(i).get_attribute("data-elder") for i in range(items.count())]
    assert online

    # No signal: the page and its route open from what the service worker kept.
    ctx.set_offline(True)
    served_requests.clear()
    page.reload()
    items.first.wait_for()
    assert [items.nth(i).get_attribute("data-elder") for i in range(items.count())] == online
    assert served_requests == []  # nothing reached the API: all of it came from the phone

    # An outcome recorded offline waits in the outbox.
    keys = idempotency_keys(page)
    first = items.first
    record_outcome(first, "visited", "recorded with no signal")
    page.get_by_test_id("outbox-count").filter(has_text="1").wait_for()
    page.locator("#net").filter(has_text="离线").wait_for()  # the send found no network
    assert [v for v in all_visits() if v.steward_id == steward] == []

    # A tab opened afresh (from a bookmark) has no session: it shows the route kept on the
    # phone and the queued outcome, asks to sign in, and sends nothing.
    other = ctx.new_page()
    other_console = Console(other)
    other.goto(f"{url}/app/steward.html#date={PLAN_DATE}")
    kept = other.locator("ol#stops > li")
    kept.first.wait_for()
    assert [kept.nth(i).get_attribute("data-elder") for i in range(kept.count())] == online
    assert other.locator("#signin").is_visible()
    assert other.get_by_test_id("outbox-count").inner_text() == "1"
    assert other_console.errors == []
    other.close()

    # Back online: sent with its key, once; a second send finds nothing left to send.
    ctx.set_offline(False)
    page.get_by_test_id("outbox-count").filter(has_text="0").wait_for()
    first.get_by_test_id("state").filter(has_text="已记录").wait_for()
    page.locator("#send-now").click()
    stored = [v for v in all_visits() if v.steward_id == steward]
    assert [(v.elder_id, v.notes) for v in stored] == [(online[0], "recorded with no signal")]
    assert served_requests.count("POST /visits") == 1  # from the signed-in tab only
    assert len(set(keys)) == 1 and keys[0]
    assert [e for e in console.errors if "Failed to load resource" not in e] == []
    ctx.close()
