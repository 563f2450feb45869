"""Registry tables: communities, stewards and elders (personal data: never logged).

Moments (`last_attempt_at`, `status_changed_at`) are stored as fixed-width UTC ISO text
(`instant_text`), so DynamoDB conditions compare them as strings in time order; dates are
ISO dates for the same reason. Updates driven by the visits stream are conditional maxima:
a repeated or late record changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any, cast

from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from careroute.adapters.dynamodb.columns import (
    Located,
    Windowed,
    location_columns,
    optional_window,
    window_columns,
)
from careroute.adapters.dynamodb.errors import storage_errors
from careroute.adapters.dynamodb.moments import instant_text
from careroute.adapters.dynamodb.tables import (
    TableModel,
    get_item,
    index,
    save_if,
    update_if,
    write_all,
)
from careroute.domain import clock
from careroute.domain.elder_fields import ELDER_FIELDS
from careroute.domain.errors import NotFoundError
from careroute.domain.scope_ids import elder_scope_ids, scope_ids
from careroute.domain.vocabulary import (
    Category,
    Community,
    Elder,
    ElderStatus,
    GeoPoint,
    Stay,
    Steward,
    TimeWindow,
    TravelMode,
    attempt_since_visit,
    china_date,
    parse_clock,
)
from careroute.service_layer.ports import StatusChange


class CommunityModel(TableModel, Located):
    community_id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    street_id = UnicodeAttribute()
    street_name = UnicodeAttribute()
    district_id = UnicodeAttribute()
    district_name = UnicodeAttribute()
    radius_m = NumberAttribute()


class StewardModel(TableModel):
    steward_id = UnicodeAttribute(hash_key=True)
    community_id = UnicodeAttribute()
    name = UnicodeAttribute()
    shift_start = NumberAttribute()
    shift_end = NumberAttribute()
    break_start = NumberAttribute(null=True)
    break_end = NumberAttribute(null=True)
    mode = UnicodeAttribute()
    max_visits_per_day = NumberAttribute()
    days_off = ListAttribute(of=NumberAttribute)
    leave = ListAttribute(of=UnicodeAttribute, null=True)
    """ISO dates the steward is away, sorted; absent: none."""
    by_community = index("community-index", "community_id")


class ElderModel(TableModel, Located, Windowed):
    community_id = UnicodeAttribute(hash_key=True)
    elder_id = UnicodeAttribute(range_key=True)
    street_id = UnicodeAttribute()
    district_id = UnicodeAttribute()
    name = UnicodeAttribute()
    address = UnicodeAttribute()
    categories = ListAttribute(of=UnicodeAttribute)
    birth_date = UnicodeAttribute()
    status = UnicodeAttribute()
    last_visited_on = UnicodeAttribute(null=True)
    contacted_on = UnicodeAttribute(null=True)
    """The local date of the last phone or video contact; absent: none."""
    urgent_until = UnicodeAttribute(null=True)
    last_attempt_at = UnicodeAttribute(null=True)
    """`instant_text` of the latest failed attempt (not home, refused); see `_elder`."""
    status_changed_at = UnicodeAttribute(null=True)
    """`instant_text` of the visit outcome that last set or confirmed `status` (hospitalised,
    moved, deceased, or visited): an outcome older than this one is not applied."""
    phone = UnicodeAttribute(null=True)
    guardian = UnicodeAttribute(null=True)
    guardian_phone = UnicodeAttribute(null=True)
    """The elder's and the guardian's contact details; absent: none."""
    benefit_tasks = ListAttribute(of=UnicodeAttribute, null=True)
    """Benefit rule ids found by the daily scan: tasks for the next visit (eligibility.py)."""
    care_level = UnicodeAttribute(null=True)
    """Graded by a needs assessment (assessments.py); absent until the first one."""
    stay_place = UnicodeAttribute(null=True)
    stay_lat = NumberAttribute(null=True)
    stay_lng = NumberAttribute(null=True)
    """Where the elder is staying while hospitalised (Stay); absent: not known, or home."""


def _optional_date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _community(item: CommunityModel) -> Community:
    return Community(
        **scope_ids(item),
        name=item.name,
        street_name=item.street_name,
        district_name=item.district_name,
        location=item.location(),
        radius_m=int(item.radius_m),
    )


def _steward(item: StewardModel) -> Steward:
    return Steward(
        steward_id=item.steward_id,
        community_id=item.community_id,
        name=item.name,
        shift=TimeWindow(int(item.shift_start), int(item.shift_end)),
        lunch_break=optional_window(item.break_start, item.break_end),
        mode=TravelMode(item.mode),
        max_visits_per_day=int(item.max_visits_per_day),
        days_off=frozenset(int(d) for d in cast(list[float], item.days_off)),
        leave=frozenset(date.fromisoformat(d) for d in cast(list[str], item.leave or [])),
    )


def _attempt_since_visit(item: ElderModel) -> datetime | None:
    stored = datetime.fromisoformat(item.last_attempt_at) if item.last_attempt_at else None
    return attempt_since_visit(stored, _optional_date(item.last_visited_on))


def _elder(item: ElderModel) -> Elder:
    return Elder(
        **elder_scope_ids(item),
        location=item.location(),
        categories=frozenset(Category(c) for c in cast(list[str], item.categories)),
        birth_date=date.fromisoformat(item.birth_date),
        window=item.window(),
        name=item.name,
        address=item.address,
        status=ElderStatus(item.status),
        last_visited_on=_optional_date(item.last_visited_on),
        contacted_on=_optional_date(item.contacted_on),
        urgent_until=_optional_date(item.urgent_until),
        last_attempt_at=_attempt_since_visit(item),
        benefit_tasks=frozenset(cast(list[str], item.benefit_tasks or [])),
        care_level=item.care_level,
        phone=item.phone or "",
        guardian=item.guardian or "",
        guardian_phone=item.guardian_phone or "",
        stay=_stay(item),
    )


def _stay(item: ElderModel) -> Stay | None:
    if item.stay_place is None or item.stay_lat is None or item.stay_lng is None:
        return None
    return Stay(item.stay_place, GeoPoint(float(item.stay_lat), float(item.stay_lng)))


def _community_item(c: Community) -> CommunityModel:
    return CommunityModel(
        **scope_ids(c),
        name=c.name,
        street_name=c.street_name,
        district_name=c.district_name,
        **location_columns(c.location),
        radius_m=c.radius_m,
    )


def _steward_item(s: Steward) -> StewardModel:
    return StewardModel(
        s.steward_id,
        community_id=s.community_id,
        name=s.name,
        shift_start=s.shift.start,
        shift_end=s.shift.end,
        break_start=s.lunch_break.start if s.lunch_break else None,
        break_end=s.lunch_break.end if s.lunch_break else None,
        mode=s.mode.value,
        max_visits_per_day=s.max_visits_per_day,
        days_off=sorted(s.days_off),
        leave=sorted(d.isoformat() for d in s.leave) or None,
    )


def _elder_item(e: Elder) -> ElderModel:
    return ElderModel(
        **scope_ids(e),
        elder_id=e.elder_id,
        name=e.name,
        address=e.address,
        **location_columns(e.location),
        categories=sorted(c.value for c in e.categories),
        birth_date=e.birth_date.isoformat(),
        **window_columns(e.window),
        status=e.status.value,
        last_visited_on=e.last_visited_on.isoformat() if e.last_visited_on else None,
        contacted_on=e.contacted_on.isoformat() if e.contacted_on else None,
        urgent_until=e.urgent_until.isoformat() if e.urgent_until else None,
        last_attempt_at=instant_text(e.last_attempt_at) if e.last_attempt_at else None,
        care_level=e.care_level,
        phone=e.phone or None,
        guardian=e.guardian or None,
        guardian_phone=e.guardian_phone or None,
        stay_place=e.stay.place if e.stay else None,
        stay_lat=e.stay.location.lat if e.stay else None,
        stay_lng=e.stay.location.lng if e.stay else None,
    )


def save_communities(communities: Iterable[Community]) -> int:
    return write_all(CommunityModel, map(_community_item, communities), "save communities")


def save_stewards(stewards: Iterable[Steward]) -> int:
    return write_all(StewardModel, map(_steward_item, stewards), "save stewards")


def save_elders(elders: Iterable[Elder]) -> int:
    return write_all(ElderModel, map(_elder_item, elders), "save elders")


def add_elder(elder: Elder) -> bool:
    """Store a new elder; False (nothing written) when the community has one with its id."""
    return save_if(_elder_item(elder), ElderModel.elder_id.does_not_exist(), "add an elder")


def all_communities() -> Iterator[Community]:
    with storage_errors("list communities"):
        for item in CommunityModel.scan():
            yield _community(item)


def all_stewards() -> Iterator[Steward]:
    with storage_errors("list stewards"):
        for item in StewardModel.scan():
            yield _steward(item)


def all_elders() -> Iterator[Elder]:
    """Every elder, community by community (queries, not a table scan)."""
    for community in all_communities():
        yield from elders_of_community(community.community_id)


def get_community(community_id: str) -> Community:
    missing = f"community {community_id} not found"
    return _community(
        get_item(CommunityModel, community_id, action="read a community", missing=missing)
    )


def get_steward(steward_id: str, consistent: bool = False) -> Steward:
    missing = f"steward {steward_id} not found"
    action = "read a steward"
    item = get_item(StewardModel, steward_id, action=action, missing=missing, consistent=consistent)
    return _steward(item)


def steward_of_community(community_id: str) -> Steward:
    with storage_errors("find a community's steward"):
        for item in StewardModel.by_community.query(community_id):
            return _steward(item)
    raise NotFoundError(f"community {community_id} has no steward")


def get_elder(community_id: str, elder_id: str, consistent: bool = False) -> Elder:
    missing = f"elder {elder_id} not found in community {community_id}"
    key = (community_id, elder_id)
    action = "read an elder"
    item = get_item(ElderModel, *key, action=action, missing=missing, consistent=consistent)
    return _elder(item)


def get_elders(community_id: str, elder_ids: Iterable[str]) -> dict[str, Elder]:
    """A community's elders by id (missing ids are simply absent)."""
    keys = [(community_id, elder_id) for elder_id in dict.fromkeys(elder_ids)]
    with storage_errors("read elders"):
        return {item.elder_id: _elder(item) for item in ElderModel.batch_get(keys)}


def elders_of_community(community_id: str) -> list[Elder]:
    with storage_errors("list a community's elders"):
        return [_elder(item) for item in ElderModel.query(community_id)]


def apply_update(update: tuple[Model, list[Any], Any], action: str) -> bool:
    """Run a conditional update (item, actions, condition); False when the condition fails."""
    item, actions, condition = update
    return update_if(item, actions, condition, action)


def _before(attribute: Any, value: str) -> Any:
    """The condition that the stored `attribute` is absent or older than `value`."""
    return attribute.does_not_exist() | (attribute < value)


def _move_forward(
    community_id: str, elder_id: str, attribute: Any, value: str, action: str, also: Any = None
) -> bool:
    """Set the elder's `attribute` to `value` only if that moves it forward (and `also`
    holds): a conditional maximum, so a late or repeated record changes nothing. False when
    nothing changed (not newer, or the elder is unknown)."""
    condition = ElderModel.elder_id.exists() & _before(attribute, value)
    if also is not None:
        condition &= also
    item = ElderModel(community_id, elder_id)
    return update_if(item, [attribute.set(value)], condition, action)


def mark_visited(community_id: str, elder_id: str, on: date) -> bool:
    """Move the elder's last completed visit forward to `on` (never backwards)."""
    day = on.isoformat()
    visited = ElderModel.last_visited_on
    return _move_forward(community_id, elder_id, visited, day, "record an elder's last visit")


def mark_contacted(community_id: str, elder_id: str, on: date) -> bool:
    """Move the elder's last phone or video contact forward to `on` (never backwards)."""
    day = on.isoformat()
    contacted = ElderModel.contacted_on
    return _move_forward(community_id, elder_id, contacted, day, "record an elder's last contact")


def mark_attempt(community_id: str, elder_id: str, at: datetime) -> bool:
    """Move the elder's latest failed attempt forward to `at` (never backwards).

    Only an attempt whose local date is after the last completed visit is stored (an older
    one is superseded by that visit anyway, see `_elder`).
    """
    after_visit = _before(ElderModel.last_visited_on, china_date(at).isoformat())
    attempt = ElderModel.last_attempt_at
    action = "record a failed visit attempt"
    return _move_forward(community_id, elder_id, attempt, instant_text(at), action, after_visit)


def raise_urgent_until(community_id: str, elder_id: str, until: date) -> bool:
    """Move the elder's urgent-finding date forward to `until` (a max: repeats are harmless)."""
    day = until.isoformat()
    urgent = ElderModel.urgent_until
    return _move_forward(community_id, elder_id, urgent, day, "raise an elder's urgent tier")


def add_benefit_task(community_id: str, elder_id: str, rule_id: str) -> bool:
    """Append a benefit rule id to the elder's tasks for the next visit, unless it is there
    already (repeats are harmless); False when nothing changed or the elder is unknown."""
    tasks = ElderModel.benefit_tasks
    condition = ElderModel.elder_id.exists() & (tasks.does_not_exist() | ~tasks.contains(rule_id))
    item = ElderModel(community_id, elder_id)
    actions = [tasks.set((tasks | []).append([rule_id]))]
    return apply_update((item, actions, condition), "add a benefit task")


def _stay_removed() -> list[Any]:
    return [
        ElderModel.stay_place.remove(),
        ElderModel.stay_lat.remove(),
        ElderModel.stay_lng.remove(),
    ]


def status_update(change: StatusChange) -> tuple[Model, list[Any], Any]:
    """The conditional update applying `change`'s status, observed at `change.at`.

    It applies only while the status is still `change.expected` and no change at or after
    `at` has set or confirmed it (`status_changed_at`), so a repeated or out-of-order record
    changes nothing. `status_changed_at` moves to `at` even when the status stays the same.
    """
    when = instant_text(change.at)
    actions: list[Any] = [ElderModel.status_changed_at.set(when)]
    if change.target is not change.expected:
        actions.append(ElderModel.status.set(change.target.value))
    stay = change.stay
    if stay is not None:
        actions += [
            ElderModel.stay_place.set(stay.place),
            ElderModel.stay_lat.set(stay.location.lat),
            ElderModel.stay_lng.set(stay.location.lng),
        ]
    elif change.target is not change.expected:
        actions += _stay_removed()
    condition = (
        ElderModel.elder_id.exists()
        & (ElderModel.status == change.expected.value)
        & (ElderModel.status_changed_at.does_not_exist() | (ElderModel.status_changed_at < when))
    )
    return ElderModel(change.community_id, change.elder_id), actions, condition


def set_leave(steward_id: str, dates: Iterable[date]) -> Steward:
    """Replace the steward's leave dates; returns the steward as stored. NotFoundError if the
    steward does not exist (nothing is written)."""
    days = sorted({d.isoformat() for d in dates})
    action = StewardModel.leave.set(cast(Any, days)) if days else StewardModel.leave.remove()
    item = StewardModel(steward_id)
    exists = StewardModel.steward_id.exists()
    if not update_if(item, [action], exists, "change a steward's leave"):
        raise NotFoundError(f"steward {steward_id} not found")
    return _steward(item)


def elders_after(community_id: str, after: str | None) -> Iterator[Elder]:
    """A community's elders in elder_id order, starting after `after` (a page's last id)."""
    condition = ElderModel.elder_id > after if after else None
    with storage_errors("list a community's elders"):
        for item in ElderModel.query(community_id, range_key_condition=condition):
            yield _elder(item)


def elder_change(elder: Elder, new: dict[str, Any]) -> tuple[Model, list[Any], Any]:
    """The conditional update setting `new` (API values): it applies only if every changed
    field still holds the value read from `elder` (else a concurrent change won)."""
    item = ElderModel(elder.community_id, elder.elder_id)
    actions: list[Any] = []
    condition = ElderModel.elder_id.exists()
    for name, value in new.items():
        if name == "window":
            start, end = parse_clock(value["start"]), parse_clock(value["end"])
            actions += [ElderModel.window_start.set(start), ElderModel.window_end.set(end)]
            condition &= (ElderModel.window_start == elder.window.start) & (
                ElderModel.window_end == elder.window.end
            )
        else:
            attribute = getattr(ElderModel, name)
            actions.append(attribute.set(value))
            condition &= attribute == ELDER_FIELDS[name](elder)
    if "status" in new:  # a visit outcome older than this change must not undo it
        actions.append(ElderModel.status_changed_at.set(instant_text(clock.now())))
        actions += _stay_removed()  # a stay ends with the status it came with
    return item, actions, condition
