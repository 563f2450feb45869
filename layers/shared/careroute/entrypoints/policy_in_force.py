"""The tier policy in force in this container: the bureau's stored one over the policy file,
read through one PolicyInForce per container, so a `PUT /policy` is seen at once here (and
in other containers within service_layer.bureau.POLICY_TTL_SECONDS)."""

from __future__ import annotations

from careroute.adapters.dynamodb.policy_store import DynamoPolicyStore
from careroute.domain.policy import Policy
from careroute.service_layer.bureau import PolicyInForce

POLICY_IN_FORCE = PolicyInForce(DynamoPolicyStore())


def current_policy(fallback: Policy) -> Policy:
    """The bureau's stored policy (cached per container for a short while), else `fallback`."""
    return POLICY_IN_FORCE.over(fallback)
