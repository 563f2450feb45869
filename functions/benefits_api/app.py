"""Benefits API: the steward (on the visit) or the street office records an elder's
application for a notified benefit (the street office is told), the street office approves
or refuses it (the same day by default), the district office records each month paid;
offices list their claims and read the figures (claims by status, decisions on time, yuan
paid in a month)."""

from careroute.entrypoints import cold_start  # first: the collector paused while loading

# isort: split

from dataclasses import replace
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from careroute.adapters.dynamodb.benefit_repositories import benefit_approving
from careroute.domain import clock
from careroute.domain.benefits import ClaimStatus
from careroute.entrypoints.handler_setup import with_policy
from careroute.entrypoints.http_api import (
    INPUT_ERRORS,
    DistrictScopeQuery,
    OptionalMonthQuery,
    area_api,
    http_handler,
)
from careroute.entrypoints.notification_setup import notices
from careroute.messages.benefits import BenefitSummary, ClaimStepBody, ClaimView
from careroute.messages.visits import ID_PATTERN
from careroute.service_layer.benefits import list_claims, summary, take_claim_step, view

setup = with_policy()
ports = replace(benefit_approving(), notices=notices())
app, caller, route = area_api("benefits")

ClaimId = Annotated[str, Path(pattern=ID_PATTERN, description="The claim's id")]
ScopeQuery = Annotated[
    str, Query(max_length=80, description="city, district:ID, street:ID or community:ID")
]
StatusQuery = Annotated[ClaimStatus | None, Query(description="Only claims in this status")]


@route("POST", "/benefits/claims/<claim_id>/steps")
def post_step(claim_id: ClaimId, body: Annotated[ClaimStepBody, Body()]) -> ClaimView:
    """Record a step of a benefit claim: apply, approve, refuse or pay (who may take which is the
    policy's roles); the claim after it"""
    rules = setup.policy().benefit_approval
    return view(take_claim_step(caller(), claim_id, body, clock.now(), rules, ports), rules)


@route("GET", "/benefits/claims", errors=INPUT_ERRORS)
def get_claims(scope: ScopeQuery = "", status: StatusQuery = None) -> list[ClaimView]:
    """The benefit claims of a scope (a steward: their community's), optionally of one status"""
    rules = setup.policy().benefit_approval
    return list_claims(caller(), scope, status.value if status else None, rules, ports)


@route("GET", "/benefits/summary", errors=INPUT_ERRORS)
def get_summary(
    scope: DistrictScopeQuery = "city", month: OptionalMonthQuery = None
) -> BenefitSummary:
    """Benefit claims per district: by status, decided on time, waiting past their day, yuan paid in
    the month (officials, admin)"""
    now = clock.now()
    rules = setup.policy().benefit_approval
    return summary(caller(), scope, month or now.strftime("%Y-%m"), now, rules, ports)


lambda_handler = http_handler(app)


cold_start.loaded()
