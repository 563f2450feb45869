"""The local issuer verifies a token's signature once and keeps it, as a phone sends the
same token with every request; its claims (expiry above all) are still checked each time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from careroute.domain import clock
from careroute_local.dev_auth import CLOCK_SKEW_SECONDS, DevIssuer

ISSUED = datetime(2026, 12, 8, 2, 0, tzinfo=UTC)


def test_a_token_verified_before_is_refused_once_expired_and_a_forged_copy_never_passes(
    tmp_path: Path,
) -> None:
    issuer = DevIssuer(tmp_path / "key.json")
    moment = [ISSUED]
    with clock.use(lambda: moment[0]):
        token = issuer.token("steward", "W0001", ttl_seconds=60)
        for _ in range(2):  # verified, then answered from the kept signature
            claims = issuer.verify(f"Bearer {token}")
            assert claims is not None and claims["custom:scope"] == "W0001"
        claims["custom:scope"] = "W0002"  # a caller's copy: the kept claims stay as signed
        again = issuer.verify(f"Bearer {token}")
        assert again is not None and again["custom:scope"] == "W0001"
        header, payload, _ = token.split(".")
        other = issuer.token("city_admin", ttl_seconds=60).split(".")[1]
        assert issuer.verify(f"Bearer {header}.{other}.{token.split('.')[2]}") is None
        assert issuer.verify(f"Bearer {header}.{payload}.c2lnbmF0dXJl") is None
        moment[0] = ISSUED + timedelta(seconds=60 + CLOCK_SKEW_SECONDS + 1)
        assert issuer.verify(f"Bearer {token}") is None
