"""`careroute simulate --check DIR` for the programmes: the month's assessment, benefit-claim
and institution-rating figures of report.json recounted from the raw records under raw/
(month_report.write_programme_raw), with the policy, apart from the use cases that
reported them. Each difference is named; none: the figures are the records'.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from careroute.domain.policy import Policy
from careroute.domain.vocabulary import CHINA_TZ
from careroute_local import month_report
from careroute_local.assessment_sim import result_figures
from careroute_local.rating_sim import rating_changes


def recount(raw: Path, programmes: dict[str, Any], month: str, policy: Policy) -> list[str]:
    """The differences between the report's programme figures and the raw records."""
    if not programmes or programmes.get("simulated") is False or "assessments" not in programmes:
        return []  # --visits-only, or a report from before these were simulated
    return [
        *_assessments(month_report.read_programme_raw(raw, "assessments"),
                      programmes["assessments"], policy),
        *_claims(month_report.read_programme_raw(raw, "benefit_claims"),
                 programmes["benefit_claims"], month, policy),
        *_ratings(month_report.read_programme_raw(raw, "institutions"),
                  programmes["institution_ratings"], month, policy),
    ]  # fmt: skip


def _differ(what: str, reported: Any, recounted: Any) -> list[str]:
    if reported == recounted:
        return []
    return [f"{what}: the report says {reported}, the raw records give {recounted}"]


def _assessments(
    results: list[dict[str, Any]], reported: dict[str, Any], policy: Policy
) -> list[str]:
    problems = []
    for r in results:
        level = policy.assessment.grade(r["scores"]).care_level.value
        if level != r["level"]:
            problems.append(f"assessment {r['request_id']}: scores give {level}, not {r['level']}")
    recounted = result_figures(results)
    for name, value in recounted.items():
        problems += _differ(f"assessments {name}", reported[name], value)
    return problems


def _claims(
    claims: list[dict[str, Any]], reported: dict[str, Any], month: str, policy: Policy
) -> list[str]:
    days = policy.benefit_approval.approval_days
    decided = [c for c in claims if c["applied_at"] and c["decided_at"]]
    on_time = sum(1 for c in decided if _by_day(c["decided_at"], c["applied_at"], days))
    recounted = {
        "claims": len(claims),
        "by_status": dict(sorted(Counter(c["status"] for c in claims).items())),
        "decided": len(decided),
        "decided_on_time": on_time,
        "yuan_paid": sum(c["yuan"] for c in claims if month in c["paid_months"]),
    }
    problems = []
    for name, value in recounted.items():
        problems += _differ(f"benefit claims {name}", reported[name], value)
    return problems


def _by_day(decided_at: str, applied_at: str, approval_days: int) -> bool:
    """Decided by the end of the day applied (China time) plus the policy's days."""
    applied = datetime.fromisoformat(applied_at).astimezone(CHINA_TZ).date()
    due = datetime.combine(applied + timedelta(days=approval_days), time(23, 59, 59), CHINA_TZ)
    return datetime.fromisoformat(decided_at) <= due


def _ratings(
    rows: list[dict[str, Any]], reported: dict[str, Any], month: str, policy: Policy
) -> list[str]:
    if reported.get("simulated") is False:
        return [] if not rows else ["institution ratings not simulated, yet raw rows exist"]
    rubric = policy.inspections.rating
    problems = []
    for r in rows:
        stars = rubric.stars(r["scores"], r["rectifications"])
        if stars != r["stars"]:
            problems.append(f"institution {r['target_id']}: scores give {stars}, not {r['stars']}")
    by_stars = Counter(rubric.stars(r["scores"], r["rectifications"]) for r in rows)
    problems += _differ("institutions by stars", reported["by_stars"],
                        [by_stars[n] for n in range(6)])  # fmt: skip
    for name, value in rating_changes(rows, month).items():
        problems += _differ(f"institution ratings {name}", reported[name], value)
    return problems
