"""The local issuer's sign-in, as the pages use it: authorization code with PKCE (S256), one
use per code, the redirect URI checked again, refresh tokens that are no bearer tokens."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from careroute_local.dev_auth import DevIssuer
from careroute_local.dev_signin import (
    CLIENT_ID,
    DevSignIn,
    LocalUser,
    SignInError,
    challenge_of,
    is_page_uri,
)

PAGE = "http://127.0.0.1:8123/v1/app/steward.html"
VERIFIER = "a" * 20 + "-._~" + "B" * 30
STEWARD = LocalUser("steward", "W0001", "Steward W0001")


@pytest.fixture
def sign_in(tmp_path: Path) -> DevSignIn:
    return DevSignIn(DevIssuer(tmp_path / "key.json"), token_seconds=600)


def authorize(sign_in: DevSignIn, **changes: str) -> dict[str, str]:
    query = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": PAGE,
        "state": "s-1",
        "code_challenge": challenge_of(VERIFIER),
        "code_challenge_method": "S256",
        "scope": "openid",
    }
    query.update(changes)
    back = sign_in.grant(sign_in.check(query), STEWARD)
    parts = urlsplit(back)
    assert back.startswith(PAGE + "?")
    return {k: v[0] for k, v in parse_qs(parts.query).items()}


def exchange(sign_in: DevSignIn, code: str, **changes: str) -> dict[str, Any]:
    form = {
        "grant_type": "authorization_code",
        "client_id": CLIENT_ID,
        "code": code,
        "redirect_uri": PAGE,
        "code_verifier": VERIFIER,
    }
    form.update(changes)
    return sign_in.token(form)


def test_the_rfc_7636_example_verifier_gives_its_published_challenge() -> None:
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"  # RFC 7636, appendix B
    assert challenge_of(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_a_code_and_its_verifier_give_tokens_of_the_user_picked(sign_in: DevSignIn) -> None:
    back = authorize(sign_in)
    assert back["state"] == "s-1"
    tokens = exchange(sign_in, back["code"])
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 600
    claims = sign_in.issuer.verify(f"Bearer {tokens['id_token']}")
    assert claims is not None
    assert (claims["custom:role"], claims["custom:scope"], claims["sub"]) == (
        "steward",
        "W0001",
        "dev-steward-W0001",
    )
    assert claims["exp"] - claims["iat"] == 600
    assert sign_in.issuer.verify(f"Bearer {tokens['access_token']}") is not None


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"code_verifier": "b" * 50}, "code_verifier does not match"),
        ({"code_verifier": "short"}, "code_verifier does not match"),
        ({"redirect_uri": PAGE.replace("steward", "dashboard")}, "redirect_uri differs"),
    ],
)
def test_a_code_is_refused_without_its_verifier_or_for_another_page(
    sign_in: DevSignIn, changes: dict[str, str], reason: str
) -> None:
    code = authorize(sign_in)["code"]
    with pytest.raises(SignInError, match=reason) as refused:
        exchange(sign_in, code, **changes)
    assert refused.value.error == "invalid_grant"
    # A failed attempt used the code up: an intercepted code cannot be tried again.
    with pytest.raises(SignInError, match="code unknown, used or expired"):
        exchange(sign_in, code)


def test_a_code_is_used_once(sign_in: DevSignIn) -> None:
    code = authorize(sign_in)["code"]
    exchange(sign_in, code)
    with pytest.raises(SignInError, match="code unknown, used or expired"):
        exchange(sign_in, code)


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"client_id": "someone-else"}, "invalid_request"),
        ({"redirect_uri": "https://evil.example/app/steward.html"}, "invalid_request"),
        ({"redirect_uri": "http://127.0.0.1:8123/v1/docs"}, "invalid_request"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge": ""}, "invalid_request"),
        ({"response_type": "token"}, "unsupported_response_type"),
    ],
)
def test_an_authorize_request_needs_this_client_a_page_and_a_s256_challenge(
    sign_in: DevSignIn, changes: dict[str, str], error: str
) -> None:
    with pytest.raises(SignInError) as refused:
        authorize(sign_in, **changes)
    assert refused.value.error == error


def test_a_refresh_token_gives_new_tokens_but_is_no_bearer_token(sign_in: DevSignIn) -> None:
    tokens = exchange(sign_in, authorize(sign_in)["code"])
    refresh = tokens["refresh_token"]
    assert sign_in.issuer.verify(f"Bearer {refresh}") is None
    again = sign_in.token(
        {"grant_type": "refresh_token", "client_id": CLIENT_ID, "refresh_token": refresh}
    )
    assert "refresh_token" not in again  # as Cognito: the refresh token stays the same
    claims = sign_in.issuer.verify(f"Bearer {again['id_token']}")
    assert claims is not None and claims["sub"] == "dev-steward-W0001"
    with pytest.raises(SignInError, match="refresh token invalid"):
        sign_in.token(
            {
                "grant_type": "refresh_token",
                "client_id": CLIENT_ID,
                "refresh_token": tokens["id_token"],
            }
        )


def test_codes_and_sign_outs_go_only_to_pages_of_a_local_stack() -> None:
    assert is_page_uri(PAGE)
    assert is_page_uri("http://localhost:3000/app/dashboard.html")
    assert not is_page_uri("http://127.0.0.1:8123/v1/app/../docs.html")
    assert not is_page_uri("http://127.0.0.1.evil.example/app/steward.html")
    assert not is_page_uri("javascript:alert(1)//127.0.0.1/app/x.html")
