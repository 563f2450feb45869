"""The overdue view on the local stack, through the real functions: the nightly service
circle count stores every community's view, GET /overdue then reads it and answers what
the full computation over every elder answers; a visit fed to the real projector handler
through the visits stream takes the elder off the list at once."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from careroute.adapters.dynamodb import registry, scopes
from careroute.adapters.dynamodb.overdue_view import DynamoOverdueView
from careroute.adapters.dynamodb.repositories import DynamoElders
from careroute.adapters.dynamodb.visits import save_visit_once
from careroute.domain.coverage import Scope
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import CHINA_TZ, ElderStatus, Outcome, Registry, Tier
from careroute.service_layer.officials import OverdueReading, overdue_in
from careroute_local.pump import EventPump
from tests.builders import a_visit_to
from tests.conftest import TODAY, bearer, china_now
from tests.integration.api_calls import send_json

POLICY = load_policy()


def overdue(pump: EventPump) -> dict[str, object]:
    response = send_json(pump, "GET", "/overdue", bearer(pump, "city_admin"), None,
                         query={"scope": "city"})  # fmt: skip
    assert response.status == 200, response.text
    return response.json()


def test_the_nightly_view_answers_as_every_elder_and_a_visit_clears_its_elder(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    # Two elders of the first community late: one last visited 70 days ago, one never.
    home = [e for e in small_city.elders if e.status is ElderStatus.ACTIVE][:2]
    late = [replace(home[0], last_visited_on=TODAY - timedelta(days=70)),
            replace(home[1], last_visited_on=None, contacted_on=None)]  # fmt: skip
    registry.save_elders(late)
    dawn = datetime.combine(TODAY, datetime.min.time(), CHINA_TZ).replace(hour=4, minute=30)
    summary = loaded_stack.fire_schedule("ServiceCircleCountFunction", dawn)
    assert summary["overdue_views"] == len(small_city.communities)
    ids = [c.community_id for c in small_city.communities]
    assert {w.as_of for w in DynamoOverdueView().read_watches(ids).values()} == {TODAY}

    full = OverdueReading(scopes, DynamoElders())
    expected = overdue_in(Scope.parse("city"), TODAY, POLICY, full, limit=500)
    answered = overdue(loaded_stack)
    assert answered == expected.model_dump(mode="json")
    assert {late[0].elder_id, late[1].elder_id} <= {e["elder_id"] for e in answered["elders"]}

    now = china_now().astimezone(UTC).replace(microsecond=0)
    visit = a_visit_to(late[0], "v-overdue-view", now - timedelta(minutes=5), steward_id="W0001",
                       tier=Tier.T3, outcome=Outcome.VISITED, recorded_at=now)  # fmt: skip
    save_visit_once(visit, request_hash="hash-v-overdue-view")
    loaded_stack.drain_stream("VisitsTable")
    after = overdue(loaded_stack)
    assert after["count"] == answered["count"] - 1
    assert late[0].elder_id not in {e["elder_id"] for e in after["elders"]}
    again = overdue_in(Scope.parse("city"), TODAY, POLICY, full, limit=500)
    assert after == again.model_dump(mode="json")
