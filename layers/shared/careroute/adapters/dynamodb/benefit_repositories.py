"""The benefit claims' port on DynamoDB, and the ports of the benefits API built from it (and
the registry's), once per container. The tables must be bound first (`bind_tables`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from careroute.adapters.dynamodb import benefit_claims
from careroute.adapters.dynamodb.repositories import PORTS
from careroute.adapters.wiring import wired
from careroute.domain.benefits import BenefitClaim
from careroute.service_layer.benefits import BenefitApproving


class DynamoBenefitClaims:
    def open_claim(self, claim: BenefitClaim) -> bool:
        return benefit_claims.open_claim(claim)

    def get_claim(self, claim_id: str) -> BenefitClaim:
        return benefit_claims.get_claim(claim_id)

    def save_step(self, before: BenefitClaim, after: BenefitClaim) -> bool:
        return benefit_claims.save_step(before, after)

    def claims_in(self, district_id: str) -> Iterator[BenefitClaim]:
        return benefit_claims.claims_in(district_id)

    def import_claims(self, claims: Iterable[BenefitClaim]) -> int:
        return benefit_claims.import_claims(claims)


def benefit_approving() -> BenefitApproving:
    """The ports of the benefits API, on DynamoDB."""
    return wired(BenefitApproving, PORTS, claims=DynamoBenefitClaims())
