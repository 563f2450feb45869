"""The benefit claims in memory, with the behaviour of the DynamoDB adapter (claims stored
once, steps saved over the version read; `tests/contract/` checks both)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from careroute.adapters.memory_store import get_stored
from careroute.domain.benefits import BenefitClaim


class MemoryBenefitClaims:
    def __init__(self) -> None:
        self._by_id: dict[str, BenefitClaim] = {}

    def open_claim(self, claim: BenefitClaim) -> bool:
        if claim.claim_id in self._by_id:
            return False
        self._by_id[claim.claim_id] = claim
        return True

    def get_claim(self, claim_id: str) -> BenefitClaim:
        return get_stored(self._by_id, claim_id, f"no benefit claim {claim_id}")

    def save_step(self, before: BenefitClaim, after: BenefitClaim) -> bool:
        stored = self._by_id.get(before.claim_id)
        if stored is None or stored.version != before.version:
            return False
        self._by_id[after.claim_id] = after
        return True

    def claims_in(self, district_id: str) -> Iterator[BenefitClaim]:
        return iter(
            [
                self._by_id[k]
                for k in sorted(self._by_id)
                if self._by_id[k].district_id == district_id
            ]
        )

    def import_claims(self, claims: Iterable[BenefitClaim]) -> int:
        checked = list(claims)
        for claim in checked:
            self._by_id[claim.claim_id] = claim
        return len(checked)
