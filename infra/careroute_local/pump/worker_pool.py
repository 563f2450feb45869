"""Lambda concurrency for queue batches: `workers > 1` runs invocations in that many processes.

Each worker process imports its function's handler once (the pool's initializer); with one
worker the invocation runs in this process behind the same `submit` interface.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from careroute_local.pump.function_runner import Handler, call_handler, load_handler
from careroute_local.template import FunctionSpec

Outcome = tuple[bool, Any]
"""(True, the handler's result) or (False, the traceback of what it raised)."""

# Worker processes (workers > 1): one handler per process, imported once by the initializer.
_worker_function: tuple[FunctionSpec, Handler] | None = None


def _worker_init(spec: FunctionSpec, environment: dict[str, str]) -> None:
    global _worker_function
    os.environ.update(environment)
    logging.basicConfig(level=logging.WARNING)
    _worker_function = (spec, load_handler(spec))


def _worker_invoke(event: Any) -> Outcome:
    assert _worker_function is not None, "worker not initialised"
    spec, handler = _worker_function
    try:
        return True, call_handler(spec, handler, event)
    except Exception:
        return False, traceback.format_exc()


def _worker_ready() -> None:
    """Nothing: a task that has a worker process started (and its handler imported)."""


class InlineExecutor:
    """Runs an invocation in this process; looks like a process pool to drain_queue."""

    def __init__(self, invoke_safely: Callable[[FunctionSpec, Any], Outcome], spec: FunctionSpec):
        self._invoke_safely = invoke_safely
        self._spec = spec

    def submit(self, event: Any) -> Future[Outcome]:
        future: Future[Outcome] = Future()
        future.set_result(self._invoke_safely(self._spec, event))
        return future


class PoolExecutor:
    """`workers` spawned processes, each with the function's handler imported."""

    def __init__(self, spec: FunctionSpec, workers: int, environment: dict[str, str]) -> None:
        self.pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_worker_init,
            initargs=(spec, environment),
        )

    def submit(self, event: Any) -> Future[Outcome]:
        return self.pool.submit(_worker_invoke, event)

    def start(self, workers: int) -> None:
        """Start the worker processes now rather than with the first batches (the pool starts
        one per task while none is idle), so they import their handler meanwhile."""
        for _ in range(workers):
            self.pool.submit(_worker_ready)
