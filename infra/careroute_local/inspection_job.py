"""The main job's inspection step: the synthetic targets and inspectors of the loaded city's
districts, then the next day's inspection plan through the real handlers (the inspection
planner's schedule -> SQS district jobs -> the inspection solver), summarised in one line.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

from rich.console import Console

from careroute_local.pump import EventPump
from careroute_local.ticks import evening_before

PLANNER = "InspectionPlannerFunction"
QUEUE = "InspectionJobsQueue"


@dataclass(frozen=True)
class InspectionRun:
    targets: int
    """Targets loaded now (0 when a restarted stack kept its own)."""
    districts: int
    candidates: int
    mandatory: int
    planned: int
    unassigned_mandatory: int
    seconds: float
    load_seconds: float

    def line(self, plan_date: date) -> str:
        loaded = f"{self.targets:,} targets loaded, " if self.targets else ""
        return (
            f"Inspections {plan_date}: {loaded}{self.districts} districts, "
            f"{self.candidates} due or upcoming, {self.planned} planned, "
            f"{self.mandatory} mandatory ({self.unassigned_mandatory} unassigned) "
            f"in {self.seconds:.1f} s (loading {self.load_seconds:.1f} s)"
        )


def load_targets(seed: int, as_of: date) -> int:
    """Import the synthetic targets and inspectors of the stack's districts (synthetic_tables),
    unless some are there already (a restarted stack keeps its due dates); the count of
    targets loaded."""
    from careroute_synthetic.inspections import generate_inspections

    from careroute.adapters.dynamodb import inspections, registry
    from careroute.domain.policy import load_policy
    from careroute.service_layer.data_import import DataSets
    from careroute_local.synthetic_tables import import_synthetic, places

    communities = list(registry.all_communities())
    if not communities or inspections.inspectors_of(communities[0].district_id):
        return 0
    world = generate_inspections(seed, communities, as_of=as_of, policy=load_policy().inspections)
    data = DataSets(inspection_targets=world.targets, inspectors=world.inspectors)
    return import_synthetic(data, places(communities))["inspection_targets"]


def plan_inspections(
    pump: EventPump, plan_date: date, seed: int, as_of: date, synthetic: bool = True
) -> InspectionRun:
    """Targets loaded if needed (`synthetic`: drawn; else only those imported), `plan_date`
    planned for every district, summarised."""
    from careroute.adapters.dynamodb import inspections, registry

    started = time.perf_counter()
    loaded = load_targets(seed, as_of) if synthetic else 0
    load_seconds = time.perf_counter() - started
    tick = evening_before(plan_date, 20)
    fan_out = pump.fire_schedule(PLANNER, tick, overrides={"plan_date": plan_date.isoformat()})
    pump.drain_queue(QUEUE)
    summaries = []
    for district_id in sorted({c.district_id for c in registry.all_communities()}):
        summary = inspections.plan_summary(district_id, plan_date)
        if summary is not None and summary.get("run_id") == fan_out["run_id"]:
            summaries.append(summary)
    return InspectionRun(
        targets=loaded,
        districts=len(summaries),
        candidates=sum(s["candidates"] for s in summaries),
        mandatory=sum(s["mandatory"] for s in summaries),
        planned=sum(s["planned"] for s in summaries),
        unassigned_mandatory=sum(s["unassigned_mandatory"] for s in summaries),
        seconds=time.perf_counter() - started,
        load_seconds=load_seconds,
    )


def print_inspections(
    pump: EventPump,
    plan_date: date,
    seed: int,
    as_of: date,
    console: Console,
    synthetic: bool = True,
) -> InspectionRun:
    run = plan_inspections(pump, plan_date, seed, as_of, synthetic)
    console.print(run.line(plan_date))
    return run
