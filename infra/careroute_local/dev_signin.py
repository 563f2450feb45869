"""The local stack's sign-in: Cognito's hosted-UI endpoints played by the dev issuer.

The pages sign in the same way in both places: the authorization code flow with PKCE
(RFC 7636, S256), `/oauth2/authorize` then `POST /oauth2/token`, tokens refreshed with
`grant_type=refresh_token`. Here the "hosted UI" is a page listing the local users to pick
from: the local stack has no passwords, and none of its tokens is valid in the cloud.

Codes are kept in memory (one process serves the local API), used once, for five minutes;
the code's PKCE challenge, client and redirect URI are checked again at the token endpoint.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from careroute.domain import clock
from careroute_local.dev_auth import AUDIENCE, REFRESH_TOKEN_DAYS, DevIssuer

CLIENT_ID = AUDIENCE
"""The local stack's one client: the pages (its tokens' audience, as Cognito's ID tokens
carry their app client's id)."""
SIGN_IN_PATH = "local/auth"
"""Where the local issuer's endpoints are, relative to the local API's base URL."""
SIGN_IN_ENVIRONMENT = {"SIGN_IN_URL": SIGN_IN_PATH, "SIGN_IN_CLIENT_ID": CLIENT_ID}
"""What the local stack gives the web function in place of the Cognito domain and client."""
CODE_SECONDS = 300
TOKEN_SECONDS = 3600
"""The ID and access tokens' lifetime, as the template gives the pages' Cognito client."""
_PAGE_URI = re.compile(r"^(/[\w$-]+)?/app/[\w-]+\.html$")
_VERIFIER = re.compile(r"^[A-Za-z0-9._~-]{43,128}$")


class SignInError(Exception):
    """An OAuth error: `error` is the code the RFCs name, `description` says why."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description


@dataclass(frozen=True)
class LocalUser:
    """Someone to sign in as: a role and the scope the role is bound to."""

    role: str
    scope: str | None
    label: str

    @property
    def key(self) -> str:
        return f"{self.role}|{self.scope or ''}"

    @property
    def sub(self) -> str:
        """The same user gets the same subject on every sign-in and refresh."""
        return f"dev-{self.role}-{self.scope or 'all'}"


@dataclass(frozen=True)
class AuthorizeRequest:
    """A checked `/oauth2/authorize` request: where to send the code, and its challenge."""

    client_id: str
    redirect_uri: str
    state: str
    code_challenge: str
    scope: str

    def fields(self) -> dict[str, str]:
        """The request again, for the sign-in form to post back."""
        return {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "state": self.state,
            "code_challenge": self.code_challenge,
            "code_challenge_method": "S256",
            "scope": self.scope,
        }


@dataclass(frozen=True)
class _Grant:
    request: AuthorizeRequest
    user: LocalUser
    expires_at: float


def is_page_uri(uri: str) -> bool:
    """A page of a local stack: the only places a code or a sign-out may be sent."""
    parts = urlsplit(uri)
    local = parts.hostname in ("127.0.0.1", "localhost")
    return parts.scheme == "http" and local and bool(_PAGE_URI.match(parts.path))


def challenge_of(verifier: str) -> str:
    """PKCE S256: BASE64URL(SHA-256(verifier)) without padding."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def with_query(uri: str, **params: str) -> str:
    return f"{uri}{'&' if '?' in uri else '?'}{urlencode(params)}"


class DevSignIn:
    """The authorize and token endpoints' logic over the dev issuer's keys."""

    def __init__(self, issuer: DevIssuer, token_seconds: int = TOKEN_SECONDS) -> None:
        self.issuer = issuer
        self.token_seconds = token_seconds
        """Lifetime of the ID and access tokens handed out (tests shorten it)."""
        self._grants: dict[str, _Grant] = {}
        self._lock = threading.Lock()

    def check(self, query: dict[str, str]) -> AuthorizeRequest:
        """The authorize request, or SignInError. A bad client or redirect URI is never
        redirected to (the caller shows the error); the rest go back to the page."""
        if query.get("client_id") != CLIENT_ID:
            raise SignInError("invalid_request", "unknown client_id")
        redirect_uri = query.get("redirect_uri", "")
        if not is_page_uri(redirect_uri):
            raise SignInError("invalid_request", "redirect_uri is not a page of this stack")
        if query.get("response_type") != "code":
            raise SignInError("unsupported_response_type", "only the code flow")
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            raise SignInError("invalid_request", "a PKCE S256 code_challenge is required")
        return AuthorizeRequest(
            client_id=CLIENT_ID,
            redirect_uri=redirect_uri,
            state=query.get("state", ""),
            code_challenge=query["code_challenge"],
            scope=query.get("scope", "openid"),
        )

    def grant(self, request: AuthorizeRequest, user: LocalUser) -> str:
        """The redirect back to the page with a one-time code for `user`."""
        code = secrets.token_urlsafe(32)
        expires_at = clock.now().timestamp() + CODE_SECONDS
        with self._lock:
            self._grants[code] = _Grant(request, user, expires_at)
        return with_query(request.redirect_uri, code=code, state=request.state)

    def token(self, form: dict[str, str]) -> dict[str, Any]:
        """The token endpoint: a code and its verifier, or a refresh token, for tokens."""
        if form.get("client_id") != CLIENT_ID:
            raise SignInError("invalid_client", "unknown client_id")
        grant_type = form.get("grant_type")
        if grant_type == "authorization_code":
            user = self._redeem(form)
            tokens = self._tokens(user)
            tokens["refresh_token"] = self.issuer.token(
                user.role,
                user.scope,
                sub=user.sub,
                ttl_seconds=REFRESH_TOKEN_DAYS * 86400,
                token_use="refresh",
            )
            return tokens
        if grant_type == "refresh_token":
            claims = self.issuer.refresh_claims(form.get("refresh_token", ""))
            if claims is None:
                raise SignInError("invalid_grant", "refresh token invalid or expired")
            role, scope = claims["custom:role"], claims.get("custom:scope")
            return self._tokens(LocalUser(role, scope, ""))
        raise SignInError("unsupported_grant_type", "authorization_code or refresh_token")

    def _redeem(self, form: dict[str, str]) -> LocalUser:
        with self._lock:
            grant = self._grants.pop(form.get("code", ""), None)  # used once, whatever follows
        if grant is None or grant.expires_at < clock.now().timestamp():
            raise SignInError("invalid_grant", "code unknown, used or expired")
        if form.get("redirect_uri") != grant.request.redirect_uri:
            raise SignInError("invalid_grant", "redirect_uri differs from the authorize request")
        verifier = form.get("code_verifier", "")
        if not _VERIFIER.match(verifier) or challenge_of(verifier) != grant.request.code_challenge:
            raise SignInError("invalid_grant", "code_verifier does not match the challenge")
        return grant.user

    def _tokens(self, user: LocalUser) -> dict[str, Any]:
        def signed(token_use: str) -> str:
            return self.issuer.token(
                user.role,
                user.scope,
                sub=user.sub,
                ttl_seconds=self.token_seconds,
                token_use=token_use,
            )

        return {
            "id_token": signed("id"),
            "access_token": signed("access"),
            "expires_in": self.token_seconds,
            "token_type": "Bearer",
        }
