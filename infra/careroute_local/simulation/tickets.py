"""Follow-up tickets in the simulation: stewards close theirs when the drawn day comes, and at
the month's end the city admin's view of every ticket is counted.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from careroute.domain import clock
from careroute.domain.vocabulary import CHINA_TZ, Steward
from careroute_local.simulation.config import draw
from careroute_local.simulation.engine import Engine
from careroute_local.simulation.state import Run
from careroute_local.simulation.timetable import FOLLOW_UP, at, regular_day

CLOSE_DELAY_DAYS = {"urgent": (0, 0), "high": (0, 2), "normal": (0, 6)}
"""Days between a ticket opening and the steward closing it, drawn per ticket."""


def follow_up(run: Run, engine: Engine, steward: Steward, day: date) -> None:
    """Close the community's open tickets whose (drawn) closing day has come."""
    status, payload = engine.community_tickets(steward)
    if status != 200:
        run.note(f"{day}: GET /tickets for {steward.community_id} answered {status}")
        return
    for ticket in payload["tickets"]:
        opened = datetime.fromisoformat(ticket["opened_at"]).astimezone(CHINA_TZ).date()
        delay = _close_delay(run.config.seed, ticket["ticket_id"], ticket["severity"])
        if day < opened + timedelta(days=delay) and not _due_before_next_shift(
            steward, day, datetime.fromisoformat(ticket["due_at"])
        ):
            continue
        body = {"action": "followed up on the visit's finding", "result": "resolved"}
        closed, _ = engine.close_ticket(steward.steward_id, ticket["ticket_id"], body)
        if closed != 200:
            run.note(f"{day}: closing ticket {ticket['ticket_id']} answered {closed}")


@cache
def _close_delay(seed: int, ticket_id: str, severity: str) -> int:
    """The ticket's drawn delay, drawn once: the follow-ups ask for every open ticket's every
    day, and seeding a generator costs more than the rest of the question."""
    low, high = CLOSE_DELAY_DAYS.get(severity, (0, 6))
    return draw(seed, "ticket", ticket_id).randint(low, high)


DUTY_ROUND = 20 * 3600 + 30 * 60
"""When the duty officers go through the tickets handed to their office (after the escalator's
run), every day, non-working days included."""
DUTY_ROLES = {"street": "street_official", "district": "district_official"}


def duty_round(run: Run, engine: Engine, day: date, source: str | None = None) -> None:
    """Each office's duty officer closes the tickets at their level (from `source` only, when
    given) that would be overdue before the next round (those the escalator handed over, and
    any escalated ones)."""
    code, payload = engine.city_tickets("open")
    if code != 200:
        run.note(f"{day}: GET /tickets?scope=city&status=open answered {code}")
        return
    next_round = at(day + timedelta(days=1), DUTY_ROUND)
    per_office: Counter[str] = Counter()
    for ticket in payload["tickets"]:
        role = DUTY_ROLES.get(ticket["level"])
        if role is None or datetime.fromisoformat(ticket["due_at"]) > next_round:
            continue
        if source is not None and ticket.get("source", "visit") != source:
            continue
        scope_id = ticket["street_id"] if ticket["level"] == "street" else ticket["district_id"]
        body = {"action": "duty officer followed up", "result": "resolved"}
        closed, _ = engine.close_ticket_on_duty(role, scope_id, ticket["ticket_id"], body)
        if closed == 200:
            run.totals["tickets_closed_on_duty"] += 1
            per_office[scope_id] += 1
        else:
            run.note(f"{day}: the duty officer closing {ticket['ticket_id']} answered {closed}")
    busiest = max(per_office.values(), default=0)
    run.totals["tickets_on_duty_most_per_office_day"] = max(
        run.totals["tickets_on_duty_most_per_office_day"], busiest
    )


MONTH_CLOSE = 5 * 3600
"""The month's close runs on the next month's first morning (MonthCloseFunction's schedule)."""


def close_the_month(run: Run, engine: Engine, sim_clock: clock.SimulatedClock) -> None:
    """The month's close on the next month's first morning, then the street offices' duty
    rounds until the tickets it opened fall due (no visits: the month is over), so the report
    says whether each elder the month missed was looked for, and in time. A run that stops
    before the month's end (`--days`) closes nothing."""
    first = run.config.last + timedelta(days=1)
    if first.month == run.config.last.month:
        return
    opened_at = at(first, MONTH_CLOSE)
    sim_clock.set(opened_at)
    run.totals["tickets_month_close"] = engine.close_month(opened_at)
    due = opened_at + timedelta(hours=run.policy.retries.unreachable_sla_hours)
    day = first
    while at(day, DUTY_ROUND) <= due:
        sim_clock.set(at(day, DUTY_ROUND))
        duty_round(run, engine, day, source="unreachable")
        day += timedelta(days=1)
    rows = [r for r in _city_tickets(run, engine) if r.get("source") == "unreachable"]
    run.unreachable_elders = {r["elder_id"] for r in rows}
    run.unreachable_on_time = {r["elder_id"] for r in rows if r["closed_at"] and _on_time(r)}


def _city_tickets(run: Run, engine: Engine) -> list[dict[str, Any]]:
    """Every ticket of the city, open and closed, as the city admin sees them."""
    rows: list[dict[str, Any]] = []
    for status in ("open", "closed"):
        code, payload = engine.city_tickets(status)
        if code != 200:
            run.note(f"GET /tickets?scope=city&status={status} answered {code}")
            continue
        rows += payload["tickets"]
    return rows


def ticket_totals(run: Run, engine: Engine) -> dict[str, int]:
    """Follow-up tickets at the month's end, as the city admin sees them."""
    rows = _city_tickets(run, engine)
    closed = [r for r in rows if r["status"] == "closed"]
    on_time = [r for r in closed if _on_time(r)]
    found = [r for r in rows if r.get("source", "visit") == "visit"]
    run.unreachable_elders = {r["elder_id"] for r in rows if r.get("source") == "unreachable"}
    run.tickets_by_source = {
        source: _figures([r for r in rows if r.get("source", "visit") == source])
        for source in sorted({r.get("source", "visit") for r in rows})
    }
    return {
        "tickets_opened": len(rows),
        "tickets_from_findings": len(found),
        "tickets_from_benefit_scan": sum(1 for r in rows if r.get("source") == "benefit"),
        "tickets_from_inspections": sum(1 for r in rows if r.get("source") == "inspection"),
        "tickets_unreachable": sum(1 for r in rows if r.get("source") == "unreachable"),
        "tickets_closed": len(closed),
        "tickets_closed_on_time": len(on_time),
        "tickets_open_overdue": sum(1 for r in rows if r["status"] == "open" and r["overdue"]),
        "tickets_escalated": sum(1 for r in found if r["level"] != "steward"),
    }


def _on_time(row: dict[str, Any]) -> bool:
    closed_at, due_at = row["closed_at"], row["due_at"]
    return datetime.fromisoformat(closed_at) <= datetime.fromisoformat(due_at)


def _figures(rows: list[dict[str, Any]]) -> dict[str, int]:
    """One source's tickets: opened, closed (on time), open and overdue, escalated."""
    closed = [r for r in rows if r["status"] == "closed"]
    return {
        "opened": len(rows),
        "closed": len(closed),
        "closed_on_time": sum(1 for r in closed if _on_time(r)),
        "open_overdue": sum(1 for r in rows if r["status"] == "open" and r["overdue"]),
        "escalated": sum(1 for r in rows if r["level"] != _first_level(r)),
    }


def _first_level(row: dict[str, Any]) -> str:
    """The level a ticket opens at: the street office for an unreachable elder."""
    return "street" if row.get("source") == "unreachable" else "steward"


def ticket_sla(run: Run, engine: Engine, month: str) -> dict[str, Any]:
    """The month's follow-up tickets as the city's coverage report gives them (the `tickets`
    block of GET /coverage): opened, closed, closed on time, open and overdue now."""
    code, figures = engine.ticket_figures(month)
    if code != 200 or not isinstance(figures, dict):
        run.note(f"GET /coverage?month={month}&scope=city answered {code}")
        return {}
    return dict(figures)


def _due_before_next_shift(steward: Steward, day: date, due: datetime) -> bool:
    """Would the ticket be overdue by the steward's next working day's follow-ups? Then the
    steward, whose app lists tickets by due time, closes it today."""
    after = day + timedelta(days=1)
    while not regular_day(steward, after):
        after += timedelta(days=1)
    return at(after, FOLLOW_UP) > due
