"""How the memory engine's solver pool (`simulation/solver_pool.py`) spends a night: the first
night's plan jobs of a `careroute simulate` run solved again and again, alternating the pool's
settings, side by side in one process (the same stores, the same jobs, the same load).

    .venv/bin/python benchmarks/solver_pool_batch.py [--rounds 3] [--min-jobs 100] -- \
        --month 2026-12 --engine memory --workers 2 --days 1 [--districts D07] --out DIR

Settings compared: `before`, chunks of 1/8 of a worker's share and the stores left to the
workers' collector (as at 4ab8ae7); `after`, the module's own (`CHUNKS_PER_WORKER`, the stores
frozen before the fork). Prints each solve's wall seconds and the load average beside it.
The night is solved once more with the module's settings for the run to go on.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from types import SimpleNamespace
from typing import Any

from careroute_local.simulation import memory_engine, solver_pool

BEFORE = {"CHUNKS_PER_WORKER": 8, "gc": SimpleNamespace(freeze=lambda: None, unfreeze=lambda: None)}


def _settings(name: str) -> dict[str, Any]:
    return BEFORE if name == "before" else {key: getattr(solver_pool, key) for key in BEFORE}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--min-jobs", type=int, default=100, help="the first batch this big")
    parser.add_argument("simulate", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    after = _settings("after")
    solve_all = solver_pool.solve_all
    timed = [False]

    def alternating(jobs: list[Any], *rest: Any) -> Any:
        if timed[0] or len(jobs) < args.min_jobs:  # the first night only
            return solve_all(jobs, *rest)
        timed[0] = True
        for round_no in range(args.rounds):
            for name in ("before", "after"):
                for key, value in _settings(name).items():
                    setattr(solver_pool, key, value)
                started = time.perf_counter()
                solve_all(jobs, *rest)
                load = os.getloadavg()[0]
                seconds = time.perf_counter() - started
                line = f"round {round_no + 1} {name:6s} {len(jobs)} jobs {seconds:6.1f} s"
                print(f"{line}, load {load:.1f}")
        for key, value in after.items():
            setattr(solver_pool, key, value)
        return solve_all(jobs, *rest)

    memory_engine.solve_all = alternating  # type: ignore[assignment]
    from careroute_local.cli import main as cli_main

    sys.argv = ["careroute", "simulate", *[a for a in args.simulate if a != "--"]]
    with contextlib.suppress(SystemExit):
        cli_main()


if __name__ == "__main__":
    main()
