"""Inspections: the nightly district fan-out, each district day's fleet plan, results posted
by inspectors (exactly once per key, rectification items as tickets), monthly progress.

Who may act: an inspector (scope = district) reads routes and posts results for their own
district; district officials (their district) and the city admin read routes and progress.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from careroute import routing
from careroute.domain.access import Caller, Role, require_scope
from careroute.domain.coverage import Scope, ScopeKind
from careroute.domain.errors import ConflictError, ForbiddenError, ValidationError
from careroute.domain.inspections import (
    InspectionResult,
    InspectionTarget,
    InspectionWorld,
    Inspector,
    ItemScore,
    Rectification,
    TargetKind,
    after_result,
    candidates,
    rectification_tickets,
    result_id,
)
from careroute.domain.policy import Policy
from careroute.domain.vocabulary import FindingCategory, Severity, china_date
from careroute.messages.inspections import (
    DistrictProgress,
    InspectionPlanJob,
    InspectionProgress,
    InspectionResultBody,
)
from careroute.messages.visits import NightlyTick
from careroute.planning.inspections import inspection_problem, plan_documents
from careroute.service_layer.field_results import check_result_time
from careroute.service_layer.month_param import month_days
from careroute.service_layer.night_plan_date import JobsSent, holidays_near, plan_date_of
from careroute.service_layer.ports import (
    CommunityRepository,
    HolidayCalendar,
    InspectionJobQueue,
    InspectionPlans,
    InspectionResults,
    InspectionTargets,
    InspectorDirectory,
    ResultSaved,
    ScopeDirectory,
    TicketRepository,
)
from careroute.service_layer.scope_access import parse_scope, readable_districts

TARGET_RETRIES = 3


@dataclass(frozen=True)
class InspectionFanOut:
    """The ports of the nightly inspection planner."""

    communities: CommunityRepository
    holidays: HolidayCalendar
    jobs: InspectionJobQueue


@dataclass(frozen=True)
class DistrictPlanning:
    """The ports of the inspection solver: one district day's targets, inspectors, plan."""

    targets: InspectionTargets
    inspectors: InspectorDirectory
    plans: InspectionPlans


@dataclass(frozen=True)
class Inspecting:
    """The ports of the inspections API: routes, results (with their tickets), progress."""

    targets: InspectionTargets
    inspectors: InspectorDirectory
    plans: InspectionPlans
    results: InspectionResults
    tickets: TicketRepository
    communities: CommunityRepository
    scopes: ScopeDirectory


def load_world(
    world: InspectionWorld, targets: InspectionTargets, inspectors: InspectorDirectory
) -> tuple[int, int]:
    """Store targets and inspectors (the local stack's synthetic ones, or an import)."""
    return targets.save_targets(world.targets), inspectors.save_inspectors(world.inspectors)


# ------------------------------------------------------------------ planning


def fan_out(tick: NightlyTick, run_id: str, ports: InspectionFanOut) -> JobsSent:
    """One plan job per district (or the tick's districts) for the plan date."""
    day = plan_date_of(tick)
    districts = sorted({c.district_id for c in ports.communities.all_communities()})
    if tick.district_ids:
        districts = [d for d in districts if d in set(tick.district_ids)]
    holidays = sorted(holidays_near(ports.holidays.holidays(), day))
    jobs = (
        InspectionPlanJob(district_id=d, plan_date=day, run_id=run_id, holidays=holidays)
        for d in districts
    )
    return JobsSent(day, run_id, ports.jobs.send(jobs))


def _next_working_day(day: date, inspectors: list[Inspector], holidays: set[date]) -> date:
    """The first day after `day` with an inspector at work (not a holiday)."""
    later = day + timedelta(days=1)
    for _ in range(366):
        if later not in holidays and any(i.works_on(later) for i in inspectors):
            return later
        later += timedelta(days=1)
    return day + timedelta(days=1)


def plan_district(
    job: InspectionPlanJob, policy: Policy, ports: DistrictPlanning
) -> dict[str, Any]:
    """Route the district's due and overdue targets over its inspectors at work; store the
    validated routes and a summary (re-running the job overwrites them). The summary."""
    rules = policy.inspections
    holidays = set(job.holidays)
    everyone = ports.inspectors.inspectors_of(job.district_id)
    at_work = (
        [] if job.plan_date in holidays else [i for i in everyone if i.works_on(job.plan_date)]
    )
    if not at_work:  # a weekend or holiday: nothing stored, GET route answers 404
        counts = ("candidates", "mandatory", "planned", "unassigned_mandatory", "solve_ms")
        day_off = {"district_id": job.district_id, "date": job.plan_date.isoformat()}
        return day_off | dict.fromkeys(counts, 0) | {"status": "no_inspector_at_work"}
    horizon = job.plan_date + timedelta(days=rules.lookahead_days)
    targets = list(ports.targets.due_by(job.district_id, horizon))
    following = _next_working_day(job.plan_date, everyone, holidays)
    chosen = candidates(targets, job.plan_date, following, rules)
    problem = inspection_problem(chosen, at_work, rules, policy.circuity)
    result = routing.solve_fleet(problem, routing.default_limits(len(chosen)), seed=0)
    plan = plan_documents(job.district_id, job.plan_date, job.run_id, chosen, problem, result)
    ports.plans.save_plan(plan.routes, plan.summary)
    return plan.summary


# ------------------------------------------------------------------ routes


def may_read_district(who: Caller, district_id: str, scopes: ScopeDirectory) -> None:
    """Inspectors read their own district; district officials theirs; the city admin all."""
    if who.role is Role.INSPECTOR:
        if who.scope != district_id:
            raise ForbiddenError("an inspector can only see their own district")
        return
    where = Scope(ScopeKind.DISTRICT, district_id)
    if who.role is Role.STREET_OFFICIAL:
        raise ForbiddenError("inspections are read by district officials and the city admin")
    require_scope(who, where, scopes.ancestors(where))


def inspector_route(who: Caller, inspector_id: str, day: date, ports: Inspecting) -> dict[str, Any]:
    """An inspector's route for a date (targets in order with times; no personal data)."""
    document = ports.plans.get_route(inspector_id, day)
    may_read_district(who, document["district_id"], ports.scopes)
    return document


# ------------------------------------------------------------------ results


def fingerprint(body: InspectionResultBody) -> str:
    text = json.dumps(body.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _result_of(doc: dict[str, Any]) -> InspectionResult:
    return InspectionResult(
        result_id=doc["result_id"],
        target_id=doc["target_id"],
        kind=TargetKind(doc["kind"]),
        inspector_id=doc["inspector_id"],
        district_id=doc["district_id"],
        inspected_at=datetime.fromisoformat(doc["inspected_at"]),
        scores=tuple(ItemScore(i, s) for i, s in sorted(doc["scores"].items())),
        rectifications=tuple(
            Rectification(
                r["item"],
                date.fromisoformat(r["deadline"]),
                FindingCategory(r["category"]),
                Severity(r["severity"]),
                r["note"],
            )
            for r in doc["rectifications"]
        ),
        due_date=date.fromisoformat(doc["due_date"]) if doc.get("due_date") else None,
        beds=doc.get("beds"),
        occupied_beds=doc.get("occupied_beds"),
    )


def _document(
    result: InspectionResult, after: InspectionTarget, policy: Policy, body: InspectionResultBody
) -> dict[str, Any]:
    due = after.due_date
    return {
        "result_id": result.result_id,
        "target_id": result.target_id,
        "kind": result.kind.value,
        "inspector_id": result.inspector_id,
        "district_id": result.district_id,
        "inspected_at": result.inspected_at.isoformat(),
        "scores": {s.item: s.score for s in result.scores},
        "rectifications": [
            {
                "item": r.item,
                "deadline": r.deadline.isoformat(),
                "category": r.category.value,
                "severity": r.severity.value,
                "note": r.note,
            }
            for r in result.rectifications
        ],
        "score": round(result.score_share * 100),
        "passed": result.passed,
        "due_date": result.due_date.isoformat() if result.due_date else None,
        "on_time": result.on_time,
        "next_due_date": due.isoformat() if due else None,
        "beds": result.beds,
        "occupied_beds": result.occupied_beds,
        "stars": (
            after.stars(policy.inspections.rating) if after.kind is TargetKind.INSTITUTION else None
        ),
        "ticket_ids": [t.ticket_id for t in rectification_tickets(after, result)],
        "notes": body.notes,
        "fingerprint": fingerprint(body),
    }


def _public(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k != "fingerprint"}


def _replay(doc: dict[str, Any], fp: str, ports: Inspecting) -> dict[str, Any]:
    """A stored result answered again; its tickets opened if a crash left them unopened."""
    if doc["fingerprint"] != fp:
        raise ConflictError("this Idempotency-Key was already used for a different result")
    target = ports.targets.get_target(doc["target_id"])
    for ticket in rectification_tickets(target, _result_of(doc)):
        ports.tickets.open_once(ticket)
    return _public(doc)


def _check_time(inspected_at: datetime, now: datetime, target: InspectionTarget) -> None:
    check_result_time("inspected_at", inspected_at, now)
    day = china_date(inspected_at)
    if target.available_from and day < target.available_from:
        raise ValidationError(f"inspected_at: before the job's completion {target.available_from}")


def record_result(
    who: Caller,
    body: InspectionResultBody,
    key: str,
    now: datetime,
    policy: Policy,
    ports: Inspecting,
) -> tuple[dict[str, Any], bool]:
    """Record one inspection under (inspector, key): validated, stored with the target's next
    due date in one transaction, one ticket per rectification item. A retry with the same
    key and body answers the stored result (created False) and stores nothing new."""
    who.require(Role.INSPECTOR)
    if not ports.inspectors.inspector_in(who.scope, body.inspector_id):
        raise ForbiddenError(f"{body.inspector_id} is not an inspector of district {who.scope}")
    rid, fp = result_id(body.inspector_id, key), fingerprint(body)
    stored = ports.results.get_result(rid)
    if stored is not None:
        return _replay(stored, fp, ports), False
    for _attempt in range(TARGET_RETRIES):
        target = ports.targets.get_target(body.target_id, consistent=True)
        if target.district_id != who.scope:
            raise ForbiddenError(f"target {target.target_id} is not in district {who.scope}")
        if target.due_date is None:
            raise ConflictError(f"target {target.target_id} has no inspection due (accepted)")
        _check_time(body.inspected_at, now, target)
        try:
            result = InspectionResult(
                result_id=rid,
                target_id=target.target_id,
                kind=target.kind,
                inspector_id=body.inspector_id,
                district_id=target.district_id,
                inspected_at=body.inspected_at,
                scores=body.score_items(),
                rectifications=tuple(r.to_domain() for r in body.rectifications),
                due_date=target.due_date,
                beds=body.beds,
                occupied_beds=body.occupied_beds,
            )
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc
        after = after_result(target, result, policy.inspections)
        doc = _document(result, after, policy, body)
        outcome = ports.results.save_result(doc, target, after)
        if outcome is ResultSaved.EXISTS:
            again = ports.results.get_result(rid)
            assert again is not None
            return _replay(again, fp, ports), False
        if outcome is ResultSaved.CREATED:
            for ticket in rectification_tickets(target, result):
                ports.tickets.open_once(ticket)
            return _public(doc), True
    raise ConflictError(f"target {body.target_id} is changing; try again")


# ------------------------------------------------------------------ progress


def district_progress(
    district_id: str, month: str, today: date, ports: Inspecting
) -> DistrictProgress:
    _first, last = month_days(month)
    as_of = min(today, last + timedelta(days=1))
    results = list(ports.results.results_in(district_id, month))
    still_open = list(ports.targets.due_by(district_id, last))
    done_for_due = sum(1 for r in results if r.due_date is not None and r.due_date <= last)
    return DistrictProgress(
        district_id=district_id,
        due=done_for_due + len(still_open),
        done=len(results),
        done_on_time=sum(1 for r in results if r.on_time),
        open=len(still_open),
        overdue=sum(1 for t in still_open if t.due_date is not None and t.due_date < as_of),
    )


def progress(
    who: Caller, scope: str, month: str, today: date, ports: Inspecting
) -> InspectionProgress:
    """Due vs done vs overdue in a month, per district of the scope (city or a district)."""
    where = parse_scope(scope)
    month_days(month)
    districts = readable_districts(who, where, ports.communities, ports.scopes, may_read_district)
    rows = [district_progress(d, month, today, ports) for d in districts]
    total = DistrictProgress(
        district_id="all",
        **{
            key: sum(getattr(r, key) for r in rows)
            for key in ("due", "done", "done_on_time", "open", "overdue")
        },
    )
    return InspectionProgress(
        month=month, scope=str(where), as_of=today, total=total, districts=rows
    )
