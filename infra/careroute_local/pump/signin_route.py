"""`/local/auth/...`: the local issuer's endpoints, shaped like Cognito's hosted UI.

`GET /oauth2/authorize` answers a page listing the local users (the city admin, each district
and street official, each steward, from the loaded registry) with no password; picking one
posts back and redirects to the page with a code. `POST /oauth2/token` trades a code and its
PKCE verifier, or a refresh token, for tokens; `GET /logout` goes back to `logout_uri`. The
local stack's own routes, beside the template's (careroute_local.dev_signin has the rules).
"""

from __future__ import annotations

import html
import json
from urllib.parse import parse_qsl

from careroute_local.dev_signin import (
    CLIENT_ID,
    DevSignIn,
    LocalUser,
    SignInError,
    is_page_uri,
)
from careroute_local.pump.http_events import HttpResponse

SIGN_IN_PREFIX = "/local/auth/"
_HTML = "text/html; charset=utf-8"
_PAGE_HEADERS = {
    "content-type": _HTML,
    "cache-control": "no-store",
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    "referrer-policy": "no-referrer",
}


def sign_in_answer(
    sign_in: DevSignIn, method: str, path: str, raw_query: str, body: str | bytes | None
) -> HttpResponse:
    """The answer of one request under /local/auth/."""
    endpoint = path[len(SIGN_IN_PREFIX) :]
    text = body.decode("utf-8") if isinstance(body, bytes) else body or ""
    query = dict(parse_qsl(raw_query))
    try:
        if endpoint == "oauth2/authorize" and method == "GET":
            return _page(sign_in, query)
        if endpoint == "oauth2/authorize" and method == "POST":
            return _picked(sign_in, dict(parse_qsl(text)))
        if endpoint == "oauth2/token" and method == "POST":
            tokens = sign_in.token(dict(parse_qsl(text)))
            return _json(200, tokens)
        if endpoint == "logout" and method == "GET":
            return _logout(query)
    except SignInError as refused:
        if endpoint == "oauth2/token":
            status = 401 if refused.error == "invalid_client" else 400
            return _json(status, {"error": refused.error, "error_description": refused.description})
        return _error_page(refused)
    return _json(404, {"message": "Not Found"})


def local_users() -> list[LocalUser]:
    """Everyone the pages serve, from the loaded registry: the city admin, one official per
    district and per street, and each steward with their community."""
    # Imported here, not at the top: importing the pump must not import careroute's logger and
    # metrics before the stack applied POWERTOOLS_* (metrics without a namespace fail to flush).
    from careroute.adapters.dynamodb import registry
    from careroute.entrypoints.handler_setup import bound_settings

    bound_settings()
    communities = {c.community_id: c for c in registry.all_communities()}
    districts = sorted({(c.district_id, c.district_name) for c in communities.values()})
    streets = sorted({(c.street_id, c.street_name) for c in communities.values()})
    users = [LocalUser("city_admin", None, "City admin 市民政局")]
    users += [LocalUser("district_official", d, f"{name} ({d})") for d, name in districts]
    users += [LocalUser("street_official", s, f"{name} ({s})") for s, name in streets]
    for steward in sorted(registry.all_stewards(), key=lambda s: s.steward_id):
        community = communities.get(steward.community_id)
        where = community.name if community else steward.community_id
        users.append(
            LocalUser(
                "steward", steward.steward_id, f"{steward.name} · {where} ({steward.steward_id})"
            )
        )
    return users


_GROUPS = {
    "city_admin": "City admin 市民政局",
    "district_official": "District officials 区级",
    "street_official": "Street offices 街道",
    "steward": "Stewards 养老管家",
}


def _page(sign_in: DevSignIn, query: dict[str, str]) -> HttpResponse:
    request = sign_in.check(query)
    hidden = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
        for k, v in request.fields().items()
    )
    users = local_users()
    groups = "".join(
        f'<optgroup label="{html.escape(label)}">'
        + "".join(
            f'<option value="{html.escape(u.key)}">{html.escape(u.label)}</option>'
            for u in users
            if u.role == role
        )
        + "</optgroup>"
        for role, label in _GROUPS.items()
    )
    page = (
        '<!doctype html><html lang="en"><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>CareRoute local sign-in</title>"
        '<body style="font-family:sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem">'
        "<h1>CareRoute · 本地登录 / local sign-in</h1>"
        "<p><strong>Local stack only: no passwords.</strong> Pick who to be; the tokens are "
        "signed by the local dev key and are worthless in the cloud, where Cognito's hosted "
        "sign-in asks for a password.</p>"
        f'<form method="post">{hidden}'
        f'<select name="user" size="12" required style="width:100%">{groups}</select>'
        '<p><button type="submit" id="sign-in">登录 / Sign in</button></p></form></body></html>'
    )
    return HttpResponse(200, dict(_PAGE_HEADERS), page.encode())


def _picked(sign_in: DevSignIn, form: dict[str, str]) -> HttpResponse:
    request = sign_in.check(form)
    role, _, scope = form.get("user", "").partition("|")
    user = next((u for u in local_users() if u.key == f"{role}|{scope}"), None)
    if user is None:
        raise SignInError("access_denied", "no such local user")
    return _redirect(sign_in.grant(request, user))


def _logout(query: dict[str, str]) -> HttpResponse:
    target = query.get("logout_uri", "")
    if query.get("client_id") != CLIENT_ID or not is_page_uri(target):
        raise SignInError("invalid_request", "unknown client_id or logout_uri")
    return _redirect(target)


def _redirect(location: str) -> HttpResponse:
    return HttpResponse(302, {"location": location, "cache-control": "no-store"}, b"")


def _error_page(refused: SignInError) -> HttpResponse:
    page = (
        '<!doctype html><meta charset="utf-8"><title>Sign-in error</title>'
        f"<h1>{html.escape(refused.error)}</h1><p>{html.escape(refused.description)}</p>"
    )
    return HttpResponse(400, dict(_PAGE_HEADERS), page.encode())


def _json(status: int, body: object) -> HttpResponse:
    headers = {"content-type": "application/json", "cache-control": "no-store"}
    return HttpResponse(status, headers, json.dumps(body).encode())
