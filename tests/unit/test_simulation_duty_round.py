"""The simulation's duty officers: each day's round closes, as the street's (or district's)
official, the tickets at their office's level that would be overdue before the next round,
and leaves the stewards' tickets and those due later alone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import CHINA_TZ, Registry
from careroute_local.simulation.config import SimulationConfig
from careroute_local.simulation.state import Run
from careroute_local.simulation.tickets import duty_round

SATURDAY = date(2026, 12, 12)


def due(day: date, hour: int) -> str:
    return datetime.combine(day, time(hour), CHINA_TZ).isoformat()


def row(ticket_id: str, level: str, due_at: str) -> dict[str, Any]:
    return {
        "ticket_id": ticket_id,
        "level": level,
        "due_at": due_at,
        "street_id": "S1",
        "district_id": "D1",
    }


class OpenTickets:
    """The two engine calls a duty round makes: the city's open tickets, and closing one."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        self.closed: list[tuple[str, str, str]] = []

    def city_tickets(self, status: str) -> tuple[int, Any]:
        assert status == "open"
        return 200, {"tickets": self.rows}

    def close_ticket_on_duty(
        self, role: str, scope_id: str, ticket_id: str, body: dict[str, str]
    ) -> tuple[int, Any]:
        self.closed.append((role, scope_id, ticket_id))
        return 200, {}


def test_the_duty_round_closes_what_would_be_late_by_the_next_round_at_its_level() -> None:
    sunday = SATURDAY + timedelta(days=1)
    engine = OpenTickets(
        [
            row("handed-over", "street", due(sunday, 10)),
            row("escalated", "district", due(SATURDAY, 9)),
            row("later", "street", due(sunday + timedelta(days=2), 10)),
            row("stewards", "steward", due(sunday, 10)),
        ]
    )
    run = Run(SimulationConfig(month="2026-12"), Registry((), (), ()), load_policy())

    duty_round(run, engine, SATURDAY)

    assert engine.closed == [
        ("street_official", "S1", "handed-over"),
        ("district_official", "D1", "escalated"),
    ]
    assert run.totals["tickets_closed_on_duty"] == 2
    assert run.totals["tickets_on_duty_most_per_office_day"] == 1
