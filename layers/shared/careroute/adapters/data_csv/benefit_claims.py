"""benefit_claims.csv: the benefit claims (notified → applied → approved / refused → paid), one
row per claim with its elder, the policy's rule, its status and the time each step of its life
was reached, so a city switching CareRoute on keeps the claims it already has and its figures
(decided on time, yuan paid per month) start from them."""

from __future__ import annotations

import re
from datetime import datetime

from careroute.adapters.data_csv.cells import Cell, choice, optional_text, read_cells, text
from careroute.adapters.data_csv.data_file import DataFile
from careroute.adapters.data_csv.known import Known
from careroute.adapters.data_csv.life_steps import check_in_order, check_reached
from careroute.adapters.data_csv.moments import moment, moment_text
from careroute.adapters.registry_csv.rows import Row
from careroute.adapters.registry_csv.writing import Located
from careroute.domain.beds import Subsistence
from careroute.domain.benefits import (
    BenefitClaim,
    ClaimStatus,
    ClaimStep,
    StepKind,
    claim_id,
    means_test_failure,
)
from careroute.domain.scope_ids import elder_scope_ids
from careroute.domain.vocabulary import china_date

STEP_MOMENTS = ("notified_at", "applied_at", "decided_at", "paid_at")

REACHED: dict[ClaimStatus, frozenset[str]] = {
    ClaimStatus.NOTIFIED: frozenset({"notified_at"}),
    ClaimStatus.APPLIED: frozenset({"notified_at", "applied_at"}),
    ClaimStatus.APPROVED: frozenset({"notified_at", "applied_at", "decided_at"}),
    ClaimStatus.REFUSED: frozenset({"notified_at", "decided_at"}),
    ClaimStatus.PAID: frozenset({"notified_at", "applied_at", "decided_at", "paid_at"}),
}
"""The step times a claim of each status has (a refused claim may also have been applied
for: an elder who declines is refused from notified)."""

WITH_STEP = {
    "applied_at": ("applied_by", "subsistence", "visit_id"),
    "decided_at": ("decided_by", "decision_note"),
    "paid_at": ("paid_by", "paid_months"),
}
"""The cells that belong to a step, empty while the claim has not taken it."""

MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
MAX_YUAN = 100_000


CELLS: dict[str, Cell] = {
    "claim_id": text,
    "rule_id": text,
    "status": choice(ClaimStatus),
    "subsistence": choice(Subsistence, required=False),
    "visit_id": optional_text,
}


def _read(row: Row, known: Known) -> BenefitClaim | None:
    elder = known.elder(row)
    cells = read_cells(row, CELLS)
    given_id, rule_id, status = cells["claim_id"], cells["rule_id"], cells["status"]
    amounts = known.stored.benefits.amounts()
    if rule_id and rule_id not in amounts:
        row.error("rule_id", f"unknown rule {rule_id!r}; the policy's: {', '.join(amounts)}")
    yuan = _yuan(row, status, amounts.get(rule_id))
    times = _step_times(row, status)
    months = _paid_months(row, times.get("decided_at"))
    if elder is not None and rule_id in amounts and given_id:
        expected = claim_id(elder.elder_id, rule_id)
        if given_id != expected:
            reason = f"is not the claim of elder {elder.elder_id} and rule {rule_id} ({expected})"
            row.error("claim_id", reason)
    means_tested = known.stored.approval.means_tested_rule(rule_id)
    if times.get("applied_at") and cells["subsistence"] is None and means_tested:
        reason = f"is empty but {rule_id} is means-tested (the application names it)"
        row.error("subsistence", reason)
    if status is ClaimStatus.REFUSED and not row.get("decision_note"):
        row.error("decision_note", "is empty but the claim is refused (a refusal gives its reason)")
    notified_at = times.get("notified_at")
    if not row.ok or elder is None or status is None or yuan is None or notified_at is None:
        return None
    steps = _steps(row, status, times, months)
    claim = BenefitClaim(
        **cells,
        **elder_scope_ids(elder),
        yuan=yuan,
        notified_at=notified_at,
        steps=steps,
        version=len(steps),  # one per step, as the API's steps bump it
    )
    failed = means_test_failure(claim, known.stored.approval)
    if failed and status in (ClaimStatus.APPROVED, ClaimStatus.PAID):
        row.error("subsistence", f"fails the means test: {failed}")
        return None
    return claim


def _yuan(row: Row, status: ClaimStatus | None, rule_amount: int | None) -> int | None:
    """The monthly amount: the cell's, or empty the rule's (what the scan notifies), except
    that a paid claim states what was paid."""
    if row.get("yuan"):
        return row.integer("yuan", 0, MAX_YUAN)
    if status is ClaimStatus.PAID:
        row.error("yuan", "is empty but the claim is paid (the monthly amount paid)")
        return None
    return rule_amount


def _step_times(row: Row, status: ClaimStatus | None) -> dict[str, datetime | None]:
    """Each step's time: given exactly for the steps the status has reached, in the life's
    order, and a step's own cells empty without it."""
    times = {field: moment(row, field) if row.get(field) else None for field in STEP_MOMENTS}
    if status is None:
        return times
    may_have = frozenset({"applied_at"}) if status is ClaimStatus.REFUSED else frozenset()
    check_reached(row, STEP_MOMENTS, REACHED[status], "claim", status.value, may_have)
    for step, cells in WITH_STEP.items():
        for cell in cells:
            if row.get(cell) and not row.get(step):
                row.error(cell, f"must be empty without {step}")
    check_in_order(row, times)
    return times


def _paid_months(row: Row, decided_at: datetime | None) -> list[str]:
    """The months paid, in the order paid: each YYYY-MM once, none before the approval's."""
    months = row.words("paid_months")
    if row.get("paid_at") and not months:
        row.error("paid_months", "is empty but the claim is paid (the months paid, YYYY-MM;...)")
    approved_in = china_date(decided_at).strftime("%Y-%m") if decided_at else ""
    seen: set[str] = set()
    for month in months:
        if not MONTH.fullmatch(month):
            row.error("paid_months", f"{month!r} is not a month (YYYY-MM)")
        elif month in seen:
            row.error("paid_months", f"{month} is paid twice")
        elif month < approved_in:
            row.error("paid_months", f"{month} is before the approval ({approved_in})")
        seen.add(month)
    return months


def _steps(
    row: Row, status: ClaimStatus, times: dict[str, datetime | None], months: list[str]
) -> tuple[ClaimStep, ...]:
    """The steps the row's times record: the application, the decision, and one payment
    per month paid (each at the first payment's time)."""
    steps: list[ClaimStep] = []
    applied_at, decided_at, paid_at = times["applied_at"], times["decided_at"], times["paid_at"]
    if applied_at is not None:
        steps.append(ClaimStep(StepKind.APPLY, applied_at, row.get("applied_by")))
    if decided_at is not None:
        kind = StepKind.REFUSE if status is ClaimStatus.REFUSED else StepKind.APPROVE
        steps.append(ClaimStep(kind, decided_at, row.get("decided_by"), row.get("decision_note")))
    if paid_at is not None:
        by = row.get("paid_by")
        steps.extend(ClaimStep(StepKind.PAY, paid_at, by, month=month) for month in months)
    return tuple(steps)


def _step_cells(steps: list[ClaimStep]) -> list[str]:
    """The time and who of the first of `steps` (empty cells when there is none)."""
    first = steps[0] if steps else None
    return [moment_text(first.at), first.by] if first else ["", ""]


def _cells(c: BenefitClaim, _located: Located) -> list[str]:
    applied = [s for s in c.steps if s.kind is StepKind.APPLY]
    decided = [s for s in c.steps if s.kind in (StepKind.APPROVE, StepKind.REFUSE)]
    paid = [s for s in c.steps if s.kind is StepKind.PAY]
    return [
        c.claim_id, c.elder_id, c.rule_id, c.status.value, str(c.yuan),
        c.subsistence.value if c.subsistence else "", c.visit_id,
        moment_text(c.notified_at), *_step_cells(applied),
        *_step_cells(decided), decided[0].note if decided else "",
        *_step_cells(paid), ";".join(c.paid_months),
    ]  # fmt: skip


BENEFIT_CLAIMS_COLUMNS = (
    "claim_id", "elder_id", "rule_id", "status", "yuan", "subsistence", "visit_id",
    "notified_at", "applied_at", "applied_by", "decided_at", "decided_by", "decision_note",
    "paid_at", "paid_by", "paid_months",
)  # fmt: skip

BENEFIT_CLAIMS = DataFile(
    name="benefit_claims.csv",
    columns=BENEFIT_CLAIMS_COLUMNS,
    read=_read,
    cells=_cells,
)
