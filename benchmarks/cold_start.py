"""Cold start: how long importing each function's handler takes in a fresh Python process.

What Lambda's Init phase spends on our code: for every function in template.yaml, `--runs`
fresh processes each import the handler module as Lambda does (its code directory first on
sys.path, then the layers), with the function's environment from the template; the import
alone (not the interpreter's start) is timed inside the process, wall and CPU time (the CPU
time hardly moves when other work loads the machine; the wall time does). The handlers' AWS
endpoint is a closed local port: nothing is read or written at import. Prints each function's
p50 and slowest import, and fails when one does not import or its p50 is over `--limit` ms.

Tracing is off by default, as on the local stack (POWERTOOLS_TRACE_DISABLED), so the X-Ray SDK
is not loaded. `--traced` imports as a deployed function with `Tracing: Active` does: in
Lambda (LAMBDA_TASK_ROOT set) with tracing on, the SDK loaded and its patches applied.

    .venv/bin/python benchmarks/cold_start.py [--runs 10] [--limit 300] [--traced]
        [--only ApiFunction,SolverFunction] [--before DIR] [--instructions]

`--before DIR` (a checkout of an earlier commit, e.g. `git worktree add DIR <commit>`) imports
each handler from DIR and from this tree alternately, run by run, so that load from elsewhere
on the machine falls on both sides, and prints both CPU p50s side by side.

`--instructions` counts the instructions each import executes instead (valgrind's cachegrind,
one run each, the interpreter's own start subtracted): the same on a quiet machine and a busy
one, where CPU time grows 10-60 % with the load on this shared 2-core machine. Use it to
compare trees (with `--before`) and to see what a change saves; milliseconds are
instructions divided by the machine's speed, which `--runs` on a quiet machine gives.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from statistics import median

from careroute_local.paths import TEMPLATE_PATH
from careroute_local.template import FunctionSpec, load_template

CLOSED_PORT = "http://127.0.0.1:9"
"""Where the handlers' AWS clients point: nothing answers, so a call at import fails."""

IMPORT_ONE = """
import importlib.util, json, sys, time
code_dir, path, layers = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
started, cpu = time.perf_counter(), time.process_time()
sys.path.insert(0, code_dir)
sys.path.extend(layers)
spec = importlib.util.spec_from_file_location("lambda_function_module", path)
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
wall_ms, cpu_ms = (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000
print(json.dumps({"ms": wall_ms, "cpu_ms": cpu_ms}))
"""


def environment(spec: FunctionSpec, traced: bool = False) -> dict[str, str]:
    """The function's environment from the template, its AWS endpoint a closed port; tracing
    off, or on as in Lambda (`traced`)."""
    tracing = (
        {"LAMBDA_TASK_ROOT": str(spec.code_dir)}
        if traced
        else {"POWERTOOLS_TRACE_DISABLED": "true"}  # no X-Ray daemon here
    )
    return {
        "PATH": "/usr/bin:/bin",
        "AWS_ENDPOINT_URL": CLOSED_PORT,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_LAMBDA_FUNCTION_NAME": spec.name,
        **tracing,
        **spec.environment,
    }


CACHEGRIND = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]
"""Counts the instructions a process executes (no cache simulation: ~20x slower, not 100x)."""


class ImportFailed(Exception):
    """The handler did not import (its last traceback line)."""


def import_ms(spec: FunctionSpec, traced: bool = False) -> tuple[float, float]:
    """One fresh process's import of the function's handler: (wall ms, CPU ms)."""
    layers = json.dumps([str(layer) for layer in spec.layer_dirs])
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_ONE, str(spec.code_dir), str(spec.handler_path), layers],
        env=environment(spec, traced),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise ImportFailed(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "")
    timing = json.loads(done.stdout.strip().splitlines()[-1])
    return float(timing["ms"]), float(timing["cpu_ms"])


def _instructions(command: list[str], env: dict[str, str]) -> int:
    """Instructions the process `command` executes, as valgrind counts them."""
    done = subprocess.run(CACHEGRIND + command, env=env, capture_output=True, text=True)
    counted = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if done.returncode != 0 or counted is None:
        raise ImportFailed(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "")
    return int(counted.group(1).replace(",", ""))


def import_instructions(spec: FunctionSpec, traced: bool = False) -> int:
    """Instructions of one fresh process's import of the handler, the interpreter's start
    (the same process importing nothing) subtracted."""
    layers = json.dumps([str(layer) for layer in spec.layer_dirs])
    env = environment(spec, traced)
    args = [str(spec.code_dir), str(spec.handler_path), layers]
    started = _instructions([sys.executable, "-c", "pass"], env)
    return _instructions([sys.executable, "-c", IMPORT_ONE, *args], env) - started


def counted(
    functions: dict[str, FunctionSpec], before: dict[str, FunctionSpec], traced: bool
) -> None:
    """Each function's import in millions of instructions, beside the earlier tree's."""
    print("| function | before M instructions | after M instructions | change |")
    print("|---|---:|---:|---:|")
    for logical_id, spec in sorted(functions.items()):
        try:
            new = import_instructions(spec, traced) / 1e6
            old = (
                import_instructions(before[logical_id], traced) / 1e6
                if logical_id in before
                else None
            )
        except ImportFailed as failed:
            print(f"| {logical_id} | import failed: {failed} | | |", flush=True)
            continue
        if old is None:
            print(f"| {logical_id} | | {new:,.0f} | |", flush=True)
        else:
            print(f"| {logical_id} | {old:,.0f} | {new:,.0f} | {new / old - 1:+.1%} |", flush=True)


def side_by_side(
    functions: dict[str, FunctionSpec], before: dict[str, FunctionSpec], runs: int, traced: bool
) -> None:
    """Each function imported from the earlier tree and from this one, alternately."""
    print("| function | before p50 CPU ms | after p50 CPU ms | change | after p50 ms |")
    print("|---|---:|---:|---:|---:|")
    for logical_id, spec in sorted(functions.items()):
        if logical_id not in before:
            continue
        try:
            pairs = [
                (import_ms(before[logical_id], traced), import_ms(spec, traced))
                for _ in range(runs)
            ]
        except ImportFailed as failed:
            print(f"| {logical_id} | import failed: {failed} | | | |", flush=True)
            continue
        old = median(b[1] for b, _ in pairs)
        new = median(a[1] for _, a in pairs)
        wall = median(a[0] for _, a in pairs)
        print(
            f"| {logical_id} | {old:.0f} | {new:.0f} | {new - old:+.0f} | {wall:.0f} |",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--limit", type=float, default=300.0, help="ms a p50 may take")
    parser.add_argument("--traced", action="store_true", help="tracing on, as in Lambda")
    parser.add_argument("--only", default="", help="comma-separated logical ids (default: all)")
    parser.add_argument("--before", type=Path, help="an earlier checkout to compare with")
    parser.add_argument(
        "--instructions", action="store_true", help="count instructions (valgrind), not time"
    )
    args = parser.parse_args()
    functions = load_template(TEMPLATE_PATH).functions
    if args.only:
        functions = {k: v for k, v in functions.items() if k in args.only.split(",")}
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    tracing = "tracing on, as in Lambda" if args.traced else "tracing off"
    runs = "instructions, one valgrind run" if args.instructions else f"{args.runs} fresh processes"
    print(f"handler import, {runs} each, {tracing}, python {sys.version.split()[0]}")
    print(f"{os.cpu_count()} CPUs, load average {load} (wall time grows with the load)")
    before = load_template(args.before / "template.yaml").functions if args.before else {}
    if args.instructions:
        if shutil.which("valgrind") is None:
            raise SystemExit("--instructions needs valgrind (apt-get install valgrind)")
        counted(functions, before, args.traced)
        return
    if args.before:
        side_by_side(functions, before, args.runs, args.traced)
        return
    print("| function | p50 ms | slowest ms | p50 CPU ms |")
    print("|---|---:|---:|---:|")
    over = []
    for logical_id, spec in sorted(functions.items()):
        try:
            runs = [import_ms(spec, args.traced) for _ in range(args.runs)]
        except ImportFailed as failed:
            print(f"| {logical_id} | import failed: {failed} | | |", flush=True)
            over.append(logical_id)
            continue
        p50 = median(wall for wall, _ in runs)
        slowest = max(wall for wall, _ in runs)
        cpu = median(cpu for _, cpu in runs)
        print(f"| {logical_id} | {p50:.0f} | {slowest:.0f} | {cpu:.0f} |", flush=True)
        if p50 > args.limit:
            over.append(logical_id)
    if over:
        raise SystemExit(f"failed or p50 over {args.limit:.0f} ms: {', '.join(over)}")


if __name__ == "__main__":
    main()
