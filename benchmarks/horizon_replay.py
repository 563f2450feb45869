"""The horizon planner alone, on the calls a simulation makes: capture every `plan_horizon`
call of a `careroute simulate` run (its arguments and the plan it returned), then replay them
through this tree's planner, timed, and count the plans that come out equal. Captured on one
tree and replayed on another (PYTHONPATH), it shows a change to the planner is pure speed.

    .venv/bin/python benchmarks/horizon_replay.py capture FILE -- --month 2026-12 \
        --engine memory --workers 1 --days 3 --districts D07 --out DIR
    .venv/bin/python benchmarks/horizon_replay.py [--rounds 3] replay FILE

`--workers 1`: the calls made in forked solver workers would not be captured.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
import time
from pathlib import Path
from typing import Any

from replay_cli import replay_main

from careroute.planning import absence_cover, horizon
from careroute.service_layer import route_plan

CALLERS = (absence_cover, route_plan)
"""The modules that call the planner (each imported its name)."""


def capture(file: Path, simulate: list[str]) -> None:
    calls: list[tuple[tuple[Any, ...], horizon.HorizonPlan]] = []
    planner = horizon.plan_horizon

    def recording(*args: Any) -> horizon.HorizonPlan:
        plan = planner(*args)
        calls.append((args, plan))
        return plan

    for module in CALLERS:
        module.plan_horizon = recording  # type: ignore[attr-defined]
    from careroute_local.cli import main as cli_main

    sys.argv = ["careroute", "simulate", *simulate]
    with contextlib.suppress(SystemExit):
        cli_main()
    file.write_bytes(pickle.dumps(calls))
    print(f"captured {len(calls)} calls in {file}")


def replay(file: Path, rounds: int) -> None:
    calls = pickle.loads(file.read_bytes())  # a file this script wrote
    for round_no in range(rounds):
        started = time.perf_counter()
        equal = sum(1 for args, plan in calls if horizon.plan_horizon(*args) == plan)
        seconds = time.perf_counter() - started
        load = os.getloadavg()[0]
        print(f"round {round_no + 1}: {equal}/{len(calls)} plans equal, {seconds:.2f} s", end="")
        print(f", load {load:.1f}")


def main() -> None:
    replay_main(__doc__ or "", ("capture", "replay"), capture, replay, 3)


if __name__ == "__main__":
    main()
