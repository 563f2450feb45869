"""End to end on the local stack: nightly plan -> route over HTTP -> outcomes over HTTP
(with a retried duplicate) -> visits stream -> coverage counts exactly right."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import timedelta
from typing import Any

from careroute.adapters.dynamodb import registry
from careroute.adapters.dynamodb.visits import all_visits
from careroute.domain.coverage import Scope, recompute
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import Registry, Tier
from careroute_local.pump import EventPump
from tests.conftest import PLAN_DATE, china_now, nightly_tick_time


def http(
    method: str, url: str, token: str, body: Any = None, key: str | None = None
) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("content-type", "application/json")
    request.add_header("authorization", f"Bearer {token}")
    if key:
        request.add_header("idempotency-key", key)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_a_day_of_visits_flows_from_plan_to_exact_coverage(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    pump = loaded_stack
    server, url = pump.serve_http()
    try:
        pump.fire_schedule("PlannerFunction", nightly_tick_time(PLAN_DATE))
        pump.drain_queue("PlanJobsQueue")
        steward = small_city.stewards[0]
        token = pump.issuer.token("steward", steward.steward_id)
        admin = pump.issuer.token("city_admin")
        status, route = http(
            "GET", f"{url}/stewards/{steward.steward_id}/routes/{PLAN_DATE}", token
        )
        assert status == 200 and len(route["stops"]) >= 3
        first, second, third = route["stops"][:3]

        now = china_now().replace(microsecond=0)
        month = now.strftime("%Y-%m")

        def outcome(stop: dict[str, Any], what: str, minutes: int) -> dict[str, Any]:
            return {
                "steward_id": steward.steward_id,
                "elder_id": stop["elder_id"],
                "outcome": what,
                "visited_at": (now - timedelta(minutes=minutes)).isoformat(),
            }

        posts = [
            (outcome(first, "visited", 90), "visit-first-0001"),
            (outcome(second, "not_home", 60), "visit-second-001"),
            (outcome(third, "visited", 30), "visit-third-0001"),
            (outcome(first, "visited", 90), "visit-first-0001"),  # phone retried: duplicate
            (outcome(first, "visited", 10), "visit-first-0002"),  # a second real visit
        ]
        for body, key in posts:
            status, _ = http("POST", f"{url}/visits", token, body, key)
            assert status == 201

        pump.drain_stream("VisitsTable")
        pump.redeliver_stream("VisitsTable")  # every stream record delivered a second time

        status, coverage = http(
            "GET", f"{url}/coverage?month={month}&scope=community:{steward.community_id}", admin
        )
        assert status == 200
        rows = {row["tier"]: row for row in coverage["tiers"]}
        everyone = rows["ALL"]
        community_elders = [
            e
            for e in small_city.elders
            if e.community_id == steward.community_id and e.status.value == "active"
        ]
        assert everyone["elders_due"] == len(community_elders)
        assert everyone["elders_visited"] == 2
        assert everyone["visits_made"] == 4
        assert everyone["outcomes"]["visited"] == 3
        assert everyone["outcomes"]["not_home"] == 1
        assert everyone["visit_rate"] == round(2 / len(community_elders), 4)
        policy = load_policy()
        by_tier = {t.value: 0 for t in Tier}
        for stop in (first, third):
            by_tier[stop["tier"]] += 1
        assert {t: rows[t]["elders_visited"] for t in by_tier} == by_tier

        status, city = http("GET", f"{url}/coverage?month={month}&scope=city", admin)
        assert city["tiers"][-1]["elders_visited"] == 2
        assert city["tiers"][-1]["elders_due"] == sum(
            1 for e in small_city.elders if e.status.value == "active"
        )

        # The counters equal an independent recomputation from the raw visit records.
        recomputed = recompute(all_visits())
        for row in coverage["tiers"]:
            expected = recomputed.get((month, Scope.parse(coverage["scope"]), row["tier"]))
            assert row["elders_visited"] == (expected.elders_visited if expected else 0)
            assert row["visits_made"] == (expected.visits_made if expected else 0)

        visited = registry.get_elder(steward.community_id, first["elder_id"])
        assert visited.last_visited_on == now.date()
        assert policy.tier_of(visited, now.date()).value == first["tier"]
    finally:
        server.shutdown()
