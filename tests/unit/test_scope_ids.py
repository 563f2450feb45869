"""The ids a value about an elder carries (`domain/scope_ids.py`): its scopes' ids, with the
elder's own id, taken from another value about the same elder."""

from __future__ import annotations

from careroute.domain.scope_ids import elder_scope_ids, scope_ids_in
from tests.builders import an_elder


def test_a_value_about_an_elder_takes_the_elders_id_and_scope_ids() -> None:
    ids = elder_scope_ids(an_elder())

    assert ids == {"elder_id": "E1", "community_id": "C1", "street_id": "S1", "district_id": "D1"}
    assert scope_ids_in(ids) == {"community_id": "C1", "street_id": "S1", "district_id": "D1"}
