"""Reading a view kept as one coverage-table item per community (`pk`, community id): a few
communities by key, many in one query of the view's partition (a city holds ~1,150)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from pynamodb.models import Model

M = TypeVar("M", bound=Model)

QUERY_FROM = 100
"""From this many communities on, one query of every item reads faster than getting each."""


def community_items(model: type[M], pk: str, community_ids: Iterable[str]) -> list[M]:
    """The items of those communities, and with a query of many the partition's others too
    (the caller keeps those it asked for)."""
    wanted = sorted(set(community_ids))
    if len(wanted) >= QUERY_FROM:
        return list(model.query(pk))
    return list(model.batch_get([(pk, c) for c in wanted]))
