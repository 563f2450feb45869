"""The month's close: on a month's first day, every elder the month just over ended without a
visit gets the street office's "unreachable" ticket.

The projector opens that ticket after the policy's failed tries in a row; an elder with
fewer tries (home from hospital late in the month, tried first on its last days) or none (in
hospital with no place recorded) would otherwise end the month missed and looked for by
nobody. An elder who moved away or died is not looked for. The misses are the month's as the
misses export gives them (kept by the nightly count that morning, else computed). The
ticket's id is the elder's and the month's, so an elder already flagged, or a close run
twice, opens no second one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from careroute.domain.coverage import Scope
from careroute.domain.policy import Policy
from careroute.domain.tickets import month_end_ticket
from careroute.service_layer.month_misses import MissCause, MissesReading, MonthMiss, misses_in
from careroute.service_layer.ports import TicketRepository

LEFT_CARE = frozenset({MissCause.MOVED, MissCause.DECEASED})
"""Misses nobody is sent to look for: the elder left the community's care."""


@dataclass(frozen=True)
class MonthClosing:
    """The ports of the close: the month's misses (communities, elders, visit records and the
    kept misses) and the tickets."""

    reading: MissesReading
    tickets: TicketRepository


def close_month(day: date, at: datetime, policy: Policy, ports: MonthClosing) -> int:
    """On `day`, a month's first day: an "unreachable" ticket opened at `at` for each elder
    the month before ended without a visit; the tickets opened now."""
    month = f"{day - timedelta(days=1):%Y-%m}"
    misses = misses_in(Scope.parse("city"), month, day, policy, ports.reading)
    looked_for: dict[str, list[MonthMiss]] = defaultdict(list)
    for miss in misses:
        if miss.monthly_missed and miss.cause not in LEFT_CARE:
            looked_for[miss.community_id].append(miss)
    sla_hours = policy.retries.unreachable_sla_hours
    opened = 0
    for community_id, missed in sorted(looked_for.items()):
        elders = ports.reading.elders.get_elders(community_id, [m.elder_id for m in missed])
        for miss in missed:
            if (elder := elders.get(miss.elder_id)) is not None:
                ticket = month_end_ticket(elder, month, at, sla_hours, _why(miss))
                opened += ports.tickets.open_once(ticket)
    return opened


def _why(miss: MonthMiss) -> str:
    """What the records say of the month: the tries that failed, or why none was made."""
    if miss.failed_tries:
        tries = "1 failed try" if miss.failed_tries == 1 else f"{miss.failed_tries} failed tries"
        return f"{tries}, the last on {miss.last_try_on} ({miss.cause.value})"
    return {
        MissCause.HOSPITALISED: "in hospital with no place recorded, no try",
        MissCause.CONTACT_ONLY: "phone or video contacts only",
    }.get(miss.cause, "no try")
