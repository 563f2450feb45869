"""China's calendar in the pace, the capacity forecast, the tickets' duty clock and the urgent
responders: a make-up Saturday (调休) is a working day for each, the National Day week is not."""

from __future__ import annotations

from datetime import date, datetime, time

from careroute.adapters import memory, memory_visits
from careroute.adapters.china_calendar import ChinaCalendar
from careroute.domain.coverage import ALL_TIERS, Scope
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import CHINA_TZ, Registry, Severity, Tier
from careroute.planning.capacity import Assumptions, forecast
from careroute.service_layer.pace import PaceReading, city_pace
from careroute.service_layer.ports import HolidayCalendar
from careroute.service_layer.responders import on_shift
from careroute.service_layer.ticket_escalation import Escalation, hand_over_to_duty
from tests.unit.test_ticket_duty import found_by

POLICY = load_policy()
CITY = Scope.parse("city")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), CHINA_TZ)


def test_the_october_2026_pace_counts_the_make_up_saturday_and_not_the_holidays() -> None:
    """October 2026 has 22 Mondays to Fridays; 1, 2, 5, 6 and 7 October are holidays and
    Saturday 10 October is worked: 18 working days, 2 of them (8 and 9) done by Friday 9."""
    ports = PaceReading(memory_visits.MemoryCoverage(), ChinaCalendar(memory.MemoryHolidays()))
    ports.coverage.save_registry_totals({(CITY, Tier.T3.value): 10, (CITY, ALL_TIERS): 10})
    friday, saturday = city_pace(date(2026, 10, 9), ports), city_pace(date(2026, 10, 10), ports)
    assert (friday.working_days_done, friday.working_days) == (2, 18)
    assert saturday.working_days_done == 3


def test_the_october_2026_capacity_counts_the_make_up_days_as_visit_slots(
    one_street: Registry,
) -> None:
    """18 working days (22 weekdays less 5 holidays plus Saturday 10 October): each steward's
    visit slots are 18 working days times the day's limit (no absences assumed here), one
    day more than without the make-up day."""
    calendar = ChinaCalendar(memory.MemoryHolidays())
    october, present = date(2026, 10, 1), Assumptions(absence_share=0)
    made_up = forecast(
        october, one_street, POLICY, calendar.holidays(), present, calendar.workdays()
    )
    without = forecast(october, one_street, POLICY, calendar.holidays(), present)
    limit = {s.community_id: s.max_visits_per_day for s in one_street.stewards}
    for row, plain in zip(made_up.communities, without.communities, strict=True):
        assert row.visit_slots == 18 * limit[row.community_id]
        assert plain.visit_slots == 17 * limit[row.community_id]


def escalation(one_street: Registry, holidays: HolidayCalendar) -> Escalation:
    stewards = memory.MemoryStewards()
    stewards.save_stewards(one_street.stewards)
    tickets = memory_visits.MemoryTickets(memory_visits.MemoryCoverage())
    return Escalation(tickets, stewards, holidays)


def test_a_steward_working_the_make_up_saturday_keeps_a_ticket_due_monday(
    one_street: Registry,
) -> None:
    """A high-severity need found on Friday 9 October 2026 at 10:00 is due Monday 10:00. On
    Saturday morning the steward still has Saturday's follow-up: the ticket stays. On an
    ordinary weekend (no make-up day known) it goes to the street's duty officer."""
    ticket = found_by(one_street, 0, Severity.HIGH, at(date(2026, 10, 9), 10))
    saturday_morning = at(date(2026, 10, 10), 10, 30)
    on_china_calendar = escalation(one_street, ChinaCalendar(memory.MemoryHolidays()))
    weekend_only = escalation(one_street, memory.MemoryHolidays())
    for ports in (on_china_calendar, weekend_only):
        ports.tickets.open_once(ticket)
    assert hand_over_to_duty(saturday_morning, POLICY.ticket_duty, on_china_calendar) == 0
    assert hand_over_to_duty(saturday_morning, POLICY.ticket_duty, weekend_only) == 1


def test_a_steward_is_on_shift_on_the_make_up_saturday_only(one_street: Registry) -> None:
    """Urgent responders: at 10:00 on Saturday 10 October 2026 (worked) the steward is on
    shift; on Saturday 17 October and on the National Day holiday the steward is not."""
    steward = one_street.stewards[0]
    calendar = ChinaCalendar(memory.MemoryHolidays())
    holidays, workdays = frozenset(calendar.holidays()), frozenset(calendar.workdays())
    assert on_shift(steward, at(date(2026, 10, 10), 10), holidays, workdays)
    assert not on_shift(steward, at(date(2026, 10, 17), 10), holidays, workdays)
    assert not on_shift(steward, at(date(2026, 10, 5), 10), holidays, workdays)
    assert not on_shift(steward, at(date(2026, 10, 10), 10), holidays)
