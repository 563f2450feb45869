# CareRoute: `make run` runs the main job on the local stack, `make test` runs every check.
# Both create the virtualenv and install from pyproject.toml on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# SAM CLI pins its own boto3 and friends: it gets a virtualenv of its own.
TOOLS := .venv-tools
TOOLS_STAMP := $(TOOLS)/.installed-stamp
# checkov pins an older boto3 and packaging than SAM CLI: it gets a virtualenv of its own too.
CHECKOV := .venv-checkov
CHECKOV_STAMP := $(CHECKOV)/.installed-stamp
# `sam build` without a container needs a python3.12 on PATH: pyenv's, if present.
PY312_BIN ?= $(HOME)/.pyenv/versions/3.12.1/bin
export SAM_CLI_TELEMETRY := 0
SEED ?= 7
ARGS ?=

.PHONY: help dev run test every-test test-dates lint build typecheck openapi unit integration e2e bench clean

help:
	@echo "make run        - local stack, synthetic Shenyang, tomorrow's plan, API serving"
	@echo "make test       - lint (ruff, cfn-lint, sam validate, checkov, sam build), mypy, every test"
	@echo "make test-dates - the date-sensitive tests under each awkward 'today' (TEST_DATES)"
	@echo "make openapi    - rebuild /openapi.json from every API function (after a route change)"
	@echo "make unit | integration | e2e | lint | build | typecheck | bench | clean"

# uv installs the three virtualenvs: it downloads and unpacks the wheels in parallel where pip
# took them one at a time (minutes of waiting on the network on a fresh clone). uv itself comes
# first, into .venv, with the pip that `python -m venv` puts there.
UV := $(BIN)/uv
UV_INSTALL := $(UV) pip install --quiet --python

$(UV):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "CareRoute needs Python 3.11+")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet 'uv>=0.9,<1'

# pip stays in .venv, upgraded (layers/ortools/build.sh uses it for the Lambda layer's wheels).
$(STAMP): pyproject.toml | $(UV)
	$(UV_INSTALL) $(BIN)/python --upgrade pip -e '.[local,dev]'
	touch $(STAMP)

$(TOOLS_STAMP): | $(UV)
	$(PYTHON) -m venv $(TOOLS)
	$(UV_INSTALL) $(TOOLS)/bin/python 'aws-sam-cli>=1.120'
	touch $(TOOLS_STAMP)

$(CHECKOV_STAMP): | $(UV)
	$(PYTHON) -m venv $(CHECKOV)
	$(UV_INSTALL) $(CHECKOV)/bin/python 'checkov>=3.2'
	touch $(CHECKOV_STAMP)

dev: $(STAMP)

run: $(STAMP)
	$(BIN)/careroute run --seed $(SEED) $(ARGS)

# checkov: every finding is fixed or skipped in template.yaml with its reason (Metadata:
# checkov: skip); then the deployable build itself. `sam validate` checks the SAM transform
# only: its --lint would run cfn-lint a second time.
lint: $(STAMP) $(TOOLS_STAMP) $(CHECKOV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/cfn-lint template.yaml
	$(TOOLS)/bin/sam validate --template template.yaml --region us-east-1
	$(CHECKOV)/bin/checkov -f template.yaml --framework cloudformation --quiet --compact --skip-download
	$(MAKE) build

# Packages every function and both layers (the OR-Tools layer through layers/ortools/build.sh)
# into .aws-sam/build, as `sam deploy` would ship them: ~20 s here with a warm pip cache.
build: $(TOOLS_STAMP)
	PATH="$(PY312_BIN):$$PATH" $(TOOLS)/bin/sam build --template template.yaml

typecheck: $(STAMP)
	$(BIN)/mypy

# The one OpenAPI document of every API function (careroute/entrypoints/openapi_doc.py), served by the
# ApiFunction from the shared layer; tests/integration/test_openapi_document.py checks it.
openapi: $(STAMP)
	$(BIN)/python -m careroute_local.openapi_build

# The web pages' end-to-end tests drive Debian's Chromium (never a downloaded browser).
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(CHROMIUM):
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium

# Both cores: one pytest worker (and one moto server) per core, tests dealt out one by one
# (xdist's default). Whole files per worker (--dist loadfile) measured slower on a quiet fresh
# clone: pytest 9 min 44 s against 8 min 36 s (docs/benchmarks.md).
PYTEST := $(BIN)/pytest -n 2

# The three virtualenvs install side by side (mostly waiting on the network); every test starts
# on both cores as soon as .venv is ready, beside lint and typecheck (which fill the cores while
# the tests wait on their moto servers and subprocesses). Each target's output is printed whole
# when it ends. --durations names the slowest tests (where to look when the suite grows).
test:
	$(MAKE) --jobs=3 --output-sync=target lint typecheck every-test

every-test: $(STAMP) $(CHROMIUM)
	$(PYTEST) --durations=15

# Tests take "today" from CAREROUTE_TEST_TODAY (default in tests/conftest.py). These dates are
# where calendars bite: a Saturday, a Sunday, a month's last working day, the year's end, two
# ends of February, the eve of the National Day week and its first day back (a month whose
# working days are not Monday to Friday). `make test-dates` runs every test that plans,
# dispatches or counts a month under each; CAREROUTE_TEST_TODAY=D make test-dates runs date D
# only. Left out: tests that read no calendar (template, pump, journal, fuzzing).
TEST_DATES := 2026-12-05 2026-12-06 2026-11-30 2026-12-31 2027-02-26 2028-02-29 2026-10-08 \
	2026-09-30
DATE_TESTS := tests/contract tests/e2e tests/integration --ignore=tests/integration/local_stack \
	--ignore=tests/integration/test_api_fuzz.py --ignore=tests/integration/test_journal.py \
	--ignore=tests/integration/test_openapi_document.py

test-dates: $(STAMP) $(CHROMIUM)
	@for day in $(or $(CAREROUTE_TEST_TODAY),$(TEST_DATES)); do \
		echo "== CAREROUTE_TEST_TODAY=$$day"; \
		CAREROUTE_TEST_TODAY=$$day $(PYTEST) -q -p no:logging $(DATE_TESTS) || exit 1; \
	done

unit: $(STAMP)
	$(PYTEST) tests/unit

integration: $(STAMP)
	$(PYTEST) tests/integration

e2e: $(STAMP) $(CHROMIUM)
	$(PYTEST) tests/e2e

bench: $(STAMP)
	$(BIN)/python benchmarks/city_plan.py
	$(BIN)/python benchmarks/route_solve.py

clean:
	rm -rf $(VENV) $(TOOLS) $(CHECKOV) .pytest_cache .ruff_cache .mypy_cache
