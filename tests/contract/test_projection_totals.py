"""A visit outcome that changes an elder's status moves the registry totals once, the same on
memory and on DynamoDB: hospitalised takes the elder out of its scopes' counts, a visit at
home brings it back, and a redelivered record moves nothing."""

from __future__ import annotations

from datetime import timedelta

from careroute.domain.coverage import ALL_TIERS, Scope, scopes_of
from careroute.domain.vocabulary import ElderStatus, Outcome, Registry
from careroute.service_layer.projection import project
from tests.conftest import TODAY
from tests.contract.conftest import Backend
from tests.contract.test_projection_ports import MORNING, POLICY, loaded, totals, visit


def due(backend: Backend, scope: Scope) -> int:
    rows = backend.coverage.read_coverage(TODAY.strftime("%Y-%m"), scope)
    return next(row["elders_due"] for row in rows if row["tier"] == ALL_TIERS)


def test_a_status_change_by_a_visit_moves_the_totals_once(
    backend: Backend, small_city: Registry
) -> None:
    city = loaded(backend, small_city)
    elder = city.elders[0]
    assert elder.status is ElderStatus.ACTIVE
    backend.coverage.save_registry_totals(totals(city))
    scopes = scopes_of(elder.community_id, elder.street_id, elder.district_id)
    before = [due(backend, s) for s in scopes]

    away = visit(city, 1, Outcome.HOSPITALISED, MORNING)
    for _ in range(2):  # a redelivery changes nothing more
        project(away, POLICY, backend.projection)
        assert [due(backend, s) for s in scopes] == [n - 1 for n in before]

    home = visit(city, 2, Outcome.VISITED, MORNING + timedelta(days=1))
    for _ in range(2):
        project(home, POLICY, backend.projection)
        assert [due(backend, s) for s in scopes] == before
    assert backend.elders.get_elder(elder.community_id, elder.elder_id).status is (
        ElderStatus.ACTIVE
    )
