"""Home care beds end to end on the local stack: an official records an eligible elder's bed
over the API (an ineligible one is refused with the reason and nothing stored), builds and
accepts it; the nightly bed planner routes it as a mandatory stop on its due day; the
provider's worker reads the route and records the visit once (a retry replays it); the
month's bed coverage an official reads counts it."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest

from careroute.adapters.dynamodb import home_care_beds, home_services
from careroute.domain.beds import BedPolicy
from careroute.domain.eligibility import care_level
from careroute.domain.vocabulary import Elder, ElderStatus, Registry
from careroute_local.pump import EventPump
from tests.conftest import TODAY, bearer, china_now
from tests.integration.api_calls import district_month, post_json
from tests.integration.market_city import with_market

RULES = BedPolicy()


@pytest.fixture(scope="module")
def stack(session_pump: EventPump, small_city: Registry) -> EventPump:
    """One reset stack for the module: the small city and its synthetic providers."""
    return with_market(session_pump, small_city)


def elders(city: Registry, disabled: bool) -> list[Elder]:
    return [
        e
        for e in city.elders
        if e.status is ElderStatus.ACTIVE and (care_level(e.categories) is not None) == disabled
    ]


def bed_body(elder: Elder, subsistence: str) -> dict[str, object]:
    """A POST /beds body: `elder`'s bed, served by their district's synthetic care provider."""
    return {"elder_id": elder.elder_id, "community_id": elder.community_id,
            "provider_id": f"hp-{elder.district_id}-care", "subsistence": subsistence}  # fmt: skip


def build_and_accept(pump: EventPump, official: dict[str, str], bed_id: str,
                     equipment: list[str]) -> None:  # fmt: skip
    """The bed built today with `equipment`, then accepted today."""
    today = TODAY.isoformat()
    built = post_json(pump, f"/beds/{bed_id}/steps", official,
                 {"action": "build", "on": today, "equipment": equipment})  # fmt: skip
    accepted = post_json(pump, f"/beds/{bed_id}/steps", official, {"action": "accept", "on": today})
    assert (built.status, accepted.json()["status"]) == (200, "accepted"), built.body


def test_a_bed_is_recorded_accepted_routed_on_its_due_day_visited_and_counted(
    stack: EventPump, small_city: Registry
) -> None:
    elder = elders(small_city, disabled=True)[0]
    official = bearer(stack, "district_official", elder.district_id)
    provider = f"hp-{elder.district_id}-care"
    body = bed_body(elder, "subsistence_allowance")
    recorded = post_json(stack, "/beds", official, body, key="bed-key-0001")
    assert recorded.status == 201, recorded.body
    bed_id = recorded.json()["bed_id"]
    replay = post_json(stack, "/beds", official, body, key="bed-key-0001")
    assert (replay.status, replay.json()["bed_id"]) == (201, bed_id)
    assert replay.headers.get("idempotent-replayed") == "true"
    build_and_accept(stack, official, bed_id, ["nursing_bed", "fall_sensor"])

    due = TODAY + timedelta(days=RULES.cadence_days)
    evening = china_now().astimezone(UTC)
    stack.fire_schedule("BedPlannerFunction", evening, overrides={"plan_date": due.isoformat()})
    summary = home_care_beds.bed_plan_summary(provider, due)
    assert summary is not None
    assert (summary["mandatory"], summary["planned"], summary["unassigned_mandatory"]) == (
        1, 1, [],
    )  # fmt: skip
    workers = [w.worker_id for w in home_services.workers_of(provider)]
    routes = [
        stack.invoke_http(
            "GET", f"/workers/{w}/bed-routes/{due}", headers=bearer(stack, "worker", w)
        )
        for w in workers
    ]
    assert all(r.status == 200 for r in routes)
    on_route = [(r.json()["worker_id"], s) for r in routes for s in r.json()["stops"]]
    assert [(s["bed_id"], s["mandatory"]) for _, s in on_route] == [(bed_id, True)]

    worker = bearer(stack, "worker", on_route[0][0])
    visit = {"visited_at": china_now().isoformat(), "outcome": "served"}
    first = post_json(stack, f"/beds/{bed_id}/visits", worker, visit, key="visit-key-0001")
    again = post_json(stack, f"/beds/{bed_id}/visits", worker, visit, key="visit-key-0001")
    assert (first.status, again.status) == (201, 201), first.body
    assert first.json()["visit_id"] == again.json()["visit_id"]
    figures = district_month(stack, "/oversight/beds", elder.district_id, f"{TODAY:%Y-%m}")
    assert (figures["beds"]["accepted"], figures["beds_in_service"]) == (1, 1)
    assert (figures["visits_served"], figures["service_hours"]) == (1, 1.0)


def test_an_ineligible_elder_or_a_stranger_is_refused_and_nothing_is_stored(
    stack: EventPump, small_city: Registry
) -> None:
    elder = elders(small_city, disabled=False)[0]
    official = bearer(stack, "district_official", elder.district_id)
    body = bed_body(elder, "low_income")
    refused = post_json(stack, "/beds", official, body, key="bed-key-x001")
    assert refused.status == 422
    assert "not eligible for a home care bed: care level none" in refused.json()["error"]["message"]
    bad = post_json(stack, "/beds", official, {**body, "subsistence": "rich"}, key="bed-key-y001")
    assert bad.status == 422 and "subsistence" in bad.json()["error"]["message"]
    other = post_json(
        stack, "/beds", bearer(stack, "district_official", "Elsewhere"), body, key="bed-key-z001"
    )
    assert other.status == 403
    assert [b for b in home_care_beds.beds_of_district(elder.district_id)
            if b.elder_id == elder.elder_id] == []  # fmt: skip


def test_an_official_reads_and_exports_the_months_service_hours(
    stack: EventPump, small_city: Registry
) -> None:
    """A bed accepted and served once today: an hour of home care bed service in its district,
    one CSV line for the elder, the provider and the programme."""
    elder = elders(small_city, disabled=True)[1]
    official = bearer(stack, "district_official", elder.district_id)
    provider = f"hp-{elder.district_id}-care"
    body = bed_body(elder, "extreme_poverty")
    bed_id = post_json(stack, "/beds", official, body, key="bed-key-hours-1").json()["bed_id"]
    build_and_accept(stack, official, bed_id, ["grab_bars"])
    worker = home_services.workers_of(provider)[0].worker_id
    visit = {"visited_at": china_now().isoformat(), "outcome": "served", "minutes": 90}
    posted = post_json(stack, f"/beds/{bed_id}/visits", bearer(stack, "worker", worker), visit,
                  key="visit-key-hours-1")  # fmt: skip
    assert posted.status == 201, posted.body

    query = f"scope=community:{elder.community_id}&month={TODAY:%Y-%m}"
    read = stack.invoke_http("GET", f"/oversight/service-hours?{query}", headers=official)
    assert read.status == 200, read.body
    assert read.json()["hours_by_programme"]["home_care_bed"] >= 1.5
    export = stack.invoke_http("GET", f"/oversight/service-hours/export?{query}", headers=official)
    assert export.status == 200 and export.headers["content-type"].startswith("text/csv")
    lines = export.body.decode().splitlines()
    assert lines[0].startswith("month,district_id,street_id,community_id,elder_id")
    assert [line for line in lines if line.split(",")[4] == elder.elder_id] == [
        f"{TODAY:%Y-%m},{elder.district_id},{elder.street_id},{elder.community_id},"
        f"{elder.elder_id},{provider},home_care_bed,1,90,1.50"
    ]
    elsewhere = bearer(stack, "district_official", "Elsewhere")
    refused = stack.invoke_http("GET", f"/oversight/service-hours?{query}", headers=elsewhere)
    assert refused.status == 403
