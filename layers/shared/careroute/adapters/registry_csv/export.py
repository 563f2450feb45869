"""Writing the registry as the three CSV files (each through `writing.write_csv`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from careroute.adapters.registry_csv.columns import (
    COMMUNITIES_FILE,
    COMMUNITY_COLUMNS,
    ELDER_COLUMNS,
    ELDERS_FILE,
    STEWARD_COLUMNS,
    STEWARDS_FILE,
)
from careroute.adapters.registry_csv.writing import (
    Located,
    iso_text,
    scope_cells,
    window_cells,
    write_csv,
)
from careroute.domain import clock
from careroute.domain.geo import Crs
from careroute.domain.policy import Policy, load_policy
from careroute.domain.vocabulary import Registry


def write_registry(
    directory: Path,
    registry: Registry,
    as_of: date | None = None,
    *,
    policy: Policy | None = None,
    crs: Crs = Crs.WGS84,
) -> dict[str, int]:
    """Write the three CSV files into `directory`; returns the data rows written per file.

    The elders' `tier` column is derived by `policy` (default: the built-in one) on `as_of`
    (default: today in China). Coordinates are written in `crs`: WGS-84 as stored, or e.g.
    GCJ-02 for AMap, then with a last `crs` column so the files import back. Each file is
    written to a temporary name and then renamed.
    """
    as_of = as_of or clock.today()
    policy = policy or load_policy()
    directory.mkdir(parents=True, exist_ok=True)
    located = Located(crs)
    community_rows = (
        [
            c.community_id, c.name, c.street_id, c.street_name, c.district_id, c.district_name,
            *located.cells(c.location), str(c.radius_m), c.kind.value, *located.tail,
        ]
        for c in registry.communities
    )  # fmt: skip
    steward_rows = (
        [
            s.steward_id, s.community_id, s.name,
            *window_cells(s.shift), *window_cells(s.lunch_break),
            s.mode.value, str(s.max_visits_per_day), ";".join(map(str, sorted(s.days_off))),
        ]
        for s in registry.stewards
    )  # fmt: skip
    elder_rows = (
        [
            e.elder_id, *scope_cells(e), e.name, e.address,
            *located.cells(e.location),
            ";".join(sorted(c.value for c in e.categories)), e.birth_date.isoformat(),
            policy.tier_of(e, as_of).value, *window_cells(e.window),
            e.status.value, iso_text(e.last_visited_on), iso_text(e.urgent_until),
            e.phone, e.guardian, e.guardian_phone, *located.tail,
        ]
        for e in registry.elders
    )  # fmt: skip
    return {
        COMMUNITIES_FILE: write_csv(
            directory / COMMUNITIES_FILE, COMMUNITY_COLUMNS + located.header, community_rows
        ),
        STEWARDS_FILE: write_csv(directory / STEWARDS_FILE, STEWARD_COLUMNS, steward_rows),
        ELDERS_FILE: write_csv(directory / ELDERS_FILE, ELDER_COLUMNS + located.header, elder_rows),
    }
