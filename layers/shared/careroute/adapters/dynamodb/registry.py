"""Registry tables: communities, stewards and elders (personal data: never logged).

Moments (`last_attempt_at`, `status_changed_at`) are stored as fixed-width UTC ISO text
(`instant_text`), so DynamoDB conditions compare them as strings in time order; dates are
ISO dates for the same reason. Updates driven by the visits stream are conditional maxima:
a repeated or late record changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from typing import Any, cast

from pynamodb.attributes import ListAttribute, UnicodeAttribute
from pynamodb.models import Model

from careroute.adapters.dynamodb.errors import storage_errors
from careroute.adapters.dynamodb.mapped import FieldColumns, MappedModel
from careroute.adapters.dynamodb.moments import instant_text
from careroute.adapters.dynamodb.raw_items import ItemView, query_items
from careroute.adapters.dynamodb.tables import (
    get_item,
    index,
    save_if,
    update_if,
    write_all,
)
from careroute.domain import clock
from careroute.domain.elder_fields import ELDER_FIELDS
from careroute.domain.errors import NotFoundError
from careroute.domain.vocabulary import (
    Community,
    Elder,
    Steward,
    attempt_since_visit,
    china_date,
    parse_clock,
)
from careroute.service_layer.ports import StatusChange

COMMUNITY_COLUMNS = FieldColumns(Community)
STEWARD_COLUMNS = FieldColumns(Steward, renamed={"lunch_break": "break"})
ELDER_COLUMNS = FieldColumns(Elder, left_out={"benefit_tasks"})


class CommunityModel(MappedModel, stores=COMMUNITY_COLUMNS):
    community_id = UnicodeAttribute(hash_key=True)


class StewardModel(MappedModel, stores=STEWARD_COLUMNS):
    steward_id = UnicodeAttribute(hash_key=True)
    by_community = index("community-index", "community_id")


class ElderModel(MappedModel, stores=ELDER_COLUMNS):
    """An elder (`last_attempt_at` is read back only while it is after the last visit, see
    `_elder`)."""

    community_id = UnicodeAttribute(hash_key=True)
    elder_id = UnicodeAttribute(range_key=True)
    status_changed_at = UnicodeAttribute(null=True)
    """`instant_text` of the visit outcome that last set or confirmed `status` (hospitalised,
    moved, deceased, or visited): an outcome older than this one is not applied."""
    benefit_tasks = ListAttribute(of=UnicodeAttribute, null=True)
    """Benefit rule ids found by the daily scan: tasks for the next visit (eligibility.py),
    added one by one (`add_benefit_task`); a saved elder starts without them."""


def _attempt_since_visit(item: ElderModel | ItemView) -> datetime | None:
    stored = datetime.fromisoformat(item.last_attempt_at) if item.last_attempt_at else None
    last_visited_on = date.fromisoformat(item.last_visited_on) if item.last_visited_on else None
    return attempt_since_visit(stored, last_visited_on)


def _elder(item: ElderModel | ItemView) -> Elder:
    return ELDER_COLUMNS.read(
        item,
        last_attempt_at=_attempt_since_visit(item),
        benefit_tasks=frozenset(cast(list[str], item.benefit_tasks or [])),
    )


def _community(item: CommunityModel) -> Community:
    return COMMUNITY_COLUMNS.read(item)


def _steward(item: StewardModel) -> Steward:
    return STEWARD_COLUMNS.read(item)


def _community_item(c: Community) -> CommunityModel:
    return CommunityModel(**COMMUNITY_COLUMNS.values(c))


def _steward_item(s: Steward) -> StewardModel:
    return StewardModel(**STEWARD_COLUMNS.values(s))


def _elder_item(e: Elder) -> ElderModel:
    return ElderModel(**ELDER_COLUMNS.values(e))


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
    """The community's elders in id order (read raw: the nightly plan's hot read)."""
    items = query_items(ElderModel, community_id, "list a community's elders")
    return [_elder(ItemView(ElderModel, item)) for item in items]


ELDER_READERS = 4
"""Communities whose elders `elders_of_communities` reads side by side: each Query waits on
the network and the server most of its time."""


def elders_of_communities(community_ids: Iterable[str]) -> dict[str, list[Elder]]:
    """Each community's elders (as `elders_of_community`), the partitions read in threads."""
    wanted = list(dict.fromkeys(community_ids))
    if len(wanted) <= 1:
        return {c: elders_of_community(c) for c in wanted}
    with ThreadPoolExecutor(ELDER_READERS, thread_name_prefix="elders") as readers:
        return dict(zip(wanted, readers.map(elders_of_community, wanted), strict=True))


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
