"""The simulation's report: report.json's figures (verdict, coverage, totals, timings, days)
and the coverage rows of coverage.csv.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from typing import Any

from careroute.domain.compliance import Compliance, MissKind, month_bounds
from careroute.domain.coverage import ALL_TIERS, Scope
from careroute.domain.vocabulary import residential
from careroute_local.simulation.causes import (
    EVERY_TRY,
    LEFT_BEFORE_VISIT,
    NOT_OURS,
    PREVIOUS_MONTH,
    excused,
)
from careroute_local.simulation.state import Run


def coverage_rows(compliance: Compliance) -> list[dict[str, Any]]:
    rows = []
    order = {"city": 0, "district": 1, "street": 2, "community": 3}
    keys = sorted(
        compliance.coverage,
        key=lambda k: (order[k[0].kind.value], k[0].scope_id, k[1] == ALL_TIERS, k[1]),
    )
    for scope, tier in keys:
        row = compliance.coverage[(scope, tier)]
        rows.append(
            {
                "month": compliance.month,
                "scope": scope.kind.value,
                "scope_id": scope.scope_id,
                "tier": tier,
                "elders_due": row.elders_due,
                "elders_visited": row.elders_visited,
                "percent": row.percent if row.percent is not None else "",
                "visits_made": row.visits_made,
            }
        )
    return rows


def build_report(
    run: Run,
    compliance: Compliance,
    checks: dict[str, Any],
    misses: list[dict[str, Any]],
    code: int,
    command: str,
) -> dict[str, Any]:
    config = run.config
    city_scope = Scope.parse("city")
    everyone = compliance.row(city_scope)
    monthly = sum(1 for m in misses if m["kind"] == MissKind.MONTHLY.value)
    cadence = len(misses) - monthly
    not_ours = sum(1 for m in misses if m["cause"] in NOT_OURS)
    every_try = sum(1 for m in misses if m["cause"].startswith(EVERY_TRY))
    previous_month = sum(1 for m in misses if m["cause"] == PREVIOUS_MONTH)
    ours = sum(1 for m in misses if not excused(m["cause"]))
    # misses whose elder the street office was asked to find (an "unreachable" ticket)
    flagged = [m for m in misses if m["elder_id"] in run.unreachable_elders]
    # due this month and never visited: what the coverage rate counts as missed
    unvisited = [
        m
        for m in misses
        if m["kind"] == MissKind.MONTHLY.value and not m["visited_on"] and not m["away"]
    ]
    percent = f"{everyone.percent:.2f} %" if everyone.percent is not None else "—"
    judged = "the monthly rule" if config.last == month_bounds(config.month)[1] else "cadence only"
    if not checks["passed"]:
        summary = "FAILED: the independent check found differences"
    elif not misses:
        summary = f"PASSED: {percent} coverage, 0 cadence misses ({judged})"
    elif code == 0:
        summary = (
            f"PASSED: {len(misses)} misses, none of ours ({not_ours} hospitalised, moved or "
            f"deceased; {every_try} {EVERY_TRY}; {previous_month} the previous month's)"
        )
    else:
        summary = f"FAILED: {ours} misses with a cause of ours"
    totals = {
        "visits_planned": run.totals["visits_planned"],
        "visits_attempted": run.totals["visits_attempted"],
        "visits_completed": run.totals["visits_completed"],
        "visit_records": compliance.visits,
        "re_plans": run.totals["retry_stops"],
        "cover_assignments": run.totals["cover_stops"],
        "mandatory_unassigned": run.totals["mandatory_unassigned"],
        "outcomes_rejected": run.totals["outcomes_rejected"],
        "sickness_spells": run.totals["sickness_spells"],
        "steward_days_sick": sum(1 for w in run.workload if w["status"] == "sick"),
        "findings": run.totals["findings"],
        "urgent_findings": run.totals["urgent_findings"],
        "initially_hospitalised": run.totals["initially_hospitalised"],
        "hospitalised": run.totals["became_hospitalised"],
        "discharged": run.totals["discharged"],
        "moved": run.totals["became_moved"],
        "deceased": run.totals["became_deceased"],
        "resent_batches": run.totals["resent_batches"],
        "resent_items": run.totals["resent_items"],
        "resend_mismatches": run.totals["resend_mismatches"],
        "plan_jobs_failed": run.totals["plan_jobs_failed"],
        "tickets_opened": run.totals["tickets_opened"],
        "tickets_from_findings": run.totals["tickets_from_findings"],
        "tickets_from_benefit_scan": run.totals["tickets_from_benefit_scan"],
        "tickets_from_inspections": run.totals["tickets_from_inspections"],
        "tickets_unreachable": run.totals["tickets_unreachable"],
        "tickets_month_close": run.totals["tickets_month_close"],
        "tickets_closed": run.totals["tickets_closed"],
        "tickets_closed_on_time": run.totals["tickets_closed_on_time"],
        "tickets_open_overdue": run.totals["tickets_open_overdue"],
        "tickets_escalated": run.totals["tickets_escalated"],
        "tickets_closed_on_duty": run.totals["tickets_closed_on_duty"],
        "tickets_on_duty_most_per_office_day": run.totals["tickets_on_duty_most_per_office_day"],
        **{k: v for k, v in run.totals.items() if k.startswith("inspection")},
        **{k: v for k, v in run.totals.items() if k.startswith("benefit")},
    }
    t = run.timings
    return {
        "command": command,
        "parameters": {
            "month": config.month,
            "engine": config.engine,
            "visits_only": config.visits_only,
            "seed": config.seed,
            "city_seed": config.city_seed,
            "first": config.first.isoformat(),
            "through": config.last.isoformat(),
            "district_ids": sorted({c.district_id for c in run.city.communities}),
            "scale": config.scale,
            "workers": config.workers,
            "rates": asdict(config.rates),
        },
        "city": {
            "communities": len(residential(run.city.communities)),
            "relief_posts": len(run.city.communities) - len(residential(run.city.communities)),
            "stewards": len(run.city.stewards),
            "elders": len(run.city.elders),
        },
        "verdict": {
            "exit_code": code,
            "summary": summary,
            "coverage_percent": percent,
            "monthly_judged": judged == "the monthly rule",
            "monthly_misses": monthly,
            "cadence_misses": cadence,
            "misses_not_ours": not_ours,
            "misses_not_home_every_try": every_try,
            "misses_previous_month": previous_month,
            "misses_ours": ours,
            "not_due_away_all_month": sum(1 for m in misses if m["away"] == "away all month"),
            "not_due_left_before_visit": sum(1 for m in misses if m["away"] == LEFT_BEFORE_VISIT),
            "misses_with_unreachable_ticket": len(flagged),
            "misses_ours_with_unreachable_ticket": sum(
                1 for m in flagged if not excused(m["cause"])
            ),
            "due_unvisited": len(unvisited),
            "due_unvisited_with_unreachable_ticket": sum(
                1 for m in unvisited if m["elder_id"] in run.unreachable_elders
            ),
            "due_unvisited_looked_for_in_time": sum(
                1 for m in unvisited if m["elder_id"] in run.unreachable_on_time
            ),
            "checks_passed": checks["passed"],
        },
        "forecast": _forecast_held_against(run, misses),
        "coverage_city": {
            tier: {
                "elders_due": compliance.row(city_scope, tier).elders_due,
                "elders_visited": compliance.row(city_scope, tier).elders_visited,
                "percent": compliance.row(city_scope, tier).percent,
            }
            for tier in ("T1", "T2", "T3", ALL_TIERS)
        },
        "misses_by_cause": dict(Counter(m["cause"] for m in misses).most_common()),
        "totals": totals,
        "tickets_by_source": run.tickets_by_source,
        "tickets_sla": run.ticket_sla,
        "home_services": run.home_services,
        "programmes": run.programmes,
        "workload_summary": _workload_summary(run.workload),
        "wall_seconds": {
            "setup": round(t.setup, 1),
            "planning": round(t.planning, 1),
            "solving": round(t.solving, 1),
            "api": round(t.api, 1),
            "projection": round(t.projection, 1),
            "check": round(t.check, 1),
            "benefit_scan": round(t.benefit_scan, 1),
            "home_services": round(t.home_services, 1),
        },
        "days": [
            {
                "date": d.day.isoformat(),
                "routes": d.routes,
                "planned": d.planned,
                "attempted": d.attempted,
                "completed": d.completed,
                "re_plans": d.retry_stops,
                "cover": d.cover_stops,
                "mandatory_dropped": d.mandatory_dropped,
                "sick_stewards": d.sick_stewards,
                "seconds": {k: round(v, 2) for k, v in d.seconds.items()},
            }
            for d in run.days
        ],
        "api_calls": dict(sorted(run.api_status.items())),
        "checks": checks,
        "notes": run.notes,
    }


def _forecast_held_against(run: Run, misses: list[dict[str, Any]]) -> dict[str, Any]:
    """The capacity forecast's flags (made before the month) against where the misses of
    ours fell: did it see them coming?"""
    missed = sorted({m["community_id"] for m in misses if not excused(m["cause"])})
    flagged = set(run.forecast_flagged)
    return {
        "flagged_communities": len(flagged),
        "flagged_streets": len(run.forecast_streets),
        "communities_with_misses_ours": len(missed),
        "of_those_flagged": sum(1 for c in missed if c in flagged),
        "missed_not_flagged": [c for c in missed if c not in flagged],
        "flagged": sorted(flagged),
    }


def _workload_summary(workload: list[dict[str, Any]]) -> list[list[str]]:
    worked = [w for w in workload if w["status"] == "worked"]
    rows = []
    for name in ("planned", "attempts", "visited", "hours_on_route", "travel_minutes"):
        values = [float(w[name]) for w in worked]
        mean = sum(values) / len(values) if values else 0.0
        rows.append([name.replace("_", " "), f"{mean:.1f}", f"{max(values, default=0):.1f}"])
    return rows
