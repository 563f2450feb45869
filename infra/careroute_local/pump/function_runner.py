"""Calling a function's handler as Lambda does: imported once from its code directory with its
layers on sys.path, one invocation at a time per function, JSON in and JSON out.

`FunctionRunner` is the base every event source of the pump builds on: it owns the stack, the
loaded handlers and the per-function locks, and `invoke` is the one way any event reaches a
handler.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import sys
import threading
import time
import traceback
from collections.abc import Callable
from types import ModuleType
from typing import Any

from careroute_local.lambda_context import LocalLambdaContext
from careroute_local.stack import LocalStack
from careroute_local.template import FunctionSpec

log = logging.getLogger("careroute_local")

Handler = Callable[[Any, Any], Any]


def load_module(spec: FunctionSpec) -> ModuleType:
    """Import a function's handler module by file path, once, under a name unique to it."""
    digest = hashlib.sha1(str(spec.handler_path).encode()).hexdigest()[:10]
    module_name = f"_lambda_{spec.logical_id}_{digest}"
    module: ModuleType | None = sys.modules.get(module_name)
    if module is None:
        # Like Lambda: the code directory first on sys.path while the handler is imported,
        # then the layers (/opt/python). Afterwards the code directory moves to the end, so
        # that several functions' directories in one process do not shadow other imports.
        code_dir = str(spec.code_dir)
        sys.path.insert(0, code_dir)
        for layer in spec.layer_dirs:
            if str(layer) not in sys.path:
                sys.path.append(str(layer))
        module_spec = importlib.util.spec_from_file_location(module_name, spec.handler_path)
        if module_spec is None or module_spec.loader is None:
            raise ImportError(f"cannot load {spec.handler_path}")
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[module_name] = module
        try:
            module_spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[module_name]
            raise
        finally:
            sys.path.remove(code_dir)
            if code_dir not in sys.path:
                sys.path.append(code_dir)
    return module


def load_handler(spec: FunctionSpec) -> Handler:
    """A function's handler, from its module imported once (`load_module`)."""
    handler: Handler = getattr(load_module(spec), spec.handler_function)
    return handler


MAX_COPY_DEPTH = 64
"""Nesting `json_copy` walks before it leaves the rest to the JSON round trip (which also
refuses a structure that contains itself)."""


def json_copy(value: Any, depth: int = 0) -> Any:
    """`json.loads(json.dumps(value))`, without the text in between where `value` is made of
    JSON's own types only (dicts with str keys, lists, str, int, float, bool, None; exactly
    these, not subclasses such as enums, which the text would turn into their values): an
    API answer is mostly one long body string, which the round trip escapes and reads back
    for nothing. Anything else takes the round trip, and raises as it does."""
    kind = type(value)
    if value is None or kind is str or kind is int or kind is float or kind is bool:
        return value
    if depth < MAX_COPY_DEPTH:
        if kind is list:
            return [json_copy(item, depth + 1) for item in value]
        if kind is dict and all(type(key) is str for key in value):
            return {key: json_copy(item, depth + 1) for key, item in value.items()}
    return json.loads(json.dumps(value))


def call_handler(spec: FunctionSpec, handler: Handler, event: Any) -> Any:
    """One invocation: JSON in, JSON out, like Lambda (non-JSON results are errors)."""
    payload = json_copy(event)
    started = time.monotonic()
    result = handler(payload, LocalLambdaContext.for_function(spec))
    elapsed = time.monotonic() - started
    if elapsed > spec.timeout:
        log.warning(
            "%s took %.1fs, over its %ss Timeout: Lambda would have stopped it",
            spec.logical_id,
            elapsed,
            spec.timeout,
        )
    try:
        return json_copy(result)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"Runtime.MarshalError: {spec.logical_id} result: {exc}") from exc


def last_line(text: Any) -> str:
    """The last line of a traceback: what a log line says about a failed invocation."""
    lines = str(text).strip().splitlines()
    return lines[-1] if lines else ""


class FunctionRunner:
    """The template's functions, callable in this process; the event sources build on it."""

    def __init__(self, stack: LocalStack) -> None:
        self.stack = stack
        stack.apply_environment()  # before any handler is imported
        self._handlers: dict[str, Handler] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()

    def invoke(self, function_logical_id: str, event: Any) -> Any:
        """Call a function's handler with any event (JSON round-tripped); errors propagate."""
        spec = self.stack.template.functions[function_logical_id]
        with self._lock(function_logical_id):
            handler = self._handlers.get(function_logical_id)
            if handler is None:
                handler = self._handlers[function_logical_id] = load_handler(spec)
            return call_handler(spec, handler, event)

    def _invoke_safely(self, spec: FunctionSpec, event: Any) -> tuple[bool, Any]:
        try:
            return True, self.invoke(spec.logical_id, event)
        except Exception:
            return False, traceback.format_exc()

    def _lock(self, function_logical_id: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(function_logical_id, threading.Lock())
