"""Phone and video contacts through the API: `POST /visits` and the batch accept them, the
visits table stores them like any outcome, and, after the projector, `GET /coverage` tallies
them per outcome without counting the elder visited (the default policy), in agreement with
the drift check's recount of the visit records."""

from __future__ import annotations

import json
import tomllib
from datetime import timedelta

from careroute.adapters.dynamodb.oversight_repositories import coverage_checking
from careroute.adapters.dynamodb.visits import all_visits
from careroute.domain.policy import DEFAULT_POLICY_PATH
from careroute.domain.vocabulary import Outcome, Registry
from careroute.entrypoints.policy_in_force import POLICY_IN_FORCE
from careroute.service_layer.coverage_check import check_month
from careroute_local.cli import main
from careroute_local.pump import EventPump
from tests.conftest import bearer, china_now
from tests.integration.api_calls import post_json


def test_a_phone_and_a_video_contact_are_stored_and_tallied_but_visit_nobody(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    steward = small_city.stewards[0]
    elder = next(e for e in small_city.elders if e.community_id == steward.community_id)
    now = china_now().replace(microsecond=0)
    auth = bearer(loaded_stack, "steward", steward.steward_id)
    call = {"elder_id": elder.elder_id, "outcome": "phone_contact", "visited_at": now.isoformat()}
    single = post_json(loaded_stack, "/visits", auth, call, key="call-0000001")
    video = {**call, "outcome": "video_contact", "idempotency_key": "call-0000002",
             "visited_at": (now - timedelta(hours=1)).isoformat()}  # fmt: skip
    batch = post_json(loaded_stack, "/visits/batch", auth, {"items": [video]})

    assert single.status == 201, single.text
    assert single.json()["outcome"] == "phone_contact"
    assert batch.status == 200 and [r["status"] for r in batch.json()["results"]] == [201]
    stored = sorted(v.outcome for v in all_visits())
    assert stored == [Outcome.PHONE_CONTACT, Outcome.VIDEO_CONTACT]

    loaded_stack.drain_stream("VisitsTable")
    month = now.strftime("%Y-%m")
    query = {"month": month, "scope": f"community:{elder.community_id}"}
    response = loaded_stack.invoke_http(
        "GET", "/coverage", headers=bearer(loaded_stack, "city_admin"), query=query
    )
    assert response.status == 200, response.text
    [row] = [r for r in response.json()["tiers"] if r["tier"] == "ALL"]
    assert row["outcomes"]["phone_contact"] == 1 and row["outcomes"]["video_contact"] == 1
    assert (row["visits_made"], row["elders_visited"]) == (2, 0)
    assert check_month(month, coverage_checking()) == []


def test_with_the_bureaus_setting_a_call_covers_the_month_everywhere_it_is_counted(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    """Given the bureau's policy counting calls toward the month, when a phone contact is
    projected, then GET /coverage and GET /coverage/daily count the elder visited, and the
    `careroute coverage` drift check (reading the same policy) finds no drift."""
    admin = bearer(loaded_stack, "city_admin")
    document = tomllib.loads(DEFAULT_POLICY_PATH.read_text("utf-8"))
    document["contacts"] = {"count_toward_monthly": True}
    try:
        put = loaded_stack.invoke_http("PUT", "/policy", headers=admin, body=json.dumps(document))
        assert put.status == 200, put.text
        steward = small_city.stewards[0]
        elder = next(e for e in small_city.elders if e.community_id == steward.community_id)
        now = china_now().replace(microsecond=0)
        call = {
            "elder_id": elder.elder_id,
            "outcome": "phone_contact",
            "visited_at": now.isoformat(),
        }
        auth = bearer(loaded_stack, "steward", steward.steward_id)
        posted = post_json(loaded_stack, "/visits", auth, call, key="call-0000003")
        assert posted.status == 201, posted.text
        loaded_stack.drain_stream("VisitsTable")

        month = now.strftime("%Y-%m")
        query = {"month": month, "scope": f"community:{elder.community_id}"}
        coverage = loaded_stack.invoke_http("GET", "/coverage", headers=admin, query=query)
        [row] = [r for r in coverage.json()["tiers"] if r["tier"] == "ALL"]
        assert (row["visits_made"], row["elders_visited"]) == (1, 1)
        daily = loaded_stack.invoke_http("GET", "/coverage/daily", headers=admin, query=query)
        assert daily.status == 200, daily.text
        assert daily.json()["days"][-1]["ALL"] == 1
        main(["coverage", "--month", month])  # exits 1 on drift
    finally:
        POLICY_IN_FORCE.forget()  # the next test's stack has no stored policy: read it again
