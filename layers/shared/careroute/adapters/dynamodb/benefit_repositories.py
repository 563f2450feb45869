"""The ports of the benefits API on DynamoDB: the benefit claims' table, whose module serves
the claims port itself, and the registry's, once per container. The tables must be bound
first (`bind_tables`)."""

from __future__ import annotations

from careroute.adapters.dynamodb import benefit_claims
from careroute.adapters.dynamodb.repositories import PORTS
from careroute.adapters.wiring import wired
from careroute.service_layer.benefits import BenefitApproving


def benefit_approving() -> BenefitApproving:
    """The ports of the benefits API, on DynamoDB."""
    return wired(BenefitApproving, PORTS, claims=benefit_claims)
