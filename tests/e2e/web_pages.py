"""What the web-page tests share: talking to the API as a signed-in user, opening a page in
Chromium with the session's clock, watching its console, and reading a dashboard table as the
page shows it."""

from __future__ import annotations

import json
import os
import urllib.request
from pathlib import Path
from typing import Any

from careroute_local.pump import EventPump
from tests.conftest import china_now

DOCS = Path(__file__).resolve().parents[2] / "docs"
PHONE = {"width": 412, "height": 915}
FEATURE_DETECTED = (
    "/inspections",
    "/service-circle",
    "/incidents",
    "/incident-report",
    "/institutions",
    "/oversight/beds",
    "/oversight/service-hours",
    "/meals/subsidies",
    "/oversight/day-care",
    "/assessments/summary",
    "/benefits/summary",
)


def signed_in(
    served: tuple[EventPump, str], role: str, scope: str | None = None
) -> tuple[str, str]:
    """The served API's address, and a token the local issuer signed for `role` (of `scope`)."""
    pump, url = served
    return url, pump.issuer.token(role, scope)


def http(method: str, url: str, token: str, body: Any = None, key: str | None = None) -> Any:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode() if body is not None else None, method=method
    )
    request.add_header("content-type", "application/json")
    request.add_header("authorization", f"Bearer {token}")
    if key:
        request.add_header("idempotency-key", key)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


class Console:
    """Console errors and uncaught exceptions of a page, and its requests still unanswered."""

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        self.pending: list[str] = []
        page.on("console", self._message)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("request", lambda request: self.pending.append(request.url))
        page.on("requestfinished", lambda request: self._answered(request.url))
        page.on("requestfailed", lambda request: self._answered(request.url))

    def _answered(self, url: str) -> None:
        if url in self.pending:
            self.pending.remove(url)

    def _message(self, message: Any) -> None:
        # The dashboard feature-detects the inspections, service-circle and incidents APIs:
        # a 404 is the expected answer while one is not deployed, and the page hides its panel.
        url = message.location.get("url", "")
        if message.type == "error" and not any(p in url for p in FEATURE_DETECTED):
            self.errors.append(message.text)


def wait_shown(page: Any, selector: str, console: Console, timeout_ms: int = 30_000) -> None:
    """Wait for `selector`; on a timeout, fail saying what the page showed instead (its error
    line, console errors and the requests still unanswered), not only that it timed out."""
    try:
        page.wait_for_selector(selector, timeout=timeout_ms)
    except Exception as exc:
        shown = page.evaluate("document.getElementById('crumbs')?.innerText ?? ''")
        raise AssertionError(
            f"{selector} not shown in {timeout_ms} ms; the page shows {shown!r}, console "
            f"errors {console.errors}, unanswered requests {console.pending}"
        ) from exc


def new_context(browser: Any, **context: Any) -> Any:
    """A browser context whose clock reads the test session's time, as the API's does."""
    ctx = browser.new_context(**context)
    ctx.clock.set_system_time(china_now())
    return ctx


def open_page(browser: Any, url: str, **context: Any) -> tuple[Any, Any, Console]:
    ctx = new_context(browser, **context)
    page = ctx.new_page()
    console = Console(page)
    page.goto(url)
    return ctx, page, console


def idempotency_keys(page: Any, path_end: str = "/visits") -> list[str]:
    """The Idempotency-Key of every POST to a URL ending in `path_end` (default POST
    /visits) the page sends from now on."""
    keys: list[str] = []

    def seen(request: Any) -> None:
        if request.method == "POST" and request.url.endswith(path_end):
            keys.append(request.headers.get("idempotency-key", ""))

    page.on("request", seen)
    return keys


def record_outcome(stop: Any, outcome: str, notes: str) -> None:
    """Fill in and submit a stop's outcome form, as the steward does."""
    stop.locator("summary").click()
    stop.locator("select[name=outcome]").select_option(outcome)
    stop.locator("textarea[name=notes]").fill(notes)
    stop.locator("button[type=submit]").click()


def shot(page: Any, name: str, tmp_path: Path, full_page: bool = True) -> None:
    target = DOCS if os.environ.get("CAREROUTE_DOC_SCREENSHOTS") == "1" else tmp_path
    page.screenshot(path=str(target / name), full_page=full_page)


def pct(rate: float | None) -> str:
    return "–" if rate is None else f"{rate * 100:.1f}%"


def api_row(url: str, token: str, month: str, scope: str) -> dict[str, Any]:
    coverage = http("GET", f"{url}/coverage?month={month}&scope={scope}", token)
    return next(r for r in coverage["tiers"] if r["tier"] == "ALL")


def js_number(value: float | None) -> str:
    """A JSON number as the page prints it (2.0 -> "2"), "–" for none."""
    if value is None:
        return "–"
    return str(int(value)) if float(value).is_integer() else str(value)


def circle_row(total: dict[str, Any]) -> dict[str, str]:
    return {"elders": str(total["elders"]), "within": str(total["within"]),
            "share": pct(total["share"])}  # fmt: skip


def rows_of(page: Any, table: str, *keys: str) -> dict[str, dict[str, str]]:
    """{row key: {column: text}} of a dashboard table; a row's key is the first of `keys`
    (attributes; default data-scope, then data-tier) that it carries."""
    keys = keys or ("data-scope", "data-tier")
    rows = page.locator(", ".join(f"#{table} tbody tr[{key}]" for key in keys))
    found: dict[str, dict[str, str]] = {}
    for i in range(rows.count()):
        row = rows.nth(i)
        key = next((v for k in keys if (v := row.get_attribute(k))), "")
        found[key] = {
            cell.get_attribute("data-col") or "": cell.inner_text()
            for cell in row.locator("td[data-col]").all()
        }
    return found
