"""The benefit claims' port on DynamoDB, and the ports of the benefits API built from it (and
the registry's), once per container. The tables must be bound first (`bind_tables`)."""

from __future__ import annotations

from careroute.adapters.dynamodb import benefit_claims
from careroute.adapters.dynamodb.repositories import (
    DynamoCommunities,
    DynamoElders,
    DynamoScopes,
    DynamoStewards,
    DynamoTickets,
)
from careroute.service_layer.benefits import BenefitApproving


class DynamoBenefitClaims:
    open_claim = staticmethod(benefit_claims.open_claim)
    get_claim = staticmethod(benefit_claims.get_claim)
    save_step = staticmethod(benefit_claims.save_step)
    claims_in = staticmethod(benefit_claims.claims_in)
    import_claims = staticmethod(benefit_claims.import_claims)


def benefit_approving() -> BenefitApproving:
    """The ports of the benefits API, on DynamoDB."""
    return BenefitApproving(
        claims=DynamoBenefitClaims(),
        elders=DynamoElders(),
        stewards=DynamoStewards(),
        scopes=DynamoScopes(),
        tickets=DynamoTickets(),
        communities=DynamoCommunities(),
    )
