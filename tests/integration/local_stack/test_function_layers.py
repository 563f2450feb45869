"""Every function in template.yaml must start in Lambda with the layers it is given: a handler
without the OR-Tools layer must import with OR-Tools absent (in the cloud an ImportError at
cold start fails every invocation; locally the whole venv hides it). Each handler is imported
in a subprocess in which importing `ortools` or `pyvrp` (the two solvers of that layer)
raises."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from careroute_local.template import FunctionSpec, load_template

ROOT = Path(__file__).resolve().parents[3]

PROBE = r"""
import importlib.abc, json, runpy, sys

class NoOrTools(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in ("ortools", "pyvrp"):
            raise ImportError("the solver layer is not in this function's layers")

sys.meta_path.insert(0, NoOrTools())
failed = {}
for logical_id, handler in json.loads(sys.argv[1]).items():
    try:
        runpy.run_path(handler, run_name="handler_probe")
    except Exception as exc:
        failed[logical_id] = f"{type(exc).__name__}: {exc}"
print(json.dumps(failed))
"""


def has_ortools_layer(function: FunctionSpec) -> bool:
    return any(d.name == "ortools" for d in function.layer_dirs)


def test_functions_without_the_ortools_layer_import_without_ortools() -> None:
    functions = load_template(ROOT / "template.yaml").functions.values()
    without = {f.logical_id: f for f in functions if not has_ortools_layer(f)}
    with_layer = [f.logical_id for f in functions if has_ortools_layer(f)]
    assert "SolverFunction" in with_layer and "ApiFunction" in without
    env = {**os.environ, "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1"}
    for function in without.values():
        env.update({k: v or "unset" for k, v in function.environment.items()})
    handlers = {lid: str(f.handler_path) for lid, f in without.items()}
    probe = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(handlers)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert probe.returncode == 0, probe.stderr[-2000:]
    failed = json.loads(probe.stdout.strip().splitlines()[-1])
    assert failed == {}, f"add the OrToolsLayer or import the router lazily: {failed}"
