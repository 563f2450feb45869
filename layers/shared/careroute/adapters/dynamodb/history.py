"""Elder history table: every registry change and every read of personal data, with who.

One partition per elder (`elder#<community>#<elder>`) for changes and reads of one elder;
reads of a whole community (a route, an elders list) go to `community#<community>`. Items
hold ids, field names and values, never in logs. Kinds: `change` (registry history) and
`read` (the audit of who saw names or addresses).

A change made by a visit outcome (the projector) is keyed by the visit id instead of a random
suffix, and written only together with its conditional update: a redelivered stream record
cannot add a second entry.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any, cast

from pynamodb.attributes import ListAttribute, UnicodeAttribute
from pynamodb.models import Model

from careroute.adapters.dynamodb import registry
from careroute.adapters.dynamodb.columns import SharedKeys
from careroute.adapters.dynamodb.errors import storage_errors
from careroute.adapters.dynamodb.tables import TableModel, transaction, write_all
from careroute.domain.elder_history import Actor, Entry, Kind
from careroute.domain.errors import ConflictError
from careroute.domain.vocabulary import Elder


class ElderHistoryModel(TableModel, SharedKeys):
    kind = UnicodeAttribute()
    at = UnicodeAttribute()
    actor_sub = UnicodeAttribute()
    actor_role = UnicodeAttribute()
    what = UnicodeAttribute()
    """The field changed, or what was read (route, elders_list, history)."""
    old = UnicodeAttribute(null=True)
    """JSON of the value before a change."""
    new = UnicodeAttribute(null=True)
    elder_ids = ListAttribute(of=UnicodeAttribute, null=True)
    """The elders whose personal data a read returned."""
    reason = UnicodeAttribute(null=True)
    """Why a change was made, when it was not made by hand (e.g. a visit outcome)."""


def elder_pk(community_id: str, elder_id: str) -> str:
    return f"elder#{community_id}#{elder_id}"


def community_pk(community_id: str) -> str:
    return f"community#{community_id}"


def _item(pk: str, entry: Entry, key: str | None = None) -> ElderHistoryModel:
    """The stored entry; `key` makes its sort key deterministic (default: a random suffix)."""
    at = entry.at.astimezone(UTC).isoformat()
    return ElderHistoryModel(
        pk,
        f"{at}#{entry.kind.value}#{key or uuid.uuid4().hex[:12]}",
        kind=entry.kind.value,
        at=at,
        actor_sub=entry.actor.sub,
        actor_role=entry.actor.role,
        what=entry.what,
        old=None if entry.old is None else json.dumps(entry.old, ensure_ascii=False),
        new=None if entry.new is None else json.dumps(entry.new, ensure_ascii=False),
        elder_ids=list(entry.elder_ids) or None,
        reason=entry.reason or None,
    )


def entry_item(pk: str, entry: Entry, key: str) -> ElderHistoryModel:
    """The stored item of `entry` under a deterministic key, for a caller's own transaction
    (e.g. a needs-assessment result written with its request and elder updates)."""
    return _item(pk, entry, key)


def _entry(item: ElderHistoryModel) -> Entry:
    return Entry(
        kind=Kind(item.kind),
        at=datetime.fromisoformat(item.at),
        actor=Actor(item.actor_sub, item.actor_role),
        what=item.what,
        old=None if item.old is None else json.loads(item.old),
        new=None if item.new is None else json.loads(item.new),
        elder_ids=tuple(cast(list[str], item.elder_ids or [])),
        reason=item.reason or "",
    )


def record_read(pk: str, entry: Entry) -> None:
    with storage_errors("write an audit record"):
        _item(pk, entry).save()


def record_reads(reads: list[tuple[str, Entry]]) -> None:
    """Write reads (partition key, entry) in one call: a put for one, a batch for several."""
    if len(reads) == 1:
        record_read(*reads[0])
    else:
        write_all(ElderHistoryModel, (_item(pk, e) for pk, e in reads), "write audit records")


def record_reads_once(reads: Iterable[tuple[str, Entry, str]]) -> int:
    """Write reads (partition key, entry, read id) keyed by their read id, so that a read
    delivered twice is stored once; the count of distinct reads written."""
    items = {}
    for pk, entry, read_id in reads:
        item = _item(pk, entry, read_id)
        items[(item.pk, item.sk)] = item  # one batch may not put the same key twice
    return write_all(ElderHistoryModel, items.values(), "write audit records")


def entries(pk: str, kind: Kind | None = None, newest_first: bool = True) -> Iterator[Entry]:
    condition = ElderHistoryModel.kind == kind.value if kind else None
    with storage_errors("read history"):
        for item in ElderHistoryModel.query(
            pk, filter_condition=condition, scan_index_forward=not newest_first
        ):
            yield _entry(item)


def apply_elder_change(elder: Elder, new: dict[str, Any], changes: Iterable[Entry]) -> None:
    """Set `new` on the elder and write `changes` to its history, all or nothing.

    ConflictError when a changed field no longer holds the value read (a concurrent change).
    """
    item, actions, condition = registry.elder_change(elder, new)
    pk = elder_pk(elder.community_id, elder.elder_id)
    with transaction(ElderHistoryModel, "change an elder") as tx:
        tx.update(item, actions=actions, condition=condition)
        for entry in changes:
            tx.save(_item(pk, entry))
    if not tx.committed:  # the elder update is the only write with a condition
        raise ConflictError("the elder was changed meanwhile; read it and retry")


def apply_outcome_change(
    community_id: str,
    elder_id: str,
    update: tuple[Model, list[Any], Any],
    change: Entry,
    key: str,
) -> bool:
    """Run a visit outcome's conditional elder update and write `change` under `key` (e.g.
    `visit-<visit id>`), all or nothing. False when the update's condition fails (a repeat
    or an older outcome): then no entry is written either."""
    item, actions, condition = update
    entry = _item(elder_pk(community_id, elder_id), change, key)
    with transaction(ElderHistoryModel, "apply a visit outcome to an elder") as tx:
        tx.update(item, actions=actions, condition=condition)
        tx.save(entry, condition=ElderHistoryModel.sk.does_not_exist())
    return tx.committed
