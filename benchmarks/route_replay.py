"""The steward's router alone, on the route problems a simulation solves: record every
`routing.solve` call of a `careroute simulate` run (the problem, the limits, the seed and the
stops of the route it gave), then solve them again on this tree and say how many routes came
out the same (stop for stop, start for start), how many break a rule (the independent
validator) and the CPU seconds the solves took. Recorded on one tree and solved on another
(PYTHONPATH), it shows whether a change to the router's model keeps its routes.

    .venv/bin/python benchmarks/route_replay.py record FILE -- --month 2026-12 \
        --engine memory --workers 1 --days 2 --districts D05 --out DIR
    .venv/bin/python benchmarks/route_replay.py [--rounds 2] solve FILE

Both steps lift the searches' time caps (simulation_parts.py `--repeatable`): every search
ends on its solution limit, so a route depends on the problem only. `--workers 1`: a forked
solver worker's calls would not be recorded.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
import time
from pathlib import Path

from repeatable import repeatable_searches
from replay_cli import replay_main

from careroute.routing import ortools_router, validate_route
from careroute.routing.model import RouteProblem, RouteResult, SolveLimits

Stops = list[tuple[str, int]]
"""A route as compared: each stop's id and service start, in order."""
Recorded = tuple[RouteProblem, SolveLimits, int, Stops]


def _stops(result: RouteResult) -> Stops:
    return [(stop.stop_id, stop.service_start) for stop in result.stops]


def record(file: Path, simulate: list[str]) -> None:
    """Run the simulation with the router wrapped; write what it was asked and answered."""
    solved: list[Recorded] = []
    router = ortools_router.solve

    def recording(problem: RouteProblem, limits: SolveLimits, seed: int = 0) -> RouteResult:
        result = router(problem, limits, seed)
        solved.append((problem, limits, seed, _stops(result)))
        return result

    ortools_router.solve = recording  # `routing.solve` looks it up here on every call
    from careroute_local.cli import main as cli_main

    sys.argv = ["careroute", "simulate", *simulate]
    with contextlib.suppress(SystemExit):
        cli_main()
    file.write_bytes(pickle.dumps(solved))
    print(f"recorded {len(solved)} route problems in {file}")


def solve(file: Path, rounds: int) -> None:
    """Each recorded problem solved again, `rounds` times; the first round compared."""
    recorded: list[Recorded] = pickle.loads(file.read_bytes())  # a file this script wrote
    for round_no in range(1, rounds + 1):
        same = broken = 0
        cpu = time.process_time()
        for problem, limits, seed, stops in recorded:
            result = ortools_router.solve(problem, limits, seed)
            if round_no == 1:
                same += _stops(result) == stops
                broken += bool(validate_route(problem, result))
        seconds = time.process_time() - cpu
        per_solve = 1000 * seconds / max(1, len(recorded))
        print(f"round {round_no}: {seconds:.2f} CPU-s, {per_solve:.2f} ms a solve", end="")
        if round_no == 1:
            print(f", {same}/{len(recorded)} routes the same, {broken} breaking a rule", end="")
        print(f", load {os.getloadavg()[0]:.1f}")


def main() -> None:
    replay_main(__doc__ or "", ("record", "solve"), record, solve, 2, repeatable_searches)


if __name__ == "__main__":
    main()
