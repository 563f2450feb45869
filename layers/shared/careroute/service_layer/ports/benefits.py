"""The benefit claims' port: each notified benefit's claim, stored once and changed step by
step over the version read."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

from careroute.domain.benefits import BenefitClaim


class BenefitClaims(Protocol):
    def open_claim(self, claim: BenefitClaim) -> bool:
        """Store a new claim unless one with its id exists; True when stored."""
        ...

    def get_claim(self, claim_id: str) -> BenefitClaim:
        """The claim (read consistently); NotFoundError when there is none."""
        ...

    def save_step(self, before: BenefitClaim, after: BenefitClaim) -> bool:
        """Store `after` only while the stored claim is still at `before.version`; False
        otherwise (another step came first: nothing written)."""
        ...

    def claims_in(self, district_id: str) -> Iterator[BenefitClaim]:
        """The district's claims, by claim id."""
        ...

    def import_claims(self, claims: Iterable[BenefitClaim]) -> int:
        """Store checked claims of an import, each replacing the stored claim of its id; the
        count written."""
        ...
