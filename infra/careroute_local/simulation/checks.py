"""The independent check of a month: the raw visit records recomputed by
careroute.domain.compliance, compared with the projector's counters, the coverage drift check
and what the simulation recorded; also the same check of a finished run's files.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from typing import Any

from careroute.domain.compliance import Compliance, ElderBaseline, check_compliance
from careroute.domain.coverage import Scope
from careroute.domain.policy import Policy
from careroute.domain.vocabulary import VisitRecord
from careroute_local import month_report, programme_check
from careroute_local.simulation.engine import Stored
from careroute_local.simulation.report import coverage_rows
from careroute_local.simulation.state import Run


def _baselines(run: Run) -> list[ElderBaseline]:
    return [
        ElderBaseline(
            b.elder_id,
            b.community_id,
            b.street_id,
            b.district_id,
            b.tier,
            b.last_visited_on,
            run.elders[b.elder_id].periods(),
            b.raised,
        )
        for b in run.baselines.values()
    ]


def check_stored(run: Run, stored: Stored) -> tuple[Compliance, dict[str, Any]]:
    """The month recomputed from the stored visit records and compared with the rest."""
    records = stored.visits
    baselines = _baselines(run)
    compliance = check_compliance(
        records, baselines, run.config.month, run.policy, through=run.config.last
    )
    checks = compare(compliance, stored.counters, records, run.recorded, stored.drift)
    checks["raw"] = {
        "visits": records,
        "counters": {
            f"{scope}|{tier}": row
            for (scope, tier), row in sorted(
                stored.counters.items(), key=lambda item: (str(item[0][0]), item[0][1])
            )
        },
        "baselines": baselines,
        "drift": stored.drift,
    }
    return compliance, checks


COUNTED = ("elders_visited", "visits_made")


def compare(
    compliance: Compliance,
    stored: dict[tuple[Scope, str], dict[str, Any]],
    records: list[VisitRecord],
    recorded: dict[str, dict[str, Any]],
    drift: list[str],
) -> dict[str, Any]:
    """Every difference between the checker and (a) the projector's counters, (b) the
    coverage drift check, (c) what the simulation recorded. Empty lists: the check passed."""
    vs_projector: list[str] = []
    for key in sorted(set(compliance.coverage) | set(stored), key=lambda k: (str(k[0]), k[1])):
        mine = compliance.coverage.get(key)
        theirs = stored.get(key)
        for name in COUNTED:
            a = getattr(mine, name) if mine else 0
            b = int(theirs[name]) if theirs else 0
            if a != b:
                vs_projector.append(f"{key[0]} {key[1]} {name}: checker {a}, projector {b}")
        a_out = {k: v for k, v in (mine.outcomes if mine else {}).items() if v}
        b_out = {k: int(v) for k, v in (theirs["outcomes"] if theirs else {}).items() if v}
        if a_out != b_out:
            vs_projector.append(f"{key[0]} {key[1]} outcomes: checker {a_out}, projector {b_out}")
    vs_tally: list[str] = []
    in_month = {r.visit_id: r for r in records if r.month == compliance.month}
    for visit_id in sorted(set(in_month) | set(recorded)):
        record, sent = in_month.get(visit_id), recorded.get(visit_id)
        if record is None:
            vs_tally.append(f"visit {visit_id} was recorded by the API but is not in the table")
        elif sent is None:
            vs_tally.append(f"visit {visit_id} is in the table but was never recorded")
        elif (record.elder_id, record.outcome.value, record.tier.value) != (
            sent["elder_id"],
            sent["outcome"],
            sent["tier"],
        ):
            vs_tally.append(f"visit {visit_id} differs: table {record}, API said {sent}")
    if compliance.visits != len(recorded):
        vs_tally.append(
            f"checker counted {compliance.visits} visits, the simulation recorded {len(recorded)}"
        )
    return {
        "checker_vs_projector": vs_projector,
        "coverage_check_drift": drift,
        "checker_vs_simulation": vs_tally,
        "unknown_elders": list(compliance.unknown_elders),
        "passed": not (vs_projector or drift or vs_tally or compliance.unknown_elders),
    }


def check_directory(directory: Path, policy: Policy) -> tuple[int, list[str]]:
    """Recompute a finished simulation from its raw files and compare with everything it
    reported: the projector's counters, what the API answered, coverage.csv and misses.csv.
    Returns (exit code, differences)."""
    report = json.loads((directory / "report.json").read_text("utf-8"))
    params = report["parameters"]
    visits, baselines, counters, recorded, drift = month_report.read_raw(directory / "raw")
    compliance = check_compliance(
        visits, baselines, params["month"], policy, through=date.fromisoformat(params["through"])
    )
    checks = compare(compliance, counters, visits, recorded, drift)
    problems = [
        *checks["checker_vs_projector"],
        *checks["coverage_check_drift"],
        *checks["checker_vs_simulation"],
        *(f"visits of an elder not in the baseline: {e}" for e in checks["unknown_elders"]),
    ]
    with (directory / "coverage.csv").open(encoding="utf-8", newline="") as handle:
        written = [dict(row) for row in csv.DictReader(handle)]
    again = [{k: str(v) for k, v in row.items()} for row in coverage_rows(compliance)]
    if written != again:
        problems.append("coverage.csv differs from the coverage recomputed from raw/")
    with (directory / "misses.csv").open(encoding="utf-8", newline="") as handle:
        listed = {(r["elder_id"], r["kind"], r["deadline"]) for r in csv.DictReader(handle)}
    found = {(m.elder_id, m.kind.value, m.deadline.isoformat()) for m in compliance.misses}
    for elder_id, kind, deadline in sorted(found - listed):
        problems.append(f"miss not in misses.csv: {elder_id} {kind} {deadline}")
    for elder_id, kind, deadline in sorted(listed - found):
        problems.append(
            f"misses.csv lists a miss the records do not show: {elder_id} {kind} {deadline}"
        )
    problems += programme_check.recount(
        directory / "raw", report.get("programmes", {}), params["month"], policy
    )
    return (1 if problems else 0), problems
