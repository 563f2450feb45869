"""What GET /app/sign-in.json tells the pages, from the web function's environment: Cognito's
hosted-UI endpoints in the cloud, the local issuer's path locally, nothing when not set up."""

from __future__ import annotations

import pytest

from careroute.entrypoints.sign_in import SignIn


def test_a_cognito_domain_gives_its_hosted_ui_endpoints_and_the_token_origin(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SIGN_IN_URL", "https://care-sy.auth.cn-north-1.amazoncognito.com/")
    monkeypatch.setenv("SIGN_IN_CLIENT_ID", "4abc")
    sign_in = SignIn.from_env()
    assert sign_in.page_config() == {
        "configured": True,
        "authorize_url": "https://care-sy.auth.cn-north-1.amazoncognito.com/oauth2/authorize",
        "token_url": "https://care-sy.auth.cn-north-1.amazoncognito.com/oauth2/token",
        "logout_url": "https://care-sy.auth.cn-north-1.amazoncognito.com/logout",
        "client_id": "4abc",
        "scope": "openid email profile",
    }
    assert sign_in.token_origin() == "https://care-sy.auth.cn-north-1.amazoncognito.com"


def test_a_path_beside_the_api_needs_no_other_origin() -> None:
    sign_in = SignIn(base_url="local/auth", client_id="careroute-local")
    assert sign_in.page_config()["token_url"] == "local/auth/oauth2/token"
    assert sign_in.token_origin() == ""


@pytest.mark.parametrize(("base", "client"), [("", "4abc"), ("https://x.example", ""), ("", "")])
def test_without_a_domain_and_a_client_the_pages_are_told_sign_in_is_not_set_up(
    base: str, client: str
) -> None:
    sign_in = SignIn(base_url=base, client_id=client)
    assert sign_in.page_config() == {"configured": False}
