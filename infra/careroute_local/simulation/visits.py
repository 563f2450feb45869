"""A steward's walk: the outcome drawn at each elder's door, the day's outcomes posted as one
offline batch (sometimes twice, as a phone retries), and what the API answered taken in.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from careroute.domain import clock
from careroute.domain.vocabulary import (
    ElderStatus,
    FindingCategory,
    GeoPoint,
    Outcome,
    Severity,
    Steward,
    parse_clock,
)
from careroute_local.simulation.config import draw
from careroute_local.simulation.engine import Engine
from careroute_local.simulation.state import Run
from careroute_local.simulation.timetable import MORNING, at

STATUS_OUTCOMES = {
    Outcome.HOSPITALISED: ElderStatus.HOSPITALISED,
    Outcome.MOVED: ElderStatus.MOVED,
    Outcome.DECEASED: ElderStatus.DECEASED,
}
HOSPITAL_STAY_DAYS = (3, 20)


def idempotency_key(day: date, steward_id: str, elder_id: str) -> str:
    """One key per (day, steward, elder): what the phone gives an outcome when it is queued."""
    return f"sim-{day:%Y%m%d}-{steward_id}-{elder_id}"


def _outcome(
    run: Run, day: date, elder_id: str, appointment: bool, at_stay: bool = False
) -> tuple[Outcome, list[dict[str, str]]]:
    state = run.elders.get(elder_id)
    rates = run.config.rates
    rng = draw(run.config.seed, "outcome", day, elder_id)
    in_hospital = state is not None and state.status is ElderStatus.HOSPITALISED
    if at_stay:  # at the hospital: the elder is in the ward (a refusal is still possible)
        if not in_hospital:
            return Outcome.NOT_HOME, []  # discharged before the visit: the bed is empty
        return (Outcome.REFUSED, []) if rng.random() < rates.refuse else _visited(rng, run)
    if state is not None and state.status is not ElderStatus.ACTIVE:
        return Outcome(state.status.value), []  # planned anyway: the door tells
    u = rng.random()
    draws = [
        (Outcome.DECEASED, rates.deceased),
        (Outcome.MOVED, rates.moved),
        (Outcome.HOSPITALISED, rates.hospitalised),
    ]
    if not appointment:  # a booked time is kept or not, drawn on its own below
        draws += [(Outcome.REFUSED, rates.refuse), (Outcome.NOT_HOME, rates.not_home)]
    for outcome, rate in draws:
        if u < rate:
            return outcome, []
        u -= rate
    if appointment:
        kept = draw(run.config.seed, "appointment", day, elder_id).random()
        if kept >= rates.appointment_kept:
            return Outcome.NOT_HOME, []
    return _visited(rng, run)


def _visited(rng: random.Random, run: Run) -> tuple[Outcome, list[dict[str, str]]]:
    """A completed visit, with a finding now and then."""
    rates = run.config.rates
    findings: list[dict[str, str]] = []
    if rng.random() < rates.finding:
        severity = (
            Severity.URGENT
            if rng.random() < rates.urgent
            else rng.choice([Severity.HIGH, Severity.NORMAL, Severity.NORMAL, Severity.NORMAL])
        )
        category = rng.choice(list(FindingCategory))
        findings.append({"category": category.value, "severity": severity.value, "note": "sim"})
    return Outcome.VISITED, findings


def walk_route(
    run: Run,
    engine: Engine,
    sim_clock: clock.SimulatedClock,
    steward: Steward,
    route: dict[str, Any],
    day: date,
    status_changes: list[tuple[str, str, ElderStatus]],
) -> list[dict[str, Any]]:
    """Meet each elder of the route in order, then post the day's outcomes as one batch."""
    items: list[dict[str, Any]] = []
    meta: dict[str, tuple[str, Outcome]] = {}
    last_end = MORNING
    for stop in route["stops"]:
        elder_id = stop["elder_id"]
        community_id = stop.get("community_id") or route["community_id"]
        at_stay = stop.get("stay") is not None
        outcome, findings = _outcome(run, day, elder_id, bool(stop.get("appointment")), at_stay)
        end = parse_clock(stop["service_end"])
        last_end = max(last_end, end)
        item: dict[str, Any] = {
            "elder_id": elder_id,
            "outcome": outcome.value,
            "visited_at": at(day, end).isoformat(),
            "idempotency_key": idempotency_key(day, steward.steward_id, elder_id),
            "location": {"lat": stop["lat"], "lng": stop["lng"]},
        }
        stay = stop["stay"] if at_stay else _stay_learned(run, day, elder_id, outcome)
        if stay is not None and outcome in (Outcome.VISITED, Outcome.HOSPITALISED):
            item["stay"] = stay
        if findings:
            item["findings"] = findings
            run.totals["findings"] += 1
            run.totals["urgent_findings"] += sum(1 for f in findings if f["severity"] == "urgent")
        if community_id != route["community_id"]:
            item["community_id"] = community_id  # a cover stop: the elder's own community
        items.append(item)
        meta[item["idempotency_key"]] = (community_id, outcome)
    if not items:
        return []
    sim_clock.set(at(day, last_end))
    status, answer = engine.post_outcomes(steward.steward_id, items)
    if status != 200 or not isinstance(answer, dict):
        run.note(f"{day}: POST /visits/batch of {steward.steward_id} answered {status}")
        for item in items:
            run.evidence[item["elder_id"]].rejected.append((day, f"batch {status}"))
        return []
    first_ids = _absorb(run, answer, items, meta, day, status_changes)
    if draw(run.config.seed, "resend", day, steward.steward_id).random() < run.config.rates.resend:
        status, again = engine.post_outcomes(steward.steward_id, items)
        run.totals["resent_batches"] += 1
        run.totals["resent_items"] += len(items)
        same = status == 200 and isinstance(again, dict) and _visit_ids(again) == first_ids
        if not same:
            run.totals["resend_mismatches"] += 1
            run.note(f"{day}: a resent batch of {steward.steward_id} was answered differently")
    return [r["visit"] for r in answer["results"] if r.get("visit")]


def _stay_learned(run: Run, day: date, elder_id: str, outcome: Outcome) -> dict[str, Any] | None:
    """Where an elder found gone to hospital is staying, when the steward learns it (the
    share `stay_known` of stays): one of the two hospitals of the elder's district nearest
    to home. Drawn once per stay (keyed by its first day), so every try of one stay names
    the same hospital."""
    if outcome is not Outcome.HOSPITALISED:
        return None
    state = run.elders.get(elder_id)
    began = state.paused[-1][1] if state and state.status is ElderStatus.HOSPITALISED else day
    rng = draw(run.config.seed, "hospital", began, elder_id)
    elder = run.elder(elder_id)
    hospitals = run.hospitals.get(elder.district_id, ())
    if not hospitals or rng.random() >= run.config.rates.stay_known:
        return None
    nearest = sorted(hospitals, key=lambda h: _squared_distance(h.location, elder.location))
    hospital = rng.choice(nearest[:2])
    return {"place": hospital.name, "lat": hospital.location.lat, "lng": hospital.location.lng}


def _squared_distance(a: GeoPoint, b: GeoPoint) -> float:
    return (a.lat - b.lat) ** 2 + (a.lng - b.lng) ** 2


def _visit_ids(answer: dict[str, Any]) -> list[str | None]:
    return [(r.get("visit") or {}).get("visit_id") for r in answer.get("results", [])]


def _absorb(
    run: Run,
    answer: dict[str, Any],
    items: list[dict[str, Any]],
    meta: dict[str, tuple[str, Outcome]],
    day: date,
    status_changes: list[tuple[str, str, ElderStatus]],
) -> list[str | None]:
    for result in answer["results"]:
        item = items[result["index"]]
        elder_id = item["elder_id"]
        community_id, outcome = meta[item["idempotency_key"]]
        visit = result.get("visit")
        if result.get("status") != 201 or not visit:
            error = result.get("error") or {}
            run.evidence[elder_id].rejected.append((day, str(error.get("code", "error"))))
            run.totals["outcomes_rejected"] += 1
            run.note(
                f"outcomes rejected by the API, e.g. {elder_id} on {day}: "
                f"{error.get('code')}: {error.get('message')}"
            )
            continue
        run.recorded[visit["visit_id"]] = {
            "elder_id": visit["elder_id"],
            "outcome": visit["outcome"],
            "tier": visit["tier"],
            "visited_at": visit["visited_at"],
        }
        run.evidence[elder_id].attempts.append((day, outcome.value))
        run.totals["visits_attempted"] += 1
        run.totals["visits_completed"] += int(outcome is Outcome.VISITED)
        new_status = STATUS_OUTCOMES.get(outcome)
        state = run.elders.get(elder_id)
        if new_status is not None and state is not None and state.status is ElderStatus.ACTIVE:
            state.pause(new_status, day)
            run.totals[f"became_{new_status.value}"] += 1
            if new_status is ElderStatus.HOSPITALISED:
                stay = draw(run.config.seed, "stay", day, elder_id).randint(*HOSPITAL_STAY_DAYS)
                state.home_on = day + timedelta(days=stay)
            status_changes.append((community_id, elder_id, new_status))
    return _visit_ids(answer)
