"""A registry change made from a stale read of the elder is refused as a conflict (HTTP 409,
read again and retry), and writes no history: the elder update and its history entries are
one transaction."""

from __future__ import annotations

import pytest

from careroute.adapters.dynamodb import history, registry
from careroute.domain.elder_history import Actor, Entry, Kind
from careroute.domain.errors import ConflictError
from careroute.domain.vocabulary import Registry
from careroute_local.pump import EventPump
from tests.conftest import china_now


def test_a_change_from_a_stale_read_is_a_conflict_and_writes_no_history(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    # Given an elder read by two officials, and the first one's change of address stored
    elder = registry.get_elder(small_city.elders[0].community_id, small_city.elders[0].elder_id)
    pk = history.elder_pk(elder.community_id, elder.elder_id)
    before = len(list(history.entries(pk)))

    def change(address: str) -> Entry:
        actor = Actor("official-1", "district_official")
        return Entry(Kind.CHANGE, china_now(), actor, "address", elder.address, address)

    history.apply_elder_change(elder, {"address": "first"}, [change("first")])

    # When the second one changes it from the same (now stale) read
    with pytest.raises(ConflictError):
        history.apply_elder_change(elder, {"address": "second"}, [change("second")])

    # Then the first change stands, with its one history entry
    stored = registry.get_elder(elder.community_id, elder.elder_id)
    assert stored.address == "first"
    assert len(list(history.entries(pk))) == before + 1
