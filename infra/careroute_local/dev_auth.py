"""The local stack's token issuer: dev-only RS256 keys with the claims Cognito would issue.

On the local stack API Gateway's JWT authorizer is played by the event pump, which verifies
`Authorization: Bearer <token>` with `verify` (signature, issuer, audience, expiry) and passes
the claims to the handler in requestContext.authorizer.jwt.claims, as API Gateway does.

The key pair is generated on first use and kept in the data directory (`var/dev-jwt-key.json`,
git-ignored). It is a development key: the cloud stack trusts only its Cognito user pool.
"""

from __future__ import annotations

import json
import os
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

    def token(
        self,
        role: str,
        scope: str | None = None,
        *,
        sub: str | None = None,
        ttl_seconds: int = 12 * 3600,
        extra: dict[str, Any] | None = None,
    ) -> str:
        """A signed ID token like Cognito's, with custom:role and custom:scope."""
        now = _now()
        claims: dict[str, Any] = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": sub or f"dev-{role}-{scope or 'all'}-{uuid.uuid4().hex[:8]}",
            "token_use": "id",
            "iat": now,
            "exp": now + ttl_seconds,
            "custom:role": role,
        }
        if scope:
            claims["custom:scope"] = scope
        claims.update(extra or {})
        return jwt.encode({"alg": "RS256", "kid": "careroute-dev"}, claims, self.key)

    def verify(self, authorization: str | None) -> dict[str, Any] | None:
        """The claims of a valid `Bearer <token>` header value; None if missing or invalid."""
        if not authorization:
            return None
        scheme, _, token = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        try:
            decoded = jwt.decode(token.strip(), self.key, algorithms=["RS256"])
            self._claims.validate(decoded.claims)
        except (JoseError, ValueError):
            return None
        return dict(decoded.claims)
