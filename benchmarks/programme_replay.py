"""The programmes' days alone, on what a simulation sent them: capture every day the memory
engine's month sends its programmes' process (the clock, the day, the elders whose status
changed, the visits recorded, the answers to their registry calls) and the month's figures
and raw records, then replay the days through this tree's programmes in one process, timed
part by part, and say whether the figures and raw records came out equal. Captured on one
tree and replayed on another (PYTHONPATH), it shows a change to the programmes is pure speed
without running the engine again.

    .venv/bin/python benchmarks/programme_replay.py [--repeatable] capture FILE -- \
        --month 2026-12 --engine memory --days 4 --out DIR
    .venv/bin/python benchmarks/programme_replay.py [--repeatable] [--profile PROF] replay FILE

`--repeatable` (on both): the routers' time cap lifted (simulation_parts.py), so the
programmes' searches end on their solution limit and the figures compare on any load.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import os
import pickle
import sys
import time
from pathlib import Path
from typing import Any

from careroute_synthetic.city import generate_city
from repeatable import repeatable_searches
from simulation_parts import CALLS, SECONDS, time_programme_parts

from careroute.domain import clock
from careroute.domain.policy import load_policy
from careroute_local.programme_sim import ProgrammeDays
from careroute_local.simulation import month, programme_process
from careroute_local.simulation.state import Run

Day = tuple[Any, ...]
"""One day as the month sent it: (clock, day, changed statuses, visits, registry answers)."""


def capture(file: Path, simulate: list[str]) -> None:
    """Run the simulation; its programmes' process writes `file` when it ends."""
    captured: dict[str, Any] = {"days": []}
    day_of, registry_over = programme_process._day, programme_process._registry_over
    answers: list[Any] = []

    def recording_registry(pipe: Any) -> Any:
        change = registry_over(pipe)

        def recorded(*args: Any) -> Any:
            answer = change(*args)
            answers.append((args, answer))
            return answer

        return recorded

    def recording_day(programmes: ProgrammeDays, run: Run, pipe: Any, *args: Any) -> None:
        captured["config"], now = run.config, clock.now()
        answers.clear()
        day_of(programmes, run, pipe, *args)
        captured["days"].append((now, *args, list(answers)))

    for name in ("figures", "raw"):
        setattr(ProgrammeDays, name, _recorded(name, getattr(ProgrammeDays, name), captured))
    serve = programme_process._serve

    def recording_serve(*args: Any) -> None:
        try:
            serve(*args)
        finally:
            file.write_bytes(pickle.dumps(captured))
            print(f"captured {len(captured['days'])} days in {file}", flush=True)

    programme_process._day = recording_day
    programme_process._registry_over = recording_registry
    programme_process._serve = recording_serve
    from careroute_local.cli import main as cli_main

    sys.argv = ["careroute", "simulate", *simulate]
    with contextlib.suppress(SystemExit):
        cli_main()


def _recorded(name: str, method: Any, captured: dict[str, Any]) -> Any:
    """`method` of the programmes, its clock and answer kept under `name` in `captured`."""

    def recording(self: ProgrammeDays, *args: Any) -> Any:
        answer = method(self, *args)
        captured[name] = (clock.now(), args, answer)
        return answer

    return recording


class _Answers:
    """The month's end of the pipe, played back: each registry call answered as it was."""

    def __init__(self, answers: list[tuple[tuple[Any, ...], Any]]) -> None:
        self.answers = iter(answers)
        self.expected: tuple[Any, ...] = ()

    def send(self, message: tuple[Any, ...]) -> None:
        if message[0] == "registry":
            asked, answer = next(self.answers)
            if tuple(message[2:]) != tuple(asked):
                raise RuntimeError(f"registry call {message[2:]} where {asked} was made")
            self.expected = answer

    def recv(self) -> Any:
        return self.expected


def replay(file: Path, profile_to: Path | None) -> None:
    captured = pickle.loads(file.read_bytes())  # a file this script wrote
    config = captured["config"]
    time_programme_parts()
    started = time.perf_counter()
    city = generate_city(
        config.city_seed, as_of=config.first, districts=config.districts, scale=config.scale
    )
    policy = load_policy(os.environ.get("CAREROUTE_POLICY_FILE"))
    run = Run(config, city, policy)
    month._baseline(run)
    programmes = ProgrammeDays.of(config, city, policy, run)
    assert isinstance(programmes, ProgrammeDays)
    gc_before = gc.get_stats()
    print(f"set up in {time.perf_counter() - started:.1f} s, load {os.getloadavg()[0]:.1f}")
    profiler = cProfile.Profile() if profile_to else None
    for now, *args, answers in captured["days"]:
        day_started = time.perf_counter()
        if profiler:
            profiler.enable()
        with clock.use(clock.SimulatedClock(now)):
            programme_process._day(programmes, run, _Answers(answers), *args)  # type: ignore[arg-type]
        if profiler:
            profiler.disable()
        seconds = time.perf_counter() - day_started
        print(f"{args[0]}: {seconds:.1f} s, load {os.getloadavg()[0]:.1f}", flush=True)
    if profiler and profile_to:
        profiler.dump_stats(profile_to)
    for name in ("figures", "raw"):
        now, asked, before = captured[name]
        with clock.use(clock.SimulatedClock(now)):
            after = getattr(programmes, name)(*asked)
        if name == "figures":
            before, after = _comparable(before), _comparable(after)
        print(f"{name} equal: {after == before}")
        for part in sorted(set(before) | set(after)):
            if before.get(part) != after.get(part):
                print(f"  {part}: {before.get(part)} -> {after.get(part)}")
    collections = [after["collections"] - before["collections"]
                   for before, after in zip(gc_before, gc.get_stats(), strict=True)]  # fmt: skip
    print(f"collections by generation: {collections}, objects tracked {len(gc.get_objects()):,}")
    for name in sorted(SECONDS):
        print(f"{name:55s} {CALLS[name]:7d} calls {SECONDS[name]:9.1f} s")


def _comparable(figures: Any) -> Any:
    """The figures without the programmes' own wall seconds (at any depth)."""
    if not isinstance(figures, dict):
        return figures
    return {name: _comparable(value) for name, value in figures.items() if name != "wall_seconds"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repeatable", action="store_true", help="searches end on their solution limit only"
    )
    parser.add_argument("--profile", type=Path, help="replay: write the days' cProfile here")
    parser.add_argument("action", choices=("capture", "replay"))
    parser.add_argument("file", type=Path)
    parser.add_argument("simulate", nargs=argparse.REMAINDER, help="capture: -- and its options")
    args = parser.parse_args()
    if args.repeatable:
        repeatable_searches()
    if args.action == "replay":
        replay(args.file, args.profile)
        return
    capture(args.file, [a for a in args.simulate if a != "--"])


if __name__ == "__main__":
    main()
