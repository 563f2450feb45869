#!/usr/bin/env bash
# Build the OR-Tools dependency layer as `sam build` would for python3.12 x86_64, without
# Docker, then trim what the routers never import, and report size and cold import time.
#
#   layers/ortools/build.sh [--no-trim] [DIR]   # default DIR: build/ortools-layer (gitignored)
#
# `sam build` runs it through layers/ortools/Makefile (BuildMethod: makefile) with
# DIR=$ARTIFACTS_DIR, so the trimmed layer is the one deployed. The layer is DIR/python.
#
# Platform tags: ortools 9.15 publishes manylinux_2_27/2_28 wheels only; with
# manylinux2014 alone pip finds nothing newer than 9.11. Lambda's python3.12 runtime
# (Amazon Linux 2023, glibc 2.34) accepts manylinux_2_28.
#
# Trim (measured: the routers import only ortools.constraint_solver, ortools.util's and
# ortools.sat's *_pb2 parameter modules, and google.protobuf; the fleet router's PyVRP search
# imports pyvrp, numpy and vrplib):
# - pandas, python-dateutil, tzdata, absl-py, immutabledict: required by ortools'
#   wheel metadata (notebook and math_opt helpers) but never imported by the routers;
# - matplotlib (with pillow, fonttools, kiwisolver, contourpy, cycler, pyparsing, packaging)
#   and tqdm: required by pyvrp's wheel metadata for its plots and command line, never
#   imported by `import pyvrp`; pyvrp's own plotting package and command line;
# - ortools solvers other than the routing library: sat's Python helpers, linear_solver,
#   math_opt, algorithms, bop, glop, graph, packing, pdlp, scheduling, service, set_cover, init;
# - *.pyi stubs, __pycache__, console scripts, tests.
# The shared C++ libraries in ortools/.libs are kept whole (the routing extension links them).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TRIM=yes
# TIMINGS=no (as `sam build` runs it, in `make test`): sizes only, no cold-import timings.
TIMINGS=${TIMINGS:-yes}
if [[ "${1:-}" == "--no-trim" ]]; then TRIM=no; shift; fi
ROOT=${1:-$HERE/../../build/ortools-layer}
OUT=$ROOT/python
PY312=${PY312:-$HOME/.pyenv/versions/3.12.1/bin/python3.12}
if [[ -z "${PIP:-}" ]]; then
  if [[ -x "$HERE/../../.venv/bin/pip" ]]; then PIP=$HERE/../../.venv/bin/pip; else PIP=pip3; fi
fi

rm -rf "$OUT"
# --no-compile: every __pycache__ is deleted below (and before each cold-import timing).
"$PIP" install --quiet --no-compile -r "$HERE/requirements.txt" --target "$OUT" \
  --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 \
  --platform manylinux2014_x86_64 --python-version 3.12 --only-binary=:all:

measure() {
  echo "$1: $(du -sm "$OUT" | cut -f1) MB unzipped ($(du -sb "$OUT" | cut -f1) bytes)"
  if [[ -x "$PY312" && "$TIMINGS" == yes ]]; then
    for i in 1 2 3 4 5; do
      find "$OUT" -name __pycache__ -prune -exec rm -rf {} + 2>/dev/null || true
      PYTHONPATH="$OUT" PYTHONDONTWRITEBYTECODE=1 "$PY312" -c \
        'import time; t = time.perf_counter(); import ortools.constraint_solver.pywrapcp
from ortools.constraint_solver import routing_enums_pb2, routing_ils_pb2
print(f"  cold import {1000 * (time.perf_counter() - t):.0f} ms", end="")
t = time.perf_counter(); import pyvrp
print(f", pyvrp {1000 * (time.perf_counter() - t):.0f} ms")'
    done
  fi
}

measure "as built"
if [[ "$TRIM" == no ]]; then exit 0; fi

cd "$OUT"
rm -rf pandas pandas-* dateutil python_dateutil-* tzdata tzdata-* \
  absl absl_py-* immutabledict immutabledict-* bin \
  matplotlib matplotlib-* mpl_toolkits PIL pillow-* pillow.libs fontTools fonttools-* \
  kiwisolver kiwisolver-* contourpy contourpy-* cycler cycler-* pyparsing pyparsing-* \
  pylab.py share packaging packaging-* tqdm tqdm-* pyvrp/plotting pyvrp/cli.py
for pkg in algorithms bop glop graph init linear_solver math_opt packing pdlp scheduling \
  service set_cover; do
  rm -rf "ortools/$pkg"
done
rm -rf ortools/sat/python ortools/sat/colab
find . -name "*.pyi" -delete
find . -name __pycache__ -prune -exec rm -rf {} +
find . -type d \( -name tests -o -name test \) -prune -exec rm -rf {} +
cd - > /dev/null

# The trimmed layer must still route: a tiny model solved with the layer alone.
if [[ ! -x "$PY312" ]]; then measure "trimmed (no python3.12 here: not smoke-tested)"; exit 0; fi
PYTHONPATH="$OUT" "$PY312" - <<'PY'
from ortools.constraint_solver import pywrapcp, routing_enums_pb2, routing_ils_pb2  # noqa: F401
m = pywrapcp.RoutingIndexManager(3, 1, 0)
r = pywrapcp.RoutingModel(m)
r.SetArcCostEvaluatorOfAllVehicles(r.RegisterTransitMatrix([[0, 1, 2], [1, 0, 1], [2, 1, 0]]))
p = pywrapcp.DefaultRoutingSearchParameters()
p.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
p.time_limit.FromMilliseconds(200)
assert r.SolveWithParameters(p) is not None, "trimmed layer cannot solve"
print("  trimmed layer solves a routing model")
import pyvrp
from pyvrp.stop import MaxIterations
model = pyvrp.Model()
depot = model.add_depot(model.add_location(0, 0))
model.add_vehicle_type(num_available=1)
for x in (1, 2):
    model.add_client(model.add_location(x, 0))
for a in model.locations:
    for b in model.locations:
        model.add_edge(a, b, distance=abs(a.x - b.x))
assert model.solve(MaxIterations(50), display=False).best.is_feasible(), "pyvrp cannot solve"
print("  trimmed layer solves a PyVRP model")
PY
measure "trimmed"
