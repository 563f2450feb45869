"""Follow-up tickets end to end on the local stack: the real projector opens them from
stream records (once, even when delivered twice), the hourly escalator schedule raises the
overdue ones, and the API lists them a page at a time and closes them within role and
scope."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest

from careroute.adapters.dynamodb import tickets
from careroute.domain import clock
from careroute.domain.policy import load_policy
from careroute.domain.tickets import Level, TicketStatus, ticket_id
from careroute.domain.vocabulary import (
    CHINA_TZ,
    Elder,
    Registry,
    Severity,
    Tier,
)
from careroute.service_layer.tickets import open_tickets
from careroute_local.pump import EventPump, HttpResponse
from tests.builders import a_visit_to
from tests.conftest import bearer, china_now
from tests.integration.api_calls import post_json
from tests.integration.stored_visits import URGENT_AND_NORMAL, active_elders_of, project_visit

NOW = china_now().astimezone(UTC).replace(microsecond=0)
VISITED_AT = NOW - timedelta(hours=1)


def an_elder(city: Registry) -> Elder:
    return active_elders_of(city, city.stewards[0])[0]


def visit_with_findings(pump: EventPump, elder: Elder, steward_id: str) -> None:
    """A stored visit with an urgent and a normal finding, projected by the real handler."""
    record = a_visit_to(
        elder, "v-tickets-1", VISITED_AT, steward_id=steward_id, tier=Tier.T2,
        findings=URGENT_AND_NORMAL,
    )  # fmt: skip
    project_visit(pump, record)


@pytest.fixture
def opened(loaded_stack: EventPump, small_city: Registry) -> tuple[EventPump, Elder, str]:
    steward = small_city.stewards[0]
    elder = an_elder(small_city)
    visit_with_findings(loaded_stack, elder, steward.steward_id)
    return loaded_stack, elder, steward.steward_id


def community_tickets(community_id: str) -> list[tickets.Ticket]:
    return list(tickets.of_community(community_id))


def close(pump: EventPump, tid: str, role: str, scope: str | None) -> HttpResponse:
    body = {"action": "gas company replaced the hose", "result": "no leak"}
    return post_json(pump, f"/tickets/{tid}/close", bearer(pump, role, scope), body)


def listing(pump: EventPump, role: str, scope: str | None, query: dict[str, str]) -> HttpResponse:
    return pump.invoke_http("GET", "/tickets", headers=bearer(pump, role, scope), query=query)


def test_a_visit_with_two_findings_opens_exactly_two_tickets_even_when_delivered_twice(
    opened: tuple[EventPump, Elder, str],
) -> None:
    pump, elder, _ = opened
    assert pump.redeliver_stream("VisitsTable").failed == 0
    found = community_tickets(elder.community_id)
    assert sorted(t.ticket_id for t in found) == sorted(
        [ticket_id("v-tickets-1", 0), ticket_id("v-tickets-1", 1)]
    )
    urgent = tickets.get_ticket(ticket_id("v-tickets-1", 0))
    assert (urgent.severity, urgent.level, urgent.status) == (
        Severity.URGENT,
        Level.STEWARD,
        TicketStatus.OPEN,
    )
    assert urgent.due_at == VISITED_AT + timedelta(hours=24)
    assert urgent.note == "loose gas hose"


def test_the_hourly_escalator_raises_only_the_overdue_ticket_and_repeats_change_nothing(
    opened: tuple[EventPump, Elder, str],
) -> None:
    pump, _, _ = opened
    later = VISITED_AT + timedelta(hours=25)
    with clock.use(lambda: later):
        assert pump.fire_schedule("EscalatorFunction", later)["escalated"] == 1
        assert pump.fire_schedule("EscalatorFunction", later)["escalated"] == 0
    assert tickets.get_ticket(ticket_id("v-tickets-1", 0)).level is Level.STREET
    assert tickets.get_ticket(ticket_id("v-tickets-1", 1)).level is Level.STEWARD
    much_later = VISITED_AT + timedelta(days=3)
    assert pump.fire_schedule("EscalatorFunction", much_later)["escalated"] == 1
    assert tickets.get_ticket(ticket_id("v-tickets-1", 0)).level is Level.DISTRICT


def test_officials_list_overdue_tickets_in_their_scope(
    opened: tuple[EventPump, Elder, str],
) -> None:
    pump, elder, steward_id = opened
    with clock.use(lambda: VISITED_AT + timedelta(hours=25)):
        overdue = listing(
            pump, "street_official", elder.street_id, {"scope": f"street:{elder.street_id}",
                                                         "status": "overdue"}
        )  # fmt: skip
    assert overdue.status == 200, overdue.text
    assert [t["ticket_id"] for t in overdue.json()["tickets"]] == [ticket_id("v-tickets-1", 0)]
    own = listing(pump, "steward", steward_id, {"scope": f"community:{elder.community_id}"})
    assert own.status == 200 and own.json()["count"] == 2
    admin = listing(pump, "city_admin", None, {"scope": f"district:{elder.district_id}"})
    assert admin.status == 200 and admin.json()["count"] == 2


def test_closing_over_the_api_records_action_and_result(
    opened: tuple[EventPump, Elder, str],
) -> None:
    pump, elder, steward_id = opened
    tid = ticket_id("v-tickets-1", 0)
    response = close(pump, tid, "steward", steward_id)
    assert response.status == 200, response.text
    assert response.json()["status"] == "closed"
    stored = tickets.get_ticket(tid)
    assert (stored.status, stored.action, stored.result) == (
        TicketStatus.CLOSED,
        "gas company replaced the hose",
        "no leak",
    )
    assert stored.closed_at is not None
    assert close(pump, tid, "steward", steward_id).status == 409
    closed = listing(
        pump, "steward", steward_id, {"scope": f"community:{elder.community_id}",
                                      "status": "closed"}
    )  # fmt: skip
    assert [t["ticket_id"] for t in closed.json()["tickets"]] == [tid]
    later = VISITED_AT + timedelta(days=8)
    assert pump.fire_schedule("EscalatorFunction", later)["escalated"] == 1  # the normal one
    assert tickets.get_ticket(tid).level is Level.STEWARD


def test_a_street_official_in_scope_may_close(opened: tuple[EventPump, Elder, str]) -> None:
    pump, elder, _ = opened
    assert (
        close(pump, ticket_id("v-tickets-1", 1), "street_official", elder.street_id).status == 200
    )


def test_callers_outside_the_tickets_scope_get_403(
    opened: tuple[EventPump, Elder, str], small_city: Registry
) -> None:
    pump, elder, _ = opened
    tid = ticket_id("v-tickets-1", 0)
    other_steward = next(s for s in small_city.stewards if s.community_id != elder.community_id)
    assert close(pump, tid, "steward", other_steward.steward_id).status == 403
    assert close(pump, tid, "street_official", "S-elsewhere").status == 403
    assert close(pump, tid, "district_official", "D-elsewhere").status == 403
    assert close(pump, tid, "inspector", elder.district_id).status == 403
    scope = {"scope": f"community:{elder.community_id}"}
    assert listing(pump, "steward", other_steward.steward_id, scope).status == 403
    assert listing(pump, "street_official", "S-elsewhere", scope).status == 403
    assert listing(pump, "inspector", elder.district_id, scope).status == 403
    street = {"scope": f"street:{elder.street_id}"}
    assert listing(pump, "steward", other_steward.steward_id, street).status == 403
    assert tickets.get_ticket(tid).status is TicketStatus.OPEN


def test_closing_an_unknown_ticket_is_404_and_a_missing_result_is_422(
    opened: tuple[EventPump, Elder, str],
) -> None:
    pump, _, steward_id = opened
    assert close(pump, "tk-unknown", "steward", steward_id).status == 404
    path = f"/tickets/{ticket_id('v-tickets-1', 0)}/close"
    response = post_json(pump, path, bearer(pump, "steward", steward_id), {"action": "called"})
    assert response.status == 422


def coverage_tickets(pump: EventPump, role: str, scope_id: str | None, scope: str) -> dict:  # type: ignore[type-arg]
    month = VISITED_AT.astimezone(CHINA_TZ).strftime("%Y-%m")
    response = pump.invoke_http(
        "GET", "/coverage", headers=bearer(pump, role, scope_id), query={"month": month,
                                                                          "scope": scope}
    )  # fmt: skip
    assert response.status == 200, response.text
    return response.json()["tickets"]  # type: ignore[no-any-return]


def test_coverage_reports_tickets_opened_closed_on_time_open_and_overdue_per_scope(
    opened: tuple[EventPump, Elder, str], small_city: Registry
) -> None:
    pump, elder, steward_id = opened
    assert close(pump, ticket_id("v-tickets-1", 1), "steward", steward_id).status == 200
    assert close(pump, ticket_id("v-tickets-1", 1), "steward", steward_id).status == 409
    with clock.use(lambda: VISITED_AT + timedelta(hours=25)):  # the urgent one is overdue
        street = coverage_tickets(pump, "street_official", elder.street_id,
                                  f"street:{elder.street_id}")  # fmt: skip
        city = coverage_tickets(pump, "city_admin", None, "city")
    expected = {
        "opened": 2,
        "closed": 1,
        "closed_on_time": 1,
        "closed_on_time_rate": 1.0,
        "open_now": 1,
        "overdue_now": 1,
    }
    assert street == expected
    assert city == expected
    elsewhere = next(c for c in small_city.communities if c.community_id != elder.community_id)
    other = coverage_tickets(pump, "city_admin", None, f"community:{elsewhere.community_id}")
    assert other == {
        "opened": 0,
        "closed": 0,
        "closed_on_time": 0,
        "closed_on_time_rate": None,
        "open_now": 0,
        "overdue_now": 0,
    }


def test_a_late_close_counts_as_closed_but_not_on_time(
    opened: tuple[EventPump, Elder, str],
) -> None:
    pump, elder, steward_id = opened
    with clock.use(lambda: VISITED_AT + timedelta(hours=30)):  # urgent SLA is 24 h
        assert close(pump, ticket_id("v-tickets-1", 0), "steward", steward_id).status == 200
        figures = coverage_tickets(pump, "city_admin", None, f"community:{elder.community_id}")
    assert (figures["closed"], figures["closed_on_time"], figures["open_now"]) == (1, 0, 1)
    assert figures["overdue_now"] == 0  # the normal one is not due for 7 days


def test_tickets_can_be_listed_by_source(opened: tuple[EventPump, Elder, str]) -> None:
    pump, elder, steward_id = opened
    scope = f"community:{elder.community_id}"
    visits = listing(pump, "steward", steward_id, {"scope": scope, "source": "visit",
                                                   "status": "all"})  # fmt: skip
    benefits = listing(pump, "steward", steward_id, {"scope": scope, "source": "benefit"})
    assert visits.json()["count"] == 2
    assert benefits.status == 200 and benefits.json()["count"] == 0
    assert listing(pump, "steward", steward_id, {"scope": scope, "source": "x"}).status == 422


def pages(pump: EventPump, status: str) -> list[dict]:  # type: ignore[type-arg]
    """The city's tickets with `status`, one per page, as the city admin reads them."""
    query = {"scope": "city", "status": status, "limit": "1"}
    found = [listing(pump, "city_admin", None, query).json()]
    while found[-1]["next_cursor"] is not None:
        after = {**query, "after": found[-1]["next_cursor"]}
        found.append(listing(pump, "city_admin", None, after).json())
    return found


def test_the_citys_pages_carry_the_counted_totals_through_redelivery_escalation_and_close(
    opened: tuple[EventPump, Elder, str],
) -> None:
    """Totals of a page come from the counts of open tickets, not from reading them: after a
    redelivered record, an escalation and a close they equal the tickets stored."""
    pump, elder, steward_id = opened
    assert pump.redeliver_stream("VisitsTable").failed == 0
    later = VISITED_AT + timedelta(hours=25)  # the urgent one is overdue
    assert pump.fire_schedule("EscalatorFunction", later)["escalated"] == 1
    with clock.use(lambda: later):
        open_pages, overdue_pages = pages(pump, "open"), pages(pump, "overdue")
        figures = coverage_tickets(pump, "city_admin", None, "city")
    stored = [t for t in tickets.open_tickets() if t.status is TicketStatus.OPEN]
    assert [p["count"] for p in open_pages] == [len(stored)] * len(stored) == [2, 2]
    assert [t["ticket_id"] for p in open_pages for t in p["tickets"]] == [
        t.ticket_id for t in stored
    ]
    assert [(p["count"], len(p["tickets"])) for p in overdue_pages] == [(1, 1)]
    assert (figures["open_now"], figures["overdue_now"]) == (2, 1)
    assert close(pump, ticket_id("v-tickets-1", 0), "steward", steward_id).status == 200
    with clock.use(lambda: later):
        assert [p["count"] for p in pages(pump, "open")] == [1]
        assert pages(pump, "overdue") == [
            {"scope": "city", "status": "overdue", "count": 0, "tickets": [], "next_cursor": None}
        ]
    assert elder.community_id == stored[0].community_id


def test_a_list_without_limit_is_a_page_of_100_and_the_cursor_leads_to_the_rest(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    """The API pages what is long: 121 open tickets in the city, asked without `limit`, come
    as a page of 100 with the count of all and a cursor to the other 21; a page is at most
    500."""
    policy = load_policy()
    steward = small_city.stewards[0]
    for n, elder in enumerate(active_elders_of(small_city, steward)[:3]):
        for k in range(41 if n == 0 else 40):
            record = a_visit_to(elder, f"v-paged-{n}-{k}", VISITED_AT - timedelta(minutes=k),
                                steward_id=steward.steward_id, tier=Tier.T2,
                                findings=URGENT_AND_NORMAL[1:])  # fmt: skip
            assert open_tickets(tickets, record, policy.tickets) == 1
    query = {"scope": "city", "status": "open"}
    first = listing(loaded_stack, "city_admin", None, query).json()
    assert (first["count"], len(first["tickets"])) == (121, 100)
    after = {**query, "after": first["next_cursor"]}
    rest = listing(loaded_stack, "city_admin", None, after).json()
    assert (rest["count"], len(rest["tickets"]), rest["next_cursor"]) == (121, 21, None)
    ids = [t["ticket_id"] for t in first["tickets"] + rest["tickets"]]
    assert len(set(ids)) == 121
    assert (
        listing(loaded_stack, "city_admin", None, {**query, "limit": "500"}).json()["next_cursor"]
        is None
    )
    assert listing(loaded_stack, "city_admin", None, {**query, "limit": "501"}).status == 422
