"""The month's misses in the coverage table: one item per month and community
(`misses#YYYY-MM`, community id) holding its missed elders as JSON, written by the nightly
count once the month is over, so the city's misses of a past month are one query."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from datetime import date
from typing import Any

from pynamodb.attributes import JSONAttribute, UnicodeAttribute

from careroute.adapters.dynamodb.columns import SharedKeys
from careroute.adapters.dynamodb.community_items import community_items
from careroute.adapters.dynamodb.tables import TableModel, write_all
from careroute.domain.vocabulary import ElderStatus, Tier
from careroute.service_layer.ports.misses_view import MissCause, MonthMiss

DAYS = ("last_visited_on", "deadline", "last_try_on")


class MissesViewModel(TableModel, SharedKeys):
    as_of = UnicodeAttribute()
    misses = JSONAttribute()


def _pk(month: str) -> str:
    return f"misses#{month}"


def _stored(miss: MonthMiss) -> dict[str, Any]:
    doc = asdict(miss)
    doc.update({k: v.isoformat() for k, v in doc.items() if isinstance(v, date)})
    return {**doc, "tier": miss.tier.value, "status": miss.status.value, "cause": miss.cause.value}


def _miss(doc: dict[str, Any]) -> MonthMiss:
    days = {k: date.fromisoformat(doc[k]) if doc[k] else None for k in DAYS}
    codes = {
        "tier": Tier(doc["tier"]),
        "status": ElderStatus(doc["status"]),
        "cause": MissCause(doc["cause"]),
    }
    return MonthMiss(**{**doc, **days, **codes})


class DynamoMissesView:
    def save_misses(
        self, month: str, by_community: Mapping[str, Sequence[MonthMiss]], as_of: date
    ) -> int:
        items = (
            MissesViewModel(
                _pk(month), community_id, as_of=as_of.isoformat(),
                misses=[_stored(m) for m in misses],
            )
            for community_id, misses in by_community.items()
        )  # fmt: skip
        return write_all(MissesViewModel, items, "save the month's misses")

    def read_misses(
        self, month: str, community_ids: Iterable[str]
    ) -> dict[str, tuple[date, list[MonthMiss]]]:
        found = community_items(MissesViewModel, _pk(month), community_ids, "read the misses")
        return {
            community_id: (date.fromisoformat(item.as_of), [_miss(doc) for doc in item.misses])
            for community_id, item in found.items()
        }
