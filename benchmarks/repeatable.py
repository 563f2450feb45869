"""Searches that end on their solution limit only, not on the clock: a loaded machine then
plans the same routes as a quiet one (the benchmarks' `--repeatable`). Imports only the
routers, so a process may call it before a local stack sets the handlers' environment."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from careroute import routing
from careroute.routing import fleet_router, ortools_router
from careroute.routing.model import SolveLimits

REPEATABLE_CAP_MS = 600_000
"""With --repeatable: a search's time cap (10 minutes: never reached, the solution limit ends
every search)."""


def repeatable_searches() -> None:
    """Every search (the visits', the programmes') ends on its solution limit, not the clock.

    Both clocks of a search are lifted: the search's time cap, and OR-Tools' cap on each
    large-neighbourhood completion inside it (`lns_time_limit`, 100 ms by default): at load
    8-12, two runs of one tree gave one problem two routes (W0400 in D03 on 2 December, 30.3
    and 35.6 travel minutes), and this cap is the search's only other clock."""
    limits = routing.default_limits

    def without_time_cap(n_stops: int) -> SolveLimits:
        return replace(limits(n_stops), time_limit_ms=REPEATABLE_CAP_MS)

    search_parameters = ortools_router._search_parameters

    def without_lns_cap(limits: SolveLimits, small: bool) -> Any:
        params = search_parameters(limits, small)
        params.lns_time_limit.FromMilliseconds(REPEATABLE_CAP_MS)
        return params

    routing.default_limits = without_time_cap
    ortools_router._search_parameters = without_lns_cap
    fleet_router._search_parameters = without_lns_cap
