"""The programmes' days (`programme_sim.ProgrammeDays`) in a process of their own, so the part
of a day the engine never reads (assessment plans, claims, lunches, day care, inspections,
the home care beds' next day: all but the assessors' walks) runs beside the engine's next
day on the other core.

The process is forked once, before the engine starts, with the programmes and a copy of the
run; it plans and walks the beds' first day while the engine sets up. Each evening the month
sends it what the programmes read of the engine's day (the elders whose status changed, the
visits recorded since the last day) and the time on the simulated clock; the process runs
the part of the day the engine waits for (the assessors' walks) and sends each grade that
changes an elder's categories back as a registry call, which this process makes on the
engine at the time the programme gave and answers; then it says the engine is free and runs
the rest of its day, then the beds' next day, while the engine goes on. When the next day's
assessment plan has no stop (weekends), the walks of that day can change nothing: the
process says so as soon as the plan is made, and the engine does not wait for that day of
the programmes at all. The calls reach the engine in the same order, at the same simulated
times, before the same next night, and the programmes take their steps in the same order: the
same month as running the programmes in this process."""

from __future__ import annotations

import gc
import multiprocessing
import os
import traceback
from collections.abc import Callable
from datetime import date, timedelta
from itertools import islice
from multiprocessing.connection import Connection
from typing import Any

from careroute.domain import clock
from careroute.domain.vocabulary import ElderStatus
from careroute_local.assessment_sim import RegistryPatch
from careroute_local.programme_sim import ProgrammeDays
from careroute_local.simulation.state import Run

Message = tuple[Any, ...]

NICER = 5
"""The programmes' process runs this much below the month's priority: the rest of its day
then takes the core the month's serial parts leave (the morning, the walks, the follow-ups)
instead of slowing the solver workers of the night's plan, and it is done long before the
month asks for its next day."""


class ProgrammesApart:
    """`ProgrammeDays` behind a pipe: `day`, `figures` and `raw` as its own; `close` ends it."""

    def __init__(self, programmes: ProgrammeDays, run: Run) -> None:
        self.run = run
        self.sent_statuses = {state.elder_id: state.status for state in run.elders.values()}
        self.sent_visits = len(run.recorded)
        here, there = multiprocessing.get_context("fork").Pipe()
        self.pipe: Connection = here
        self.process = multiprocessing.get_context("fork").Process(
            target=_serve, args=(programmes, run, there, here), daemon=True
        )
        self.process.start()
        there.close()

    def day(self, day: date, registry: RegistryPatch | None = None) -> None:
        """Send the engine's day, answer the registry calls until the engine is free."""
        changed = {
            state.elder_id: state.status
            for state in self.run.elders.values()
            if self.sent_statuses[state.elder_id] is not state.status
        }
        self.sent_statuses.update(changed)
        # islice: a list of every item of the month (half a million visits by its end) would
        # set off a full collection of this process every day.
        visits = list(islice(self.run.recorded.items(), self.sent_visits, None))
        self.sent_visits += len(visits)
        self.pipe.send(("day", clock.now(), day, changed, visits))
        while True:
            message = self._receive()
            if message[0] == "engine free":
                return
            _, at, community_id, elder_id, categories = message
            if registry is None:
                raise RuntimeError("the programmes changed the registry without an engine")
            with clock.use(clock.SimulatedClock(at)):
                self.pipe.send(registry(community_id, elder_id, categories))

    def figures(self, month: str) -> dict[str, Any]:
        return self._ask("figures", month)  # type: ignore[no-any-return]

    def raw(self) -> dict[str, Any]:
        return self._ask("raw")  # type: ignore[no-any-return]

    def close(self) -> None:
        """End the process (it ends on its own when this process's end of the pipe closes)."""
        self.pipe.close()
        self.process.join(timeout=30)
        if self.process.is_alive():
            self.process.kill()

    def _ask(self, what: str, *args: Any) -> Any:
        self.pipe.send((what, clock.now(), *args))
        return self._receive()[1]

    def _receive(self) -> Message:
        message: Message = self.pipe.recv()
        if message[0] == "failed":
            raise RuntimeError(f"the programmes' process failed:\n{message[1]}")
        return message


def _serve(programmes: ProgrammeDays, run: Run, pipe: Connection, other_end: Connection) -> None:
    """The programmes' process: each day as the month sends it, until the pipe closes."""
    other_end.close()  # the month's end: closed here, so the month closing it ends the pipe
    os.nice(NICER)
    gc.freeze()  # the inherited city and stores: never walked by this process's collections
    try:
        programmes.ahead(programmes.first)  # while the engine sets up and plans the first day
        if not programmes.grades_on(programmes.first):
            pipe.send(("engine free",))
        while True:
            try:
                message = pipe.recv()
            except EOFError:
                return
            kind, now, *args = message
            with clock.use(clock.SimulatedClock(now)):
                if kind == "day":
                    _day(programmes, run, pipe, *args)
                elif kind == "figures":
                    pipe.send(("figures", programmes.figures(*args)))
                else:
                    pipe.send(("raw", programmes.raw()))
    except Exception:  # said to the month, which stops
        pipe.send(("failed", traceback.format_exc()))


def _day(
    programmes: ProgrammeDays,
    run: Run,
    pipe: Connection,
    day: date,
    changed: dict[str, ElderStatus],
    visits: list[tuple[str, dict[str, Any]]],
) -> None:
    for elder_id, status in changed.items():
        run.elders[elder_id].status = status
    run.recorded.update(visits)
    met = programmes.engine_part(day, _registry_over(pipe))
    if programmes.grades_on(day):  # else the engine was told it is free the day before
        pipe.send(("engine free",))
    programmes.plan_assessments(day, met)
    tomorrow = day + timedelta(days=1)
    if day < programmes.last and not programmes.grades_on(tomorrow):
        pipe.send(("engine free",))  # no walk tomorrow: the engine need not wait for this day
    programmes.rest_of_day(day, met)
    if day < programmes.last:
        programmes.ahead(tomorrow)


def _registry_over(pipe: Connection) -> Callable[[str, str, list[str]], tuple[int, Any]]:
    """The engine's registry change, made by the month's process at this clock's time."""

    def change(community_id: str, elder_id: str, categories: list[str]) -> tuple[int, Any]:
        pipe.send(("registry", clock.now(), community_id, elder_id, categories))
        answer: tuple[int, Any] = pipe.recv()
        return answer

    return change
