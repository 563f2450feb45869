"""Why an elder missed a deadline, named from what the simulation saw, and the verdict: a run
passes when every miss has a cause no plan could have prevented.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from careroute.domain.compliance import Compliance, Miss, MissKind
from careroute.domain.vocabulary import ElderStatus, Outcome, Steward
from careroute_local.simulation.state import Evidence, Run
from careroute_local.simulation.timetable import regular_day

NOT_OURS = ("hospitalised all month", "hospitalised part of month", "moved", "deceased")
"""Causes of a miss that no plan could have prevented."""
EVERY_TRY = "not home on every try within the cadence"
"""A cadence miss with a first try early enough (the tier's `retry_days` working days before
the deadline) and a try on every working day after it: the plan left nothing untried. Counted
apart from the misses of ours and from the ones no plan could prevent."""
PREVIOUS_MONTH = "deadline at the month's start (the previous month's plan)"
"""A cadence that ran in the month before the simulated one, with too few of its working days
left in the simulated month for a first try and a retry: it belongs to the previous month's
plan, which the simulation does not run."""
LEFT_BEFORE_VISIT = "left care before a visit"
"""A monthly miss off the month's roster: died or moved away before any visit of the month."""
MIN_PLANNABLE_DAYS = 3
"""A miss after a hospital stay is excused when fewer working days than this were left
between the stay's end and the deadline."""


def cause_of(miss: Miss, run: Run) -> str:
    """Why an elder missed a deadline, from what the simulation saw (first that applies)."""
    state = run.elders.get(miss.elder_id)
    evidence = run.evidence.get(miss.elder_id, Evidence())
    start = miss.since + timedelta(days=1) if miss.since else run.config.first
    if miss.kind is MissKind.MONTHLY:
        start = run.config.first
    end = miss.deadline
    window = [start + timedelta(days=k) for k in range((end - start).days + 1)]
    periods = state.periods() if state else ()

    def status_on(day: date) -> ElderStatus:
        for period in periods:
            if period.covers(day):
                return period.status
        return ElderStatus.ACTIVE

    statuses = [status_on(day) for day in window]
    for final in (ElderStatus.DECEASED, ElderStatus.MOVED):
        if final in statuses:
            return final.value
    if window and all(s is ElderStatus.HOSPITALISED for s in statuses):
        return "hospitalised all month"
    if any(s is not ElderStatus.ACTIVE for s in statuses):
        # Plannable: a working day at home, after an evening at home (the plan is made then),
        # after the last stay: the days before it came before the visit was due (a stay
        # stops the clock), or held the try that found the elder gone to hospital.
        last_away = max(
            d for d, s in zip(window, statuses, strict=True) if s is not ElderStatus.ACTIVE
        )
        plannable = [
            d
            for d in window
            if d > last_away
            and d >= run.config.first  # the simulation plans nothing before its first day
            and d.weekday() < 5
            and status_on(d - timedelta(days=1)) is ElderStatus.ACTIVE
        ]
        if len(plannable) < MIN_PLANNABLE_DAYS:
            return "hospitalised part of month"
    steward = _steward_of(run, miss.community_id)
    if miss.kind is MissKind.CADENCE and _previous_months(run, steward, miss, window):
        return PREVIOUS_MONTH
    # Sick on a routed day (the morning's call), or on a later day of the spell (known the
    # night before: no route at all).
    sick_days = set(evidence.sick) | run.sick_days.get(steward.steward_id, set())
    sick = any(start <= d <= end for d in sick_days)
    tried = [(d, o) for d, o in evidence.attempts if start <= d <= end]
    in_window = [o for _, o in tried]
    not_home = in_window.count(Outcome.NOT_HOME.value)
    refused = in_window.count(Outcome.REFUSED.value)
    if not_home or refused:
        parts = [f"not home {not_home} times"] if not_home else []
        parts += [f"refused {refused} times"] if refused else []
        # How early the first try came says whether a retry had room (0: on the deadline).
        first = min(d for d, _ in tried)
        if miss.kind is MissKind.CADENCE and _tried_every_day(run, steward, miss, first, tried):
            return f"{EVERY_TRY} ({', '.join(parts)})"
        parts.append(f"first try {(end - first).days} days before the deadline")
        if sick:
            parts.append("steward sick in between")
        return ", ".join(parts)
    rejected = [code for d, code in evidence.rejected if start <= d <= end]
    if rejected:
        return f"outcome rejected by the API ({rejected[0]})"
    if sick:
        return "steward sick with no cover"
    if any(start <= d <= end for d, _ in evidence.dropped):
        return "capacity (planned but dropped)"
    return "never planned"


def _previous_months(run: Run, steward: Steward, miss: Miss, window: list[date]) -> bool:
    """The cadence ran mostly before the simulated month and left its plan fewer working days
    than the tier's first try and retries take (`retry_days` + 1)."""
    simulated = [d for d in window if d >= run.config.first and regular_day(steward, d)]
    began_before = bool(window) and window[0] < run.config.first
    return began_before and len(simulated) < run.policy.tiers[miss.tier].retry_days + 1


def _steward_of(run: Run, community_id: str) -> Steward:
    return next(s for s in run.city.stewards if s.community_id == community_id)


def _tried_every_day(
    run: Run, steward: Steward, miss: Miss, first: date, tried: list[tuple[date, str]]
) -> bool:
    """A try on each of the steward's working days from `first` to the deadline, the first
    at least the tier's `retry_days` working days before it."""
    days = [
        first + timedelta(days=k)
        for k in range((miss.deadline - first).days + 1)
        if regular_day(steward, first + timedelta(days=k))
    ]
    tried_on = {d for d, _ in tried}
    early_enough = len(days) - 1 >= run.policy.tiers[miss.tier].retry_days
    return early_enough and all(day in tried_on for day in days)


def excused(cause: str) -> bool:
    """Not a miss of ours: no plan could have prevented it, or the plan tried every day."""
    return cause in NOT_OURS or cause == PREVIOUS_MONTH or cause.startswith(EVERY_TRY)


def misses_with_causes(compliance: Compliance, run: Run) -> list[dict[str, Any]]:
    rows = []
    for m in compliance.misses:
        cause = cause_of(m, run)
        rows.append(
            {
                "elder_id": m.elder_id,
                "community_id": m.community_id,
                "tier": m.tier.value,
                "kind": m.kind.value,
                "deadline": m.deadline.isoformat(),
                "since": m.since.isoformat() if m.since else "",
                "visited_on": m.visited_on.isoformat() if m.visited_on else "",
                "away": _not_due(m),
                "cause": cause,
            }
        )
    return rows


def _not_due(miss: Miss) -> str:
    """Why a monthly miss is not in the coverage figures ("" when it is), as the compliance
    decided it."""
    if not miss.away:
        return ""
    return LEFT_BEFORE_VISIT if miss.left_care else "away all month"


def verdict(compliance: Compliance, misses: list[dict[str, Any]], checks: dict[str, Any]) -> int:
    """0: every elder covered and on time, or every miss excused; 1 otherwise."""
    if not checks["passed"]:
        return 1
    return 0 if all(excused(m["cause"]) for m in misses) else 1
