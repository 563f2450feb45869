"""The 15-minute service circle over HTTP on the local stack: officials read their scope's
share of elders within 15 minutes' walk of a facility and the ids outside; other scopes,
other roles and malformed scopes are refused."""

from __future__ import annotations

from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import Registry
from careroute.service_layer.service_circle import city_report
from careroute_local.pump import EventPump
from tests.conftest import bearer


def test_a_district_official_reads_the_same_figures_as_the_registry_gives(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    response = loaded_stack.invoke_http(
        "GET", "/service-circle", headers=bearer(loaded_stack, "district_official", "D01")
    )
    assert response.status == 200, response.body
    doc = response.json()
    expected = city_report(small_city.communities, small_city.elders, load_policy())
    assert doc["scope"] == "district:D01" and doc["limit_minutes"] == 15
    assert (doc["total"]["elders"], doc["total"]["within"]) == (
        expected.city.elders,
        expected.city.within,
    )
    assert doc["total"]["outside"] == expected.city.outside
    by_id = {row["id"]: row for row in doc["communities"]}
    assert set(by_id) == {c.community_id for c in small_city.communities}
    for cid, row in expected.communities.items():
        assert by_id[cid]["outside"] == row.outside
    text = response.body.decode()
    assert all(e.name not in text and e.address not in text for e in small_city.elders)


def test_a_street_official_reads_their_street_and_not_another_district(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    street = small_city.communities[0].street_id
    mine = loaded_stack.invoke_http(
        "GET", "/service-circle", headers=bearer(loaded_stack, "street_official", street)
    )
    assert mine.status == 200 and mine.json()["scope"] == f"street:{street}"
    wanted = {c.community_id for c in small_city.communities if c.street_id == street}
    assert {row["id"] for row in mine.json()["communities"]} == wanted
    for role, scope, query in (
        ("street_official", street, "district:D01"),
        ("district_official", "D02", "district:D01"),
        ("district_official", "D01", "city"),
        ("steward", "W0001", "district:D01"),
    ):
        response = loaded_stack.invoke_http(
            "GET", "/service-circle", headers=bearer(loaded_stack, role, scope),
            query={"scope": query},
        )  # fmt: skip
        assert response.status == 403, (role, query, response.body)


def test_a_malformed_scope_is_refused_naming_the_field(loaded_stack: EventPump) -> None:
    for query in ("planet:X", "district:", "x" * 41):
        response = loaded_stack.invoke_http(
            "GET", "/service-circle", headers=bearer(loaded_stack, "city_admin"),
            query={"scope": query},
        )  # fmt: skip
        assert response.status == 422, (query, response.body)
        assert "scope" in response.json()["error"]["message"]
