"""The memory simulation's solver processes: a night's plan jobs solved in forked workers
leave the same routes and overflow marks as solving them one after the other."""

from __future__ import annotations

from typing import Any

import pytest

from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import Registry
from careroute.messages.visits import CoverItem
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


def test_two_cover_jobs_for_one_route_add_up_in_forked_workers(
    one_street: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two sick neighbours of one morning both hand the same steward cover: the two re-plans
    of its route, solved in one batch, leave both covers on it (solved apart in two workers,
    the second overwrote the first's)."""
    monkeypatch.setattr(solver_pool, "MIN_JOBS_PER_WORKER", 1)
    backend = memory_backend().holding(one_street)
    fan_out(tick_for(PLAN_DATE), "night", POLICY, backend.nightly)
    night = backend.queued()
    solver_pool.solve_all(night, POLICY, backend.community, workers=2)
    helper, *others = night
    neighbour = next(c for c in one_street.communities if c.community_id != helper.community_id)
    theirs = sorted(
        e.elder_id for e in one_street.elders if e.community_id == neighbour.community_id
    )
    covers = [theirs[:2], theirs[2:4]]
    morning = [
        helper.model_copy(
            update={
                "cover": [CoverItem(community_id=neighbour.community_id, elder_id=e) for e in ids],
                "keep_cover": True,
            }
        )
        for ids in covers
    ]
    solver_pool.solve_all([*morning, *others], POLICY, backend.community, workers=2)
    steward = next(s for s in one_street.stewards if s.community_id == helper.community_id)
    route = backend.routes.find_route(steward.steward_id, PLAN_DATE)
    assert route is not None
    covered = {s["elder_id"] for s in [*route["stops"], *route["unassigned"]] if s.get("cover")}
    assert covered == set(covers[0] + covers[1])
