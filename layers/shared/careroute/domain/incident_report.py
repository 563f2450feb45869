"""The monthly urgent-response report: incidents by type, time from the event to
acknowledgement and to arrival (p50/p90), and deadline misses. Pure: no AWS.

Times count from the incident's first event (when the elder needed help), not from when the
system heard of it. An incident still unacknowledged (or not arrived) after its deadline is a
miss even though it has no time yet.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from careroute.domain.incidents import EventType, Incident
from careroute.domain.percentiles import percentile


@dataclass(frozen=True)
class ResponseFigures:
    incidents: int
    events: int
    acknowledged: int
    arrived: int
    closed: int
    ack_minutes_p50: float | None
    ack_minutes_p90: float | None
    arrive_minutes_p50: float | None
    arrive_minutes_p90: float | None
    ack_misses: int
    arrive_misses: int

    def as_dict(self) -> dict[str, float | int | None]:
        return dict(self.__dict__)


def _minutes(start: datetime, end: datetime | None) -> float | None:
    return None if end is None else round((end - start).total_seconds() / 60, 1)


def _missed(due: datetime, done: datetime | None, now: datetime) -> bool:
    return done > due if done is not None else now > due


def figures(incidents: list[Incident], now: datetime) -> ResponseFigures:
    acks = [m for i in incidents if (m := _minutes(i.opened_at, i.acknowledged_at)) is not None]
    arrivals = [m for i in incidents if (m := _minutes(i.opened_at, i.arrived_at)) is not None]
    return ResponseFigures(
        incidents=len(incidents),
        events=sum(i.event_count for i in incidents),
        acknowledged=len(acks),
        arrived=len(arrivals),
        closed=sum(1 for i in incidents if i.closed_at is not None),
        ack_minutes_p50=percentile(acks, 0.5),
        ack_minutes_p90=percentile(acks, 0.9),
        arrive_minutes_p50=percentile(arrivals, 0.5),
        arrive_minutes_p90=percentile(arrivals, 0.9),
        ack_misses=sum(1 for i in incidents if _missed(i.ack_due_at, i.acknowledged_at, now)),
        arrive_misses=sum(1 for i in incidents if _missed(i.arrive_due_at, i.arrived_at, now)),
    )


@dataclass(frozen=True)
class MonthReport:
    month: str
    scope: str
    total: ResponseFigures
    by_type: dict[EventType, ResponseFigures]

    def as_dict(self) -> dict[str, object]:
        return {
            "month": self.month,
            "scope": self.scope,
            "total": self.total.as_dict(),
            "by_type": {t.value: f.as_dict() for t, f in self.by_type.items()},
        }


def month_report(
    month: str, scope: str, incidents: Iterable[Incident], now: datetime
) -> MonthReport:
    """The report of the incidents opened in `month` (the caller picks the scope's)."""
    found = [i for i in incidents if i.month == month]
    return MonthReport(
        month=month,
        scope=scope,
        total=figures(found, now),
        by_type={
            t: figures([i for i in found if i.event_type is t], now)
            for t in EventType
            if any(i.event_type is t for i in found)
        },
    )
