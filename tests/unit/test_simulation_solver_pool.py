"""The memory simulation's solver processes: a night's plan jobs solved in forked workers
leave the same routes and overflow marks as solving them one after the other."""

from __future__ import annotations

from typing import Any

import pytest

from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import Registry
from careroute.service_layer.planning import fan_out
from careroute_local.simulation import solver_pool
from tests.contract.conftest import memory_backend
from tests.unit.test_plan_community import PLAN_DATE, tick_for

POLICY = load_policy()


def _planned_night(city: Registry, workers: int) -> tuple[dict[str, Any], set[str]]:
    """Fan out the night, solve its jobs with `workers`; the routes and the overflow marks."""
    backend = memory_backend().holding(city)
    fan_out(tick_for(PLAN_DATE), "night", POLICY, backend.nightly)
    planned = solver_pool.solve_all(backend.queued(), POLICY, backend.community, workers)
    assert all(p.error is None for p in planned)
    routes = backend.routes
    documents = {
        s.steward_id: _timeless(routes.find_route(s.steward_id, PLAN_DATE)) for s in city.stewards
    }
    return documents, backend.overflow.overflowing_on(PLAN_DATE)


def _timeless(document: dict[str, Any] | None) -> dict[str, Any] | None:
    """The route without how long its search took (wall time, not the plan)."""
    if document is not None:
        del document["stats"]["solve_ms"]
    return document


def test_forked_workers_leave_what_one_by_one_solving_leaves(
    one_street: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(solver_pool, "MIN_JOBS_PER_WORKER", 1)  # three jobs: fork anyway
    one_by_one = _planned_night(one_street, workers=1)
    forked = _planned_night(one_street, workers=2)
    assert all(document is not None for document in one_by_one[0].values())
    assert forked == one_by_one
