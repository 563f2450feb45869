"""The month report of a simulation: Markdown for people, JSON and CSV for tools.

Files written to the output directory:

    report.md      verdict, coverage by district and tier, misses by cause, totals, wall time
    report.json    the same and more (parameters, per-day figures, checks, notes)
    coverage.csv   month x scope (community/street/district/city) x tier: due, visited, %
    misses.csv     elder, tier, kind (monthly/cadence), deadline, cause
    workload.csv   steward x day: status, planned, attempts, visited, hours, travel minutes
    raw/           visits.jsonl (the visit records), baselines.json, counters.json (the
                   projector's), recorded.json (what the API answered): what
                   `careroute simulate --check DIR` recomputes the month from, offline;
                   and the programmes' (programme_sim.raw): assessments.json (each result
                   recorded), benefit_claims.json (each claim), institutions.json (each
                   institution's latest scores and stars, where inspections ran).
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from careroute.domain.compliance import ElderBaseline, StatusPeriod
from careroute.domain.coverage import Scope
from careroute.domain.scope_ids import scope_ids, scope_ids_in
from careroute.domain.visit_records import from_document, to_document
from careroute.domain.vocabulary import ElderStatus, Tier, VisitRecord

COVERAGE_FIELDS = (
    "month", "scope", "scope_id", "tier", "elders_due", "elders_visited", "percent", "visits_made",
)  # fmt: skip
MISS_FIELDS = (
    "elder_id", "community_id", "tier", "kind", "deadline", "since", "visited_on", "away",
    "cause",
)  # fmt: skip
WORKLOAD_FIELDS = (
    "steward_id", "community_id", "date", "status", "planned", "attempts", "visited",
    "cover_stops", "retry_stops", "hours_on_route", "travel_minutes",
)  # fmt: skip


# ---------------------------------------------------------------- raw material


def baseline_to_json(baseline: ElderBaseline) -> dict[str, Any]:
    return {
        "elder_id": baseline.elder_id,
        **scope_ids(baseline),
        "tier": baseline.tier.value,
        "last_visited_on": baseline.last_visited_on.isoformat()
        if baseline.last_visited_on
        else None,
        "paused": [
            {
                "status": p.status.value,
                "start": p.start.isoformat(),
                "end": p.end.isoformat() if p.end else None,
            }
            for p in baseline.paused
        ],
        "raised": [[day.isoformat(), tier.value] for day, tier in baseline.raised],
    }


def baseline_from_json(raw: dict[str, Any]) -> ElderBaseline:
    def day(text: str | None) -> date | None:
        return date.fromisoformat(text) if text else None

    return ElderBaseline(
        elder_id=raw["elder_id"],
        **scope_ids_in(raw),
        tier=Tier(raw["tier"]),
        last_visited_on=day(raw["last_visited_on"]),
        paused=tuple(
            StatusPeriod(ElderStatus(p["status"]), date.fromisoformat(p["start"]), day(p["end"]))
            for p in raw["paused"]
        ),
        raised=tuple((date.fromisoformat(d), Tier(t)) for d, t in raw.get("raised", [])),
    )


def write_raw(
    directory: Path,
    visits: Iterable[VisitRecord],
    baselines: Iterable[ElderBaseline],
    counters: dict[str, dict[str, Any]],
    recorded: dict[str, dict[str, Any]],
    drift: list[str],
) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / "visits.jsonl").open("w", encoding="utf-8") as handle:
        for record in sorted(visits, key=lambda r: (r.visited_at, r.visit_id)):
            handle.write(json.dumps(to_document(record), ensure_ascii=False) + "\n")
    _write_json(directory / "baselines.json", [baseline_to_json(b) for b in baselines])
    _write_json(directory / "counters.json", counters)
    _write_json(directory / "recorded.json", recorded)
    _write_json(directory / "drift.json", drift)


def write_programme_raw(directory: Path, raw: dict[str, Any]) -> None:
    """Each programme's raw records as `<name>.json` (none with --visits-only)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, records in raw.items():
        _write_json(directory / f"{name}.json", records)


def read_programme_raw(directory: Path, name: str) -> Any:
    """What write_programme_raw wrote under `name`; FileNotFoundError names the file."""
    return _read_json(directory / f"{name}.json")


def read_raw(
    directory: Path,
) -> tuple[
    list[VisitRecord],
    list[ElderBaseline],
    dict[tuple[Scope, str], dict[str, Any]],
    dict[str, dict[str, Any]],
    list[str],
]:
    """What write_raw wrote; FileNotFoundError names the missing file."""
    with (directory / "visits.jsonl").open(encoding="utf-8") as handle:
        visits = [from_document(json.loads(line)) for line in handle if line.strip()]
    baselines = [baseline_from_json(b) for b in _read_json(directory / "baselines.json")]
    counters = {
        (Scope.parse(key.split("|")[0]), key.split("|")[1]): row
        for key, row in _read_json(directory / "counters.json").items()
    }
    recorded = _read_json(directory / "recorded.json")
    drift = _read_json(directory / "drift.json")
    return visits, baselines, counters, recorded, drift


def _write_json(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value, ensure_ascii=False, indent=1, default=str) + "\n", "utf-8")


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text("utf-8"))


# ---------------------------------------------------------------- the report


def write_report(
    directory: Path,
    report: dict[str, Any],
    coverage: list[dict[str, Any]],
    misses: list[dict[str, Any]],
    workload: list[dict[str, Any]],
) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = [
        directory / "report.md",
        directory / "report.json",
        directory / "coverage.csv",
        directory / "misses.csv",
        directory / "workload.csv",
    ]
    paths[0].write_text(markdown(report, coverage, misses), "utf-8")
    _write_json(paths[1], {**report, "misses": misses})
    _write_csv(paths[2], COVERAGE_FIELDS, coverage)
    _write_csv(paths[3], MISS_FIELDS, misses)
    _write_csv(paths[4], WORKLOAD_FIELDS, workload)
    return paths


def _write_csv(path: Path, fields: tuple[str, ...], rows: Iterable[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def _pct(row: dict[str, Any]) -> str:
    return f"{row['percent']:.2f} %" if row["percent"] != "" else "—"


def _table(header: list[str], rows: Iterable[list[Any]]) -> Iterator[str]:
    yield "| " + " | ".join(header) + " |"
    yield "|" + "|".join("---" for _ in header) + "|"
    for row in rows:
        yield "| " + " | ".join(str(cell) for cell in row) + " |"


def _tickets_line(t: dict[str, Any]) -> str:
    opened, closed = t.get("tickets_opened", 0), t.get("tickets_closed", 0)
    on_time = t.get("tickets_closed_on_time", 0)
    share = f"{100 * on_time / closed:.1f} %" if closed else "—"
    sources = (
        f" ({t.get('tickets_from_findings', 0):,} from findings, "
        f"{t.get('tickets_from_benefit_scan', 0):,} from the benefit scan, "
        f"{t.get('tickets_from_inspections', 0):,} from inspections, "
        f"{t.get('tickets_unreachable', 0):,} for unreachable elders)"
    )
    return (
        f"- follow-up tickets: {opened:,} opened{sources}, {closed:,} closed "
        f"({share} on time), "
        f"{t.get('tickets_open_overdue', 0):,} open and overdue at the end, "
        f"{t.get('tickets_escalated', 0):,} finding tickets escalated"
    )


def _inspections_line(t: dict[str, Any]) -> str:
    if not any(name.startswith("inspection") for name in t):
        return "- inspections: not simulated"
    due, done = t.get("inspections_due", 0), t.get("inspections_done", 0)
    return (
        f"- inspections this month: {due:,} due, {done:,} done "
        f"({t.get('inspections_done_on_time', 0):,} on time), "
        f"{t.get('inspections_overdue', 0):,} overdue at the end, "
        f"{t.get('inspections_mandatory_unassigned', 0):,} mandatory left unplanned"
    )


def _forecast_line(held: dict[str, Any]) -> str:
    if not held:
        return "- capacity forecast: — (not made)"
    return (
        f"- capacity forecast before the month, at these rates: {held['flagged_communities']:,} "
        f"communities and {held['flagged_streets']:,} streets flagged as unable to reach 100 % "
        f"unaided; of the {held['communities_with_misses_ours']:,} communities with misses of "
        f"ours, {held['of_those_flagged']:,} were flagged"
    )


def _sla_line(sla: dict[str, Any]) -> str:
    """Ticket SLA compliance as the city's coverage report gives it (GET /coverage)."""
    if not sla:
        return "- ticket SLA compliance: — (no coverage answer)"
    rate = sla.get("closed_on_time_rate")
    share = f"{100 * rate:.1f} %" if rate is not None else "—"
    return (
        f"- ticket SLA compliance (GET /coverage, city): {share} closed on time "
        f"({sla.get('closed_on_time', 0):,} of {sla.get('closed', 0):,} closed; target 100 %), "
        f"{sla.get('open_now', 0):,} open, {sla.get('overdue_now', 0):,} overdue now"
    )


def _benefits_line(t: dict[str, Any]) -> str:
    rules = ", ".join(
        f"{k.removeprefix('benefit_notified_')} {n:,}"
        for k, n in sorted(t.items())
        if k.startswith("benefit_notified_")
    )
    return (
        f"- benefit scan (政策找人, {t.get('benefit_scans', 0)} daily runs): "
        f"{t.get('benefit_found', 0):,} newly qualifying found, "
        f"{t.get('benefit_notified', 0):,} notified"
        + (f" ({rules})" if rules else "")
        + f"; {t.get('benefit_backlog_notified', 0):,} already qualifying notified by the "
        "scan the day before the month (the first run's backlog)"
    )


def _minutes(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.1f} min"


def _reasons(reasons: dict[str, int]) -> str:
    """' (3 × reason; 1 × other)' or nothing."""
    if not reasons:
        return ""
    return " (" + "; ".join(f"{n} × {why}" for why, n in reasons.items()) + ")"


def _orders_line(h: dict[str, Any]) -> str:
    if not h:
        return "- home-service orders: not simulated"
    return (
        f"- home-service orders: {h.get('home_service_orders_placed', 0):,} placed "
        f"({h.get('home_service_orders_self_paid', 0):,} self-paid, "
        f"{h.get('home_service_orders_over_quota', 0):,} refused over quota and placed self-paid), "
        f"{h.get('home_service_orders_assigned', 0):,} assigned, "
        f"{h.get('home_service_orders_completed', 0):,} completed; dispatch wait (placed → "
        f"assigned) p50 {_minutes(h.get('home_service_wait_p50_s'))}, p90 "
        f"{_minutes(h.get('home_service_wait_p90_s'))}; free minutes used "
        f"{h.get('home_service_free_minutes_used', 0):,}; "
        f"{h.get('home_service_orders_not_assigned_on_the_day', 0):,} never assigned"
        + _reasons(h.get("home_service_unassigned_reasons", {}))
        + "; "
        f"recorded steps that disagree with the status: "
        f"{h.get('home_service_event_mismatches', 0):,}"
    )


def _programmes_lines(g: dict[str, Any]) -> list[str]:
    """The beds', meals', day care's and service hours' month (programme_sim.py)."""
    if not g or g.get("simulated") is False:
        why = f" ({g['why']})" if g.get("why") else ""
        return [f"- programmes (beds, meals, day care): not simulated{why}"]
    b, m, c, h = g["home_care_beds"], g["meals"], g["day_care"], g["service_hours"]
    by_programme = ", ".join(f"{k} {v}" for k, v in h["hours_by_programme"].items())
    return [
        f"- home care beds: {b['beds_served']:,} of {b['beds_due']:,} due served "
        f"({b['percent']} %), monthly misses {b['monthly_misses']:,}, cadence misses "
        f"{b['cadence_misses']:,}; {b['visits_served']:,} visits served, "
        f"{b['visits_not_home']:,} not home; {b.get('bed_visits_mandatory_unassigned', 0):,} "
        f"mandatory bed visits left unassigned",
        f"- meals: {m['meals_delivered']:,} delivered, {m['meals_dine_in']:,} dine-in at "
        f"{m['canteens']:,} canteens; subsidy owed {m['subsidy_yuan']:,} yuan",
        f"- day care: {c['day_places_booked']:,} of {c['day_places_offered']:,} place-days "
        f"booked ({c['day_occupancy']:.1%}); respite {c['respite_nights_booked']:,} of "
        f"{c['respite_nights_offered']:,} nights",
        f"- service hours: {h['hours']:,} ({by_programme})",
        *_care_flow_lines(g),
    ]


def _care_flow_lines(g: dict[str, Any]) -> list[str]:
    """The assessments', benefit claims' and institution ratings' month (absent from a
    report written before they were simulated)."""
    lines = []
    if "assessments" in g:
        a = g["assessments"]
        refused = sum(v for k, v in a.items() if k.startswith("assessment_requests_refused"))
        levels = ", ".join(f"{k} {v:,}" for k, v in a["results_by_level"].items()) or "none"
        lines.append(
            f"- needs assessments: {a.get('assessment_requests_opened_on_visits', 0):,} asked "
            f"for by stewards on visits ({refused:,} refused, e.g. one open already) beside "
            f"{a.get('assessment_backlog_open', 0):,} open before the month; "
            f"{a['results_in_month']:,} results recorded ({a['results_on_time']:,} by their "
            f"deadline), care levels {levels}; {a['open']:,} open at the end "
            f"({a['overdue']:,} overdue), {a['bed_eligible']:,} graded bed-eligible; tiers "
            f"{a.get('tiers_raised', 0):,} raised, {a.get('tiers_lowered', 0):,} lowered "
            f"({a.get('tier_changes', {})}), {a.get('registry_categories_changed', 0):,} "
            f"categories changed in the engine's registry"
        )
    if "benefit_claims" in g:
        c = g["benefit_claims"]
        decided, on_time = c["decided"], c["decided_on_time"]
        share = f"{100 * on_time / decided:.1f} %" if decided else "—"
        lines.append(
            f"- benefit claims: {c['claims']:,} ({c.get('claims_opened_before_month', 0):,} "
            f"from the scan before the month, {c.get('claims_opened_in_month', 0):,} in it); "
            f"{c.get('claims_applied_on_visits', 0):,} applied on stewards' visits, "
            f"{c.get('claims_declined', 0):,} declined; {decided:,} decided, {on_time:,} by "
            f"their day ({share}; SLA: within {c['approval_days']} days of applying), "
            f"{c.get('claims_approved', 0):,} approved, {c.get('claims_refused_means_test', 0):,}"
            f" refused by the means test; {c['waiting_late']:,} waiting past their day; "
            f"{c.get('claims_paid', 0):,} paid for the month, {c['yuan_paid']:,} yuan"
        )
    r = g.get("institution_ratings")
    if r is not None and r.get("simulated") is False:
        lines.append(f"- institution ratings: not simulated: {r['why']}")
    elif r is not None:
        lines.append(
            f"- institution ratings: {r['institutions']:,} institutions, "
            f"{r['inspected_in_month']:,} inspected in the month: {r['rated_up']:,} rated up, "
            f"{r['rated_down']:,} down, {r['rating_unchanged']:,} unchanged; by stars (none, "
            f"1-5) {r['by_stars_at_start']} at the start, {r['by_stars']} at the end "
            f"(mean {r['mean_stars']})"
        )
    return lines


def markdown(
    report: dict[str, Any], coverage: list[dict[str, Any]], misses: list[dict[str, Any]]
) -> str:
    v, t, w, p = report["verdict"], report["totals"], report["wall_seconds"], report["parameters"]
    lines = [
        f"# Month simulation {p['month']} (seed {p['seed']})",
        "",
        f"Command: `{report['command']}`  ",
        f"Simulated {p['first']} to {p['through']}; city seed {p['city_seed']}, "
        f"districts {', '.join(p['district_ids'])}, scale {p['scale']}: "
        f"{report['city']['communities']:,} communities, {report['city']['elders']:,} elders.  ",
        "Rates: " + ", ".join(f"{k} {val}" for k, val in p["rates"].items()) + ".",
        "",
        "## Verdict",
        "",
        f"**{v['summary']}** (exit code {v['exit_code']})",
        "",
        f"- monthly coverage (city, all tiers): {v['coverage_percent']}; not due (off the "
        f"month's roster, named in misses.csv): {v.get('not_due_away_all_month', 0):,} away "
        f"all month, {v.get('not_due_left_before_visit', 0):,} left care before a visit",
        f"- monthly misses: {v['monthly_misses']:,}; cadence misses: {v['cadence_misses']:,}; "
        f"of which not ours (hospitalised, moved, deceased): {v['misses_not_ours']:,}; "
        f"cadence misses not home on every try: {v.get('misses_not_home_every_try', 0):,}; "
        f"cadence deadlines at the month's start (the previous month's plan): "
        f"{v.get('misses_previous_month', 0):,}",
        f'- misses whose elder has an "unreachable" ticket (the street office was asked to '
        f"find them): {v.get('misses_with_unreachable_ticket', 0):,}, of ours "
        f"{v.get('misses_ours_with_unreachable_ticket', 0):,} of {v.get('misses_ours', 0):,}; "
        f"due and never visited: {v.get('due_unvisited', 0):,}, with that ticket "
        f"{v.get('due_unvisited_with_unreachable_ticket', 0):,} (closed by the street office "
        f"within its SLA: {v.get('due_unvisited_looked_for_in_time', 0):,}; the month's close "
        f"opened {t.get('tickets_month_close', 0):,})",
        _forecast_line(report.get("forecast", {})),
        _tickets_line(t),
        _sla_line(report.get("tickets_sla", {})),
        _benefits_line(t),
        _inspections_line(t | report.get("programmes", {}).get("inspections", {})),
        _orders_line(report.get("home_services", {})),
        *_programmes_lines(report.get("programmes", {})),
        f"- independent check: {'passed' if report['checks']['passed'] else 'FAILED'} "
        "(visit records vs projector counters, coverage drift check, and what the API "
        "answered)",
        "",
        "## Coverage by district and tier",
        "",
    ]
    rows = [r for r in coverage if r["scope"] in ("city", "district")]
    lines += _table(
        ["scope", "tier", "elders due", "elders visited", "coverage", "visits made"],
        (
            [
                r["scope"] if r["scope"] == "city" else f"district {r['scope_id']}",
                r["tier"],
                f"{r['elders_due']:,}",
                f"{r['elders_visited']:,}",
                _pct(r),
                f"{r['visits_made']:,}",
            ]
            for r in rows
        ),
    )
    lines += ["", "Streets and communities: `coverage.csv`.", "", "## Misses by cause", ""]
    causes = Counter((m["kind"], m["cause"]) for m in misses)
    if causes:
        lines += _table(
            ["kind", "cause", "elders"],
            ([kind, cause, n] for (kind, cause), n in sorted(causes.items())),
        )
        lines += ["", "Each miss: `misses.csv`. First ones:", ""]
        lines += _table(
            ["elder", "community", "tier", "kind", "deadline", "last visit", "cause"],
            (
                [m["elder_id"], m["community_id"], m["tier"], m["kind"], m["deadline"],
                 m["since"] or "—", m["cause"]]
                for m in misses[:20]
            ),
        )  # fmt: skip
    else:
        lines.append("None: every elder due was visited, every cadence kept.")
    lines += ["", "## Totals", ""]
    lines += _table(["", "count"], ([k.replace("_", " "), f"{n:,}"] for k, n in t.items()))
    lines += ["", "## Workload per steward-day (working days)", ""]
    lines += _table(["", "mean", "max"], report["workload_summary"])
    lines += ["", "## Wall time", ""]
    lines += _table(
        ["part", "seconds", "share"],
        (
            [k, f"{s:,.1f}", f"{100 * s / w['total']:.0f} %" if w["total"] else "—"]
            for k, s in w.items()
        ),
    )
    checks = report["checks"]
    lines += ["", "## Independent check", ""]
    for name, label in (
        ("checker_vs_projector", "checker vs projector counters"),
        ("coverage_check_drift", "services.coverage_check drift"),
        ("checker_vs_simulation", "checker vs what the API answered"),
        ("unknown_elders", "visits of elders not in the baseline"),
    ):
        found = checks[name]
        lines.append(f"- {label}: {'no difference' if not found else f'{len(found)} differences'}")
        lines += [f"  - {line}" for line in found[:20]]
    if report["notes"]:
        lines += ["", "## Notes", ""]
        lines += [f"- {note}" for note in report["notes"]]
    return "\n".join(lines) + "\n"
