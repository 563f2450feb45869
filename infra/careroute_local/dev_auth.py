"""The local stack's token issuer: dev-only RS256 keys with the claims Cognito would issue.

On the local stack API Gateway's JWT authorizer is played by the event pump, which verifies
`Authorization: Bearer <token>` with `verify` (signature, issuer, audience, expiry) and passes
the claims to the handler in requestContext.authorizer.jwt.claims, as API Gateway does.

The key pair is generated on first use and kept in the data directory (`var/dev-jwt-key.json`,
git-ignored). It is a development key: the cloud stack trusts only its Cognito user pool.
The pages sign in against it through `careroute_local.dev_signin` (Cognito's hosted-UI
endpoints, played locally); its refresh tokens are signed like the others but never pass
`verify`, so one cannot be used as a bearer token.
"""

from __future__ import annotations

import json
import os
import threading
import uuid
from pathlib import Path
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

from careroute.domain import clock
from careroute_local.paths import DATA_DIR

ISSUER = "https://careroute.local/dev-issuer"
AUDIENCE = "careroute-local"
KEY_FILE = DATA_DIR / "dev-jwt-key.json"
ROLES = (
    "steward",
    "street_official",
    "district_official",
    "city_admin",
    "inspector",
    "assessor",
    "worker",
    "family",
    "call_centre",
)


CLOCK_SKEW_SECONDS = 30
"""How far apart the issuing and the checking process's clocks may be."""
REFRESH_TOKEN_DAYS = 30
"""Cognito's default lifetime of a refresh token."""
SIGNED_TOKENS_KEPT = 1_000
"""Tokens whose verified signature the issuer keeps (a phone sends its token with every
request): a token verified once verifies always, so only its claims are checked again."""


def _now() -> int:
    return int(clock.now().timestamp())


class DevIssuer:
    def __init__(self, key_file: Path = KEY_FILE) -> None:
        if key_file.exists():
            self.key = RSAKey.import_key(json.loads(key_file.read_text("utf-8")))
        else:
            self.key = RSAKey.generate_key(2048, private=True)
            key_file.parent.mkdir(parents=True, exist_ok=True)
            # Written whole under another name, then renamed: a process starting at the same
            # moment reads either no key or a complete one, never half a file.
            partial = key_file.with_name(f"{key_file.name}.{os.getpid()}.tmp")
            partial.write_text(json.dumps(self.key.as_dict(private=True)), "utf-8")
            partial.chmod(0o600)
            partial.replace(key_file)
        # Issued and checked by the stack's clock (the wall, or `careroute --now`): a token is
        # valid for the moment the stack and its pages think it is. Two processes given the
        # same `--now` start their clocks as they start, seconds apart on a busy machine, so
        # a token issued by the earlier one is "issued in the future" for the later one: the
        # leeway tolerates that skew, as any JWT verifier tolerates clocks a little apart.
        self._claims = jwt.JWTClaimsRegistry(
            now=_now,
            leeway=CLOCK_SKEW_SECONDS,
            iss={"essential": True, "value": ISSUER},
            aud={"essential": True, "value": AUDIENCE},
            exp={"essential": True},
            sub={"essential": True},
        )
        self._signed: dict[str, dict[str, Any]] = {}
        self._signed_lock = threading.Lock()

    def token(
        self,
        role: str,
        scope: str | None = None,
        *,
        sub: str | None = None,
        ttl_seconds: int = 12 * 3600,
        extra: dict[str, Any] | None = None,
        token_use: str = "id",
    ) -> str:
        """A signed ID token like Cognito's, with custom:role and custom:scope (or, with
        `token_use`, an access or a refresh token of the same user)."""
        now = _now()
        claims: dict[str, Any] = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": sub or f"dev-{role}-{scope or 'all'}-{uuid.uuid4().hex[:8]}",
            "token_use": token_use,
            "iat": now,
            "exp": now + ttl_seconds,
            "custom:role": role,
        }
        if scope:
            claims["custom:scope"] = scope
        claims.update(extra or {})
        return jwt.encode({"alg": "RS256", "kid": "careroute-dev"}, claims, self.key)

    def verify(self, authorization: str | None) -> dict[str, Any] | None:
        """The claims of a valid `Bearer <token>` header value; None if missing or invalid
        (a refresh token is no bearer token)."""
        if not authorization:
            return None
        scheme, _, token = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        claims = self.claims_of(token.strip())
        if claims is None or claims.get("token_use") == "refresh":
            return None
        return claims

    def refresh_claims(self, token: str) -> dict[str, Any] | None:
        """The claims of a valid refresh token this issuer signed; None otherwise."""
        claims = self.claims_of(token)
        return claims if claims is not None and claims.get("token_use") == "refresh" else None

    def claims_of(self, token: str) -> dict[str, Any] | None:
        """The claims of a token signed by this issuer, for it, and not expired: the
        signature is verified once per token (`SIGNED_TOKENS_KEPT`), the claims every call."""
        with self._signed_lock:
            claims = self._signed.get(token)
        try:
            if claims is None:
                claims = dict(jwt.decode(token, self.key, algorithms=["RS256"]).claims)
                self._keep_signed(token, claims)
            self._claims.validate(claims)
        except (JoseError, ValueError):
            return None
        return dict(claims)

    def _keep_signed(self, token: str, claims: dict[str, Any]) -> None:
        with self._signed_lock:
            if len(self._signed) >= SIGNED_TOKENS_KEPT:
                del self._signed[next(iter(self._signed))]
            self._signed[token] = claims
