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
