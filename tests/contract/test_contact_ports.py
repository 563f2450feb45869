"""The elder's last phone or video contact, memory against DynamoDB: it only moves forward,
survives a read, and is never taken for a completed visit."""

from __future__ import annotations

from datetime import timedelta

from careroute.domain.vocabulary import Elder
from tests.conftest import TODAY
from tests.contract.conftest import Backend


def test_the_last_contact_only_moves_forward_and_is_not_a_visit(
    backend: Backend, saved_elder: Elder
) -> None:
    elders, elder = backend.elders, saved_elder
    key = (elder.community_id, elder.elder_id)

    assert elders.mark_contacted(*key, TODAY) is True
    assert elders.mark_contacted(*key, TODAY) is False
    assert elders.mark_contacted(*key, TODAY - timedelta(days=2)) is False
    stored = elders.get_elder(*key, consistent=True)
    assert stored.contacted_on == TODAY
    assert stored.last_visited_on == elder.last_visited_on
    assert elders.mark_contacted(elder.community_id, "E999999", TODAY) is False
