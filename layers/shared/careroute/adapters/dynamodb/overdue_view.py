"""The overdue view in the coverage table: one item per community (`overdue`, community id),
whose `entries` map each late or soon-due elder's id to "tier|last visit|deadline", so the
projector rewrites one elder's entry with one update and a city's list is one query."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from pynamodb.attributes import MapAttribute, UnicodeAttribute
from pynamodb.exceptions import UpdateError
from pynamodb.expressions.operand import Path

from careroute.adapters.dynamodb.columns import SharedKeys
from careroute.adapters.dynamodb.community_items import community_items
from careroute.adapters.dynamodb.errors import storage_errors
from careroute.adapters.dynamodb.tables import TableModel, write_all
from careroute.domain.vocabulary import Tier
from careroute.service_layer.ports.overdue import CommunityWatch, DueEntry

PK = "overdue"


class OverdueViewModel(TableModel, SharedKeys):
    as_of = UnicodeAttribute()
    entries: MapAttribute[str, str] = MapAttribute(default=dict)


def _text(entry: DueEntry) -> str:
    last, deadline = entry.last_visited_on, entry.deadline
    return "|".join(
        (
            entry.tier.value,
            last.isoformat() if last else "",
            deadline.isoformat() if deadline else "",
        )
    )


def _entry(community_id: str, elder_id: str, text: str) -> DueEntry:
    tier, last, deadline = text.split("|")
    return DueEntry(
        elder_id,
        community_id,
        Tier(tier),
        date.fromisoformat(last) if last else None,
        date.fromisoformat(deadline) if deadline else None,
    )


def _watch(item: OverdueViewModel) -> CommunityWatch:
    stored = item.entries.as_dict() if isinstance(item.entries, MapAttribute) else item.entries
    entries = tuple(_entry(item.sk, elder_id, text) for elder_id, text in sorted(stored.items()))
    return CommunityWatch(item.sk, date.fromisoformat(item.as_of), entries)


class DynamoOverdueView:
    def save_watches(self, watches: Iterable[CommunityWatch]) -> int:
        items = (
            OverdueViewModel(
                PK,
                watch.community_id,
                as_of=watch.as_of.isoformat(),
                entries={e.elder_id: _text(e) for e in watch.entries},
            )
            for watch in watches
        )
        return write_all(OverdueViewModel, items, "save the overdue view")

    def put_entry(self, community_id: str, elder_id: str, entry: DueEntry | None) -> bool:
        path = Path(["entries", elder_id])  # the elder id as one name (no dot parsing)
        action = path.remove() if entry is None else path.set(_text(entry))
        item = OverdueViewModel(PK, community_id)
        with storage_errors("keep the overdue view"):
            try:
                item.update(actions=[action], condition=OverdueViewModel.pk.exists())
            except UpdateError as exc:
                if exc.cause_response_code == "ConditionalCheckFailedException":
                    return False
                raise
        return True

    def read_watches(self, community_ids: Iterable[str]) -> dict[str, CommunityWatch]:
        found = community_items(OverdueViewModel, PK, community_ids, "read the overdue view")
        return {community_id: _watch(item) for community_id, item in found.items()}
