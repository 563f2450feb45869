"""Each row read as a community, a steward or an elder, with the checks that span rows and
files: unique ids, one name per street and district, one steward per community, and elders
placed in a known community's street and district.
"""

from __future__ import annotations

from datetime import date

from careroute.adapters.registry_csv.columns import KIND_COLUMN, MAX_RADIUS_M
from careroute.adapters.registry_csv.rows import Row, check_unique
from careroute.domain.registry_rules import (
    birth_date_problem,
    categories_problem,
    phone_problem,
)
from careroute.domain.vocabulary import (
    Category,
    Community,
    CommunityKind,
    Elder,
    ElderStatus,
    Steward,
    Tier,
    TravelMode,
)


def read_community(row: Row, seen: dict[str, int]) -> Community | None:
    community_id, name, street_id, street_name, district_id, district_name = row.texts(
        "community_id", "name", "street_id", "street_name", "district_id", "district_name"
    )
    location = row.location()
    radius_m = row.integer("radius_m", 1, MAX_RADIUS_M)
    kind = row.choice(KIND_COLUMN, CommunityKind, required=False) or CommunityKind.RESIDENTIAL
    check_unique(row, "community_id", seen)
    if not row.ok or location is None:
        return None
    return Community(
        community_id,
        name,
        street_id,
        street_name,
        district_id,
        district_name,
        location,
        radius_m,
        kind,
    )


def check_place(row: Row, community: Community, first_seen: dict[str, tuple[str, int]]) -> None:
    """A street keeps one name and one district, and a district one name, on every row."""
    for field, key, value in (
        ("street_name", f"street {community.street_id} is named", community.street_name),
        ("district_id", f"street {community.street_id} is in", community.district_id),
        ("district_name", f"district {community.district_id} is named", community.district_name),
    ):
        first, line = first_seen.setdefault(key, (value, row.line))
        if value != first:
            row.error(field, f"{key} {first} on line {line}, not {value}")


def check_steward_community(
    row: Row, community_ids: set[str] | None, steward_of: dict[str, tuple[str, int]]
) -> None:
    """The steward's community must exist and have no other steward."""
    community_id = _known_community(row, community_ids)
    if community_id is None:
        return
    if community_id in steward_of:
        other, line = steward_of[community_id]
        reason = f"community {community_id} already has steward {other} (line {line})"
        row.error("community_id", reason + "; one steward per community")
    else:
        steward_of[community_id] = (row.get("steward_id"), row.line)


def read_steward(row: Row, seen: dict[str, int]) -> Steward | None:
    steward_id, community_id, name = row.texts("steward_id", "community_id", "name")
    shift = row.window("shift_start", "shift_end")
    lunch = row.window("break_start", "break_end", required=False)
    if shift is not None and lunch is not None and shift.intersect(lunch) != lunch:
        row.error("break_start", f"break {lunch} is not inside the shift {shift}")
    mode = row.choice("mode", TravelMode)
    max_visits = row.integer("max_visits_per_day", 1, 200)
    days_off = row.weekdays("days_off")
    check_unique(row, "steward_id", seen)
    if not row.ok or shift is None or mode is None:
        return None
    return Steward(steward_id, community_id, name, shift, lunch, mode, max_visits, days_off)


def _categories(row: Row) -> frozenset[Category]:
    parts = row.words("categories")
    found: set[Category] = set()
    for part in parts:
        if part in _CATEGORIES:
            found.add(_CATEGORIES[part])
        else:
            known = ", ".join(_CATEGORIES)
            row.error("categories", f"unknown category {part!r}; known: {known}")
    if not parts:
        row.error("categories", "is empty (required): every elder has at least one category")
    problem = categories_problem(found)
    if problem is not None:
        row.error("categories", problem)
    categories = frozenset(found)
    return _CATEGORY_SETS.setdefault(categories, categories)  # share the few distinct sets


_CATEGORIES = {c.value: c for c in Category}
_CATEGORY_SETS: dict[frozenset[Category], frozenset[Category]] = {}


def _birth_date(row: Row, as_of: date) -> date | None:
    """The birth date of an elder aged MIN_AGE..MAX_AGE on `as_of`."""
    born = row.day("birth_date")
    if born is None:
        return None
    problem = birth_date_problem(born, as_of)
    if problem is not None:
        row.error("birth_date", problem)
    return None if born > as_of else born


def read_elder(row: Row, as_of: date, seen: dict[str, int]) -> Elder | None:
    elder_id, community_id, street_id, district_id, name, address = row.texts(
        "elder_id", "community_id", "street_id", "district_id", "name", "address"
    )
    location = row.location()
    categories = _categories(row)
    born = _birth_date(row, as_of)
    row.choice("tier", Tier, required=False)  # informational only: the policy recomputes it
    window = row.window("window_start", "window_end")
    status = row.choice("status", ElderStatus)
    last_visit = row.day("last_visited_on", required=False)
    if last_visit is not None and last_visit > as_of:
        row.error("last_visited_on", f"{last_visit.isoformat()} is after {as_of.isoformat()}")
    urgent_until = row.day("urgent_until", required=False)
    phone, guardian, guardian_phone = _contacts(row)
    check_unique(row, "elder_id", seen)
    if not row.ok or location is None or born is None or window is None or status is None:
        return None
    return Elder(
        elder_id=elder_id,
        community_id=community_id,
        street_id=street_id,
        district_id=district_id,
        location=location,
        categories=categories,
        birth_date=born,
        window=window,
        name=name,
        address=address,
        status=status,
        last_visited_on=last_visit,
        urgent_until=urgent_until,
        phone=phone,
        guardian=guardian,
        guardian_phone=guardian_phone,
    )


MAX_GUARDIAN = 100


def _contacts(row: Row) -> tuple[str, str, str]:
    """The elder's phone, the guardian and the guardian's phone (each may be empty)."""
    for field in ("phone", "guardian_phone"):
        problem = phone_problem(row.get(field))
        if problem is not None:
            row.error(field, problem)  # the value is personal data: not echoed
    guardian = row.get("guardian")
    if len(guardian) > MAX_GUARDIAN:
        row.error("guardian", f"is longer than {MAX_GUARDIAN} characters")
    return row.get("phone"), guardian, row.get("guardian_phone")


def check_elder_place(
    row: Row, community_ids: set[str] | None, communities: dict[str, Community]
) -> None:
    """The elder's community must exist and be residential (a relief post holds no elders),
    and its street and district must be the community's."""
    community_id = _known_community(row, community_ids)
    if community_id is None:
        return
    community = communities.get(community_id)
    if community is None:
        return  # the community's own row is bad and reported there
    if not community.residential:
        reason = f"community {community_id} is a {community.kind.value}, which holds no elders"
        row.error("community_id", reason + "; place the elder in a residential community")
    for field, expected in (
        ("street_id", community.street_id),
        ("district_id", community.district_id),
    ):
        value = row.get(field)
        if value and value != expected:
            row.error(field, f"{value!r} does not match community {community_id} ({expected})")


def _known_community(row: Row, community_ids: set[str] | None) -> str | None:
    """The row's community id when it can be checked and is known; an unknown one is recorded.

    None also when communities.csv could not be read (`community_ids` None) or the id is empty.
    """
    community_id = row.get("community_id")
    if community_ids is None or not community_id:
        return None
    if community_id not in community_ids:
        row.error("community_id", f"unknown community {community_id!r}")
        return None
    return community_id
