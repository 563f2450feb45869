"""`careroute simulate --check DIR` for the programmes: the month's home care bed, meal,
day-care, assessment, benefit-claim and institution-rating figures of report.json
recounted from the raw records under raw/ (month_report.write_programme_raw), with the
policy, apart from the use cases that reported them. Each difference is named; none: the
figures are the records'."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from careroute.domain.bed_visits import month_coverage
from careroute.domain.policy import Policy
from careroute.domain.vocabulary import CHINA_TZ, china_date
from careroute_local import month_report
from careroute_local.assessment_sim import result_figures
from careroute_local.rating_sim import rating_changes


def recount(raw: Path, programmes: dict[str, Any], month: str, policy: Policy) -> list[str]:
    """The differences between the report's programme figures and the raw records."""
    if not programmes or programmes.get("simulated") is False or "assessments" not in programmes:
        return []  # --visits-only, or a report from before these were simulated
    return [
        *_beds(raw, programmes["home_care_beds"], month, policy),
        *_differ("service hours of home care beds",
                 programmes["service_hours"]["hours_by_programme"]["home_care_bed"],
                 programmes["home_care_beds"]["service_hours"]),
        *_meals(raw, programmes["meals"]),
        *_day_care(raw, programmes["day_care"], month),
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


def _beds(raw: Path, reported: dict[str, Any], month: str, policy: Policy) -> list[str]:
    """The bed coverage recounted from the beds and visit records, judged through the same
    day as the report (a report from before the beds' records were kept: nothing to recount)."""
    # Imported here, not at the module's top: the DynamoDB package loads observability, whose
    # metrics take their namespace from the environment a stack applies only later.
    from careroute.adapters.dynamodb.home_care_beds import bed_from, visit_from

    if not (raw / "home_care_beds.json").exists():
        return []
    records = month_report.read_programme_raw(raw, "home_care_beds")
    beds = [bed_from(d) for d in records["beds"]]
    visits = [visit_from(d) for d in records["visits"]]
    through = date.fromisoformat(reported["judged_through"])
    coverage = month_coverage(month, beds, visits, policy.home_care_beds, through)
    recounted = {
        "beds_in_service": coverage.beds_in_service,
        "beds_due": coverage.beds_due,
        "beds_served": coverage.beds_served,
        "monthly_misses": len(coverage.misses) - coverage.cadence_misses,
        "cadence_misses": coverage.cadence_misses,
        "visits_served": coverage.visits_served,
        "visits_not_home": coverage.visits_not_home,
        "service_hours": round(coverage.service_minutes / 60, 1),
    }
    problems = []
    for name, value in recounted.items():
        problems += _differ(f"home care beds {name}", reported[name], value)
    return problems


def _meals(raw: Path, reported: dict[str, Any]) -> list[str]:
    """Meals by mode and the subsidy owed (each booking's meals times its subsidy per meal)."""
    if not (raw / "meal_bookings.json").exists():
        return []
    rows = month_report.read_programme_raw(raw, "meal_bookings")
    recounted = {
        "meals_delivered": sum(r["meals"] for r in rows if r["mode"] == "delivery"),
        "meals_dine_in": sum(r["meals"] for r in rows if r["mode"] == "dine_in"),
        "subsidy_yuan": sum(r["meals"] * r["subsidy_per_meal"] for r in rows),
    }
    problems = []
    for name, value in recounted.items():
        problems += _differ(f"meals {name}", reported[name], value)
    return problems


def _day_care(raw: Path, reported: dict[str, Any], month: str) -> list[str]:
    """Day-care place-days and respite nights booked in the month (cancelled: none), and
    the bookings holding any."""
    if not (raw / "day_care_bookings.json").exists():
        return []
    held = [
        r for r in month_report.read_programme_raw(raw, "day_care_bookings")
        if r["status"] == "booked"
    ]  # fmt: skip
    nights = {"day_care": 0, "respite": 0}
    bookings = 0
    for r in held:
        first = date.fromisoformat(r["first_day"])
        last = date.fromisoformat(r["last_day"])
        inside = sum(
            1 for n in range((last - first).days + 1)
            if f"{first + timedelta(days=n):%Y-%m}" == month
        )  # fmt: skip
        nights[r["kind"]] += inside
        bookings += int(inside > 0)
    recounted = {
        "day_places_booked": nights["day_care"],
        "respite_nights_booked": nights["respite"],
        "bookings": bookings,
    }
    problems = []
    for name, value in recounted.items():
        problems += _differ(f"day care {name}", reported[name], value)
    return problems


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
    applied = china_date(datetime.fromisoformat(applied_at))
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
