"""The registry's CSV format: the three files, their columns in order, and the limits their
values are checked against (described for people in docs/data-format.md).
"""

from __future__ import annotations

COMMUNITIES_FILE = "communities.csv"
STEWARDS_FILE = "stewards.csv"
ELDERS_FILE = "elders.csv"

COMMUNITY_COLUMNS = (
    "community_id", "name", "street_id", "street_name", "district_id", "district_name",
    "lat", "lng", "radius_m", "kind",
)  # fmt: skip
STEWARD_COLUMNS = (
    "steward_id", "community_id", "name", "shift_start", "shift_end", "break_start", "break_end",
    "mode", "max_visits_per_day", "days_off",
)  # fmt: skip
ELDER_COLUMNS = (
    "elder_id", "community_id", "street_id", "district_id", "name", "address", "lat", "lng",
    "categories", "birth_date", "tier", "window_start", "window_end", "status",
    "last_visited_on", "urgent_until", "phone", "guardian", "guardian_phone",
)  # fmt: skip
CONTACT_COLUMNS = frozenset({"phone", "guardian", "guardian_phone"})
"""The elder's and the guardian's contact details: optional, so a registry without them
imports as before."""
CRS_COLUMN = "crs"
"""The coordinate system of a row's `lat` and `lng` (`careroute.domain.geo.Crs`; WGS-84 when
the column is absent or the cell empty). Written, last, only by an export in another system."""
KIND_COLUMN = "kind"
"""A community's kind (`CommunityKind`: residential, or relief_post for a street's relief
steward); optional, residential when the column is absent or the cell empty."""
OPTIONAL_COLUMNS = {
    COMMUNITIES_FILE: frozenset({CRS_COLUMN, KIND_COLUMN}),
    ELDERS_FILE: frozenset({"tier", CRS_COLUMN, *CONTACT_COLUMNS}),
}
"""Columns a file may leave out altogether (every other listed column must be present); those
not in the file's column list above are accepted after it."""

MAX_RADIUS_M = 20_000

FILE_ORDER = {COMMUNITIES_FILE: 0, STEWARDS_FILE: 1, ELDERS_FILE: 2}
"""The order problems are reported in: communities, then stewards, then elders."""
