"""An elder nobody finds: the projector, on the memory adapters, opens one "unreachable"
ticket for the street office after the policy's failed tries in a row within a month, and
never a second one for a repeat, a late record or more failed tries."""

from __future__ import annotations

from datetime import datetime, timedelta

from careroute.domain.policy import load_policy
from careroute.domain.tickets import Level, Ticket, TicketSource, unreachable_ticket_id
from careroute.domain.vocabulary import CHINA_TZ, Outcome, Registry, Tier, VisitRecord
from careroute.service_layer.projection import VisitProjection, project
from tests.builders import a_visit_to
from tests.memory_ports import memory_projection
from tests.unit.conftest import STREET_AS_OF

POLICY = load_policy()
MORNING = datetime.combine(STREET_AS_OF, datetime.min.time(), CHINA_TZ).replace(hour=9)


def tries(city: Registry, *outcomes: Outcome) -> list[VisitRecord]:
    """One try a day at the city's first elder, with the given outcomes, in one month."""
    return [
        a_visit_to(
            city.elders[0],
            f"{n:032d}",
            MORNING + timedelta(days=n),
            steward_id=city.stewards[0].steward_id,
            tier=Tier.T3,
            outcome=outcome,
        )
        for n, outcome in enumerate(outcomes)
    ]


def recorded_and_projected(projection: VisitProjection, records: list[VisitRecord]) -> None:
    """Each record stored (as the API does) and then projected (as the stream delivers it)."""
    for record in records:
        projection.visits.save_visit_once(record, record.visit_id)
        project(record, POLICY, projection)


def unreachable(projection: VisitProjection) -> list[Ticket]:
    return [t for t in projection.tickets.open_tickets() if t.source is TicketSource.UNREACHABLE]


NOT_HOME, REFUSED, VISITED = Outcome.NOT_HOME, Outcome.REFUSED, Outcome.VISITED


def test_three_failed_tries_open_one_street_ticket_due_after_its_own_sla(
    one_street: Registry,
) -> None:
    projection = memory_projection(one_street)
    records = tries(one_street, NOT_HOME, REFUSED, NOT_HOME)
    recorded_and_projected(projection, records)

    [ticket] = unreachable(projection)
    elder = one_street.elders[0]
    assert ticket.ticket_id == unreachable_ticket_id(elder.elder_id, records[0].month)
    assert ticket.visit_id == records[2].visit_id
    assert ticket.level is Level.STREET
    assert ticket.opened_at == records[2].visited_at
    assert ticket.due_at == records[2].visited_at + timedelta(hours=48)
    assert ticket.community_id == elder.community_id


def test_a_redelivered_or_late_record_and_a_fourth_try_open_nothing_more(
    one_street: Registry,
) -> None:
    projection = memory_projection(one_street)
    records = tries(one_street, NOT_HOME, NOT_HOME, NOT_HOME, NOT_HOME)
    for record in records:
        projection.visits.save_visit_once(record, record.visit_id)
    for record in (records[2], records[0], records[1], records[2], records[3], records[2]):
        project(record, POLICY, projection)  # out of order, with repeats

    [ticket] = unreachable(projection)
    assert ticket.visit_id == records[2].visit_id  # the third try, whichever came first


def test_two_failed_tries_open_none(one_street: Registry) -> None:
    projection = memory_projection(one_street)
    recorded_and_projected(projection, tries(one_street, NOT_HOME, REFUSED))
    assert unreachable(projection) == []


def test_a_visit_between_the_tries_starts_the_count_again(one_street: Registry) -> None:
    projection = memory_projection(one_street)
    records = tries(one_street, NOT_HOME, NOT_HOME, VISITED, NOT_HOME, REFUSED)
    recorded_and_projected(projection, records)
    assert unreachable(projection) == []

    [fifth] = tries(one_street, *[NOT_HOME] * 6)[5:]
    recorded_and_projected(projection, [fifth])
    [ticket] = unreachable(projection)
    assert ticket.visit_id == fifth.visit_id


def on(city: Registry, day: int, outcome: Outcome) -> VisitRecord:
    """A try at the city's first elder on `day` December 2026, 10:00."""
    at = datetime(2026, 12, day, 10, 0, tzinfo=CHINA_TZ)
    elder, steward_id = city.elders[0], city.stewards[0].steward_id
    return a_visit_to(
        elder, f"{day:032d}", at, steward_id=steward_id, tier=Tier.T3, outcome=outcome
    )


def test_a_month_ending_on_a_failed_try_with_nobody_reached_opens_the_ticket(
    one_street: Registry,
) -> None:
    """Home from hospital late, one try on 31 December (a Thursday, the month's last weekday):
    the month ends without a visit, so the street office looks for the elder."""
    projection = memory_projection(one_street)
    recorded_and_projected(projection, [on(one_street, 30, NOT_HOME)])
    assert not unreachable(projection)  # the 31st is left for a try
    last = on(one_street, 31, REFUSED)
    recorded_and_projected(projection, [last])
    [ticket] = unreachable(projection)
    assert (ticket.visit_id, ticket.level) == (last.visit_id, Level.STREET)
    assert ticket.due_at == last.visited_at + timedelta(hours=48)
    assert "2 failed tries" in ticket.note


def test_a_month_that_reached_the_elder_opens_no_ticket_on_its_last_failed_try(
    one_street: Registry,
) -> None:
    projection = memory_projection(one_street)
    recorded_and_projected(projection, [on(one_street, 3, VISITED), on(one_street, 31, NOT_HOME)])
    assert not unreachable(projection)
