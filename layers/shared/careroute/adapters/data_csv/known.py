"""What a data set's rows may refer to, and the checks of those references: the registry's
communities, streets, districts and elders, and the items of the files read before (a
worker's provider, a lunch order's canteen). A reference to a row that was itself bad is not
reported again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as default
from datetime import date
from typing import TypeVar

from careroute.adapters.registry_csv.rows import Row
from careroute.domain.beds import HomeCareBed
from careroute.domain.benefits import ApprovalRules
from careroute.domain.day_care import CareKind, DayCarePolicy
from careroute.domain.eligibility import Benefits
from careroute.domain.providers import Provider
from careroute.domain.vocabulary import Community, Elder, Registry
from careroute.planning.meals import Canteen, MealOrder
from careroute.planning.service_circle import Facility, FacilityKind

CANTEENS_FILE = "canteens.csv"
PROVIDERS_FILE = "providers.csv"
FACILITIES_FILE = "service_facilities.csv"
BEDS_FILE = "home_care_beds.csv"

T = TypeVar("T")


@dataclass(frozen=True)
class Stored:
    """What is stored already that an import's rows may refer to when the file holding it is
    not given (a file given replaces it), and the rules checked across rows."""

    providers: tuple[Provider, ...] = ()
    """A bed's provider, when providers.csv is not given."""
    facilities: tuple[Facility, ...] = ()
    """A day-care booking's centre, when service_facilities.csv is not given."""
    open_beds: Mapping[str, str] = default(default_factory=dict)
    """Elder id -> the id of their stored bed not closed (one open bed per elder)."""
    day_care: DayCarePolicy = default(default_factory=DayCarePolicy)
    """The places a day-care centre offers a day."""
    beds: tuple[HomeCareBed, ...] = ()
    """A bed visit's bed, when home_care_beds.csv is not given."""
    benefits: Benefits = default(default_factory=Benefits)
    """The benefit rules a claim names, with their monthly amounts."""
    approval: ApprovalRules = default(default_factory=ApprovalRules)
    """The means test an approved claim passed."""
    today: date | None = None
    """The import's day: an order still on a worker's route must be of an earlier day (None:
    not checked)."""


class Known:
    """The references one import checks against, filled as its files are read in order."""

    def __init__(
        self, registry: Registry, canteens: Iterable[Canteen] = (), stored: Stored | None = None
    ) -> None:
        self.stored = stored or Stored()
        self.communities: dict[str, Community] = {c.community_id: c for c in registry.communities}
        self.street_districts = {c.street_id: c.district_id for c in registry.communities}
        self.districts = set(self.street_districts.values())
        self.elders: dict[str, Elder] = {e.elder_id: e for e in registry.elders}
        self.providers: dict[str, Provider] = {p.provider_id: p for p in self.stored.providers}
        """Good rows of providers.csv by id; until it is read, the stored providers."""
        self.day_care_centres: dict[str, Facility] = {
            f.facility_id: f for f in self.stored.facilities if f.kind is FacilityKind.DAY_CARE
        }
        """Good day-care rows of service_facilities.csv by id; until read, the stored ones."""
        self.canteens: dict[str, Canteen] = {c.canteen_id: c for c in canteens}
        """Good rows of canteens.csv by id; until it is read, the stored canteens."""
        self.beds: dict[str, HomeCareBed] = {b.bed_id: b for b in self.stored.beds}
        """Good rows of home_care_beds.csv by id; until it is read, the stored beds."""
        self.ids: dict[str, set[str] | None] = {
            CANTEENS_FILE: set(self.canteens),
            PROVIDERS_FILE: set(self.providers),
            FACILITIES_FILE: {f.facility_id for f in self.stored.facilities},
            BEDS_FILE: set(self.beds),
        }
        """File -> the ids on its rows, good or bad (for references to it); None when the
        file could not be read at all (references to it are then not checked)."""
        self.meal_orders: dict[str, tuple[MealOrder, int]] = {}
        """Order id ("{day}:{elder id}") -> (a good row of meal_orders.csv, its line)."""
        self.places_taken: dict[tuple[str, date, CareKind], int] = {}
        """(centre, day, kind) -> places the good rows of day_care_bookings.csv hold."""
        self.open_beds: dict[str, tuple[str, int]] = {}
        """Elder id -> (their bed not closed in home_care_beds.csv, the line it is on)."""
        self.canteen_of: dict[str, tuple[str, int]] = {}
        """Community id -> (its canteen, the line it is on)."""

    def forget_stored(self, file: str) -> None:
        """`file` is being read: the stored items it replaces are no longer there."""
        if file == CANTEENS_FILE:
            self.canteens.clear()
        elif file == PROVIDERS_FILE:
            self.providers.clear()
        elif file == FACILITIES_FILE:
            self.day_care_centres.clear()
        elif file == BEDS_FILE:
            self.beds.clear()

    def district(self, row: Row, field: str = "district_id") -> str:
        district_id = row.text(field)
        if district_id and district_id not in self.districts:
            row.error(field, f"unknown district {district_id!r}")
        return district_id

    def street(self, row: Row, district_id: str) -> str:
        """The row's `street_id`, which must be a known street of `district_id`."""
        street_id, in_district = _looked_up(row, "street_id", self.street_districts, "street")
        if in_district is not None and district_id and in_district != district_id:
            row.error("street_id", f"street {street_id} is in district {in_district}")
        return street_id

    def community(self, row: Row, field: str = "community_id") -> Community | None:
        return _looked_up(row, field, self.communities, "community")[1]

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
        elder_id, elder = _looked_up(row, "elder_id", self.elders, "elder")
        if elder is not None and community_id and elder.community_id != community_id:
            row.error("elder_id", f"elder {elder_id} lives in community {elder.community_id}")
        return elder

    def placed_elder(self, row: Row) -> tuple[Community | None, Elder | None]:
        """The row's community (checked as `place` checks it) and its elder, who must live
        in that community."""
        community = self.place(row)
        return community, self.elder(row, community.community_id if community else None)

    def listed(self, row: Row, field: str, file: str) -> str:
        """The row's `field`, which must be an id on some row of `file`."""
        value = row.text(field)
        ids = self.ids.get(file, set())
        if value and ids is not None and value not in ids:
            row.error(field, f"unknown {field.removesuffix('_id')} {value!r}")
        return value


def _looked_up(row: Row, field: str, known: Mapping[str, T], what: str) -> tuple[str, T | None]:
    """The row's `field` and the item of `known` it names: None when the field is empty, and
    when it names none (an error recorded on the row)."""
    key = row.text(field)
    item = known.get(key) if key else None
    if key and item is None:
        row.error(field, f"unknown {what} {key!r}")
    return key, item
