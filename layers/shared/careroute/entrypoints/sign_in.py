"""Where the web pages sign in: the issuer's endpoints, read from the environment once.

`SIGN_IN_URL` is the base of an OAuth 2.0 authorization server shaped like Cognito's hosted
UI (`/oauth2/authorize`, `/oauth2/token`, `/logout`): the user pool's domain in the cloud,
the local issuer's path on the local stack (relative to the API, resolved by the page).
`SIGN_IN_CLIENT_ID` is the pages' app client. The pages read both from GET
/app/sign-in.json and never ask which of the two they run on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from careroute.entrypoints.config import optional_env

SCOPES = "openid email profile"
"""What the pages ask for: `openid` for the ID token that carries custom:role and scope."""


@dataclass(frozen=True)
class SignIn:
    base_url: str
    """The issuer's base URL (absolute, or relative to the API's); empty: not set up."""
    client_id: str

    @classmethod
    def from_env(cls) -> SignIn:
        base = optional_env("SIGN_IN_URL").strip().rstrip("/")
        return cls(base_url=base, client_id=optional_env("SIGN_IN_CLIENT_ID").strip())

    @property
    def configured(self) -> bool:
        return bool(self.base_url and self.client_id)

    def page_config(self) -> dict[str, Any]:
        """What the pages need to sign in (no secret: the client is public, PKCE instead)."""
        if not self.configured:
            return {"configured": False}
        return {
            "configured": True,
            "authorize_url": f"{self.base_url}/oauth2/authorize",
            "token_url": f"{self.base_url}/oauth2/token",
            "logout_url": f"{self.base_url}/logout",
            "client_id": self.client_id,
            "scope": SCOPES,
        }

    def token_origin(self) -> str:
        """The origin the pages post to for tokens when it is not the API's own ('' then):
        the Content-Security-Policy lets them connect there."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}" if parts.scheme == "https" else ""
