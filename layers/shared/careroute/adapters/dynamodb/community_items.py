"""Reading a view kept as one coverage-table item per community (`pk`, community id): a few
communities by key, many in one query of the view's partition (a city holds ~1,150)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from pynamodb.models import Model

from careroute.adapters.dynamodb.errors import storage_errors

M = TypeVar("M", bound=Model)

QUERY_FROM = 100
"""From this many communities on, one query of every item reads faster than getting each."""


def community_items(
    model: type[M], pk: str, community_ids: Iterable[str], action: str
) -> dict[str, M]:
    """The stored items of those communities, by community id (one without is absent)."""
    wanted = sorted(set(community_ids))
    with storage_errors(action):
        if len(wanted) >= QUERY_FROM:
            items = list(model.query(pk))
        else:
            items = list(model.batch_get([(pk, c) for c in wanted]))
    by_id = {str(item.attribute_values["sk"]): item for item in items}
    return {c: by_id[c] for c in wanted if c in by_id}
