"""Benefits approved and paid on the local stack: the daily scan opens a claim with the
street office's ticket; over HTTP the elder's steward applies on the visit, the street office
approves it the same day (its notice ticket closes), the district office pays the month (a
retry of it writes nothing), and the summary counts it; a step by the wrong office and bad
input are refused and change nothing."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from typing import Any

from careroute.adapters.dynamodb import benefit_claims, registry, tickets
from careroute.domain.benefits import ClaimStatus, claim_id
from careroute.domain.eligibility import benefit_ticket_id
from careroute.domain.tickets import TicketStatus
from careroute.domain.vocabulary import ElderStatus, Registry
from careroute_local.pump import EventPump, HttpResponse
from tests.conftest import TODAY, bearer
from tests.integration.test_eligibility import tick


def step(
    pump: EventPump, role: str, scope: str | None, cid: str, body: dict[str, Any]
) -> HttpResponse:
    path = f"/benefits/claims/{cid}/steps"
    return pump.invoke_http("POST", path, headers=bearer(pump, role, scope), body=json.dumps(body))


def test_a_notified_allowance_is_applied_approved_the_same_day_and_paid(
    tiny_stack: EventPump, tiny_city: Registry
) -> None:
    pump = tiny_stack
    elder = next(e for e in tiny_city.elders if e.status is ElderStatus.ACTIVE)
    turning = replace(elder, birth_date=TODAY.replace(year=TODAY.year - 100))
    registry.save_elders([turning])
    report = pump.fire_schedule("EligibilityFunction", tick(TODAY))
    assert report["claims_opened"] == report["notified"] > 0
    cid = claim_id(turning.elder_id, "high_age_100")
    assert benefit_claims.get_claim(cid).status is ClaimStatus.NOTIFIED
    again = pump.fire_schedule("EligibilityFunction", tick(TODAY))
    assert again["claims_opened"] == 0

    steward = next(s for s in tiny_city.stewards if s.community_id == turning.community_id)
    bad = step(pump, "steward", steward.steward_id, cid, {"step": "apply", "month": "May"})
    assert bad.status == 422 and "month" in bad.json()["error"]["message"]
    wrong = step(pump, "steward", steward.steward_id, cid, {"step": "approve"})
    assert wrong.status == 403
    assert benefit_claims.get_claim(cid).status is ClaimStatus.NOTIFIED

    applied = step(pump, "steward", steward.steward_id, cid, {"step": "apply", "visit_id": "v-1"})
    assert applied.status == 200, applied.text
    street = f"street:{turning.street_id}"
    told = pump.invoke_http("GET", "/local/outbox", query={"recipient": street})
    assert any(cid in m["body"] for m in told.json()["recipients"][street]), told.text
    assert (applied.json()["status"], applied.json()["visit_id"]) == ("applied", "v-1")
    approved = step(pump, "street_official", turning.street_id, cid, {"step": "approve"})
    assert approved.status == 200 and approved.json()["decided_on_time"] is True
    ticket = tickets.get_ticket(benefit_ticket_id(turning.elder_id, "high_age_100"))
    assert ticket.status is TicketStatus.CLOSED

    month = TODAY.strftime("%Y-%m")
    paid = step(
        pump, "district_official", turning.district_id, cid, {"step": "pay", "month": month}
    )
    assert paid.status == 200 and paid.json()["paid_months"] == [month]
    twice = step(
        pump, "district_official", turning.district_id, cid, {"step": "pay", "month": month}
    )
    assert (twice.status, twice.json()) == (200, paid.json())  # a retry: nothing written
    assert benefit_claims.get_claim(cid).paid_months == (month,)

    official = bearer(pump, "district_official", turning.district_id)
    query = {"scope": f"district:{turning.district_id}", "month": month}
    figures = pump.invoke_http("GET", "/benefits/summary", headers=official, query=query)
    assert figures.status == 200, figures.text
    total = figures.json()["total"]
    assert total["yuan_paid"] == 1000 and total["by_status"]["paid"] == 1
    assert total["decided_on_time"] == total["decided"] == 1
    listed = pump.invoke_http(
        "GET", "/benefits/claims", headers=bearer(pump, "street_official", turning.street_id),
        query={"scope": f"street:{turning.street_id}", "status": "paid"},
    )  # fmt: skip
    assert listed.status == 200 and [c["claim_id"] for c in listed.json()] == [cid]
    next_month = (TODAY.replace(day=1) + timedelta(days=32)).strftime("%Y-%m")
    later = pump.invoke_http(
        "GET", "/benefits/summary", headers=official, query=query | {"month": next_month}
    )
    assert later.json()["total"]["yuan_paid"] == 0
