"""What a data set's rows may refer to, and the checks of those references: the registry's
communities, streets, districts and elders, and the items of the files read before (a
worker's provider, a lunch order's canteen). A reference to a row that was itself bad is not
reported again.
"""

from __future__ import annotations

from collections.abc import Iterable

from careroute.adapters.registry_csv.rows import Row
from careroute.domain.providers import Provider
from careroute.domain.vocabulary import Community, Elder, Registry
from careroute.planning.meals import Canteen

CANTEENS_FILE = "canteens.csv"


class Known:
    """The references one import checks against, filled as its files are read in order."""

    def __init__(self, registry: Registry, canteens: Iterable[Canteen] = ()) -> None:
        self.communities: dict[str, Community] = {c.community_id: c for c in registry.communities}
        self.street_districts = {c.street_id: c.district_id for c in registry.communities}
        self.districts = set(self.street_districts.values())
        self.elders: dict[str, Elder] = {e.elder_id: e for e in registry.elders}
        self.providers: dict[str, Provider] = {}
        """Good rows of providers.csv, by id."""
        self.canteens: dict[str, Canteen] = {c.canteen_id: c for c in canteens}
        """Good rows of canteens.csv by id; until it is read, the stored canteens."""
        self.ids: dict[str, set[str] | None] = {CANTEENS_FILE: set(self.canteens)}
        """File -> the ids on its rows, good or bad (for references to it); None when the
        file could not be read at all (references to it are then not checked)."""
        self.canteen_of: dict[str, tuple[str, int]] = {}
        """Community id -> (its canteen, the line it is on)."""

    def forget_stored(self, file: str) -> None:
        """`file` is being read: the stored items it replaces are no longer there."""
        if file == CANTEENS_FILE:
            self.canteens.clear()

    def district(self, row: Row, field: str = "district_id") -> str:
        district_id = row.text(field)
        if district_id and district_id not in self.districts:
            row.error(field, f"unknown district {district_id!r}")
        return district_id

    def street(self, row: Row, district_id: str) -> str:
        """The row's `street_id`, which must be a known street of `district_id`."""
        street_id = row.text("street_id")
        if not street_id:
            return street_id
        in_district = self.street_districts.get(street_id)
        if in_district is None:
            row.error("street_id", f"unknown street {street_id!r}")
        elif district_id and in_district != district_id:
            row.error("street_id", f"street {street_id} is in district {in_district}")
        return street_id

    def community(self, row: Row, field: str = "community_id") -> Community | None:
        community_id = row.text(field)
        if not community_id:
            return None
        community = self.communities.get(community_id)
        if community is None:
            row.error(field, f"unknown community {community_id!r}")
        return community

    def place(self, row: Row) -> Community | None:
        """The row's community, with its `street_id` and `district_id` the community's."""
        community = self.community(row)
        street_id, district_id = row.texts("street_id", "district_id")
        if community is None:
            return None
        for field, value, expected in (
            ("street_id", street_id, community.street_id),
            ("district_id", district_id, community.district_id),
        ):
            if value and value != expected:
                reason = f"{value!r} does not match community {community.community_id} ({expected})"
                row.error(field, reason)
        return community

    def elder(self, row: Row, community_id: str | None = None) -> Elder | None:
        """The row's elder, living in `community_id` when one is given."""
        elder_id = row.text("elder_id")
        if not elder_id:
            return None
        elder = self.elders.get(elder_id)
        if elder is None:
            row.error("elder_id", f"unknown elder {elder_id!r}")
        elif community_id and elder.community_id != community_id:
            row.error("elder_id", f"elder {elder_id} lives in community {elder.community_id}")
        return elder

    def listed(self, row: Row, field: str, file: str) -> str:
        """The row's `field`, which must be an id on some row of `file`."""
        value = row.text(field)
        ids = self.ids.get(file, set())
        if value and ids is not None and value not in ids:
            row.error(field, f"unknown {field.removesuffix('_id')} {value!r}")
        return value
