"""A community's elders read raw (adapters/dynamodb/raw_items.py: the Query's items taken from
its JSON, columns read by the model's attributes without the model) are the elders the
pynamodb model reads: every column of every item, whatever the elder's history holds, and
a partition longer than one page."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from careroute.adapters.dynamodb import registry
from careroute.adapters.dynamodb.raw_items import ItemView, query_items
from careroute.adapters.dynamodb.registry import ElderModel
from careroute.adapters.dynamodb.tables import client_of
from careroute.domain import clock
from careroute.domain.vocabulary import ElderStatus, Registry, Stay
from careroute_local.pump import EventPump
from tests.conftest import TODAY, restore_snapshot


def _varied(city: Registry) -> Registry:
    """The city with elders whose optional columns hold values (a stay, a care level, a
    contact, an urgent date, a phone) beside elders with none."""
    elders = list(city.elders)
    for i in range(0, len(elders), 7):
        elders[i] = replace(
            elders[i],
            status=ElderStatus.HOSPITALISED,
            stay=Stay("第一医院", elders[i].location),
            care_level="2",
            contacted_on=TODAY - timedelta(days=3),
            urgent_until=TODAY + timedelta(days=5),
            phone="13800000000",
        )
    return replace(city, elders=tuple(elders))


def test_the_raw_read_gives_every_column_the_model_gives(
    session_pump: EventPump, tiny_city: Registry
) -> None:
    session_pump.stack.reset()
    restore_snapshot(session_pump, "none")
    city = _varied(tiny_city)
    registry.save_elders(city.elders)
    community_ids = sorted({e.community_id for e in city.elders})
    for community_id in community_ids:
        registry.mark_attempt(community_id, city.elders[0].elder_id, clock.now())
        registry.add_benefit_task(community_id, city.elders[0].elder_id, "high-age-90")
    compared = 0
    for community_id in community_ids:
        models = list(ElderModel.query(community_id))
        raw = query_items(ElderModel, community_id, "test")
        assert [m.elder_id for m in models] == [r["elder_id"]["S"] for r in raw]
        for model, item in zip(models, raw, strict=True):
            view = ItemView(ElderModel, item)
            for name in ElderModel.get_attributes():
                assert getattr(view, name) == getattr(model, name), name
                compared += 1
        read = registry.elders_of_community(community_id)
        assert read == [registry._elder(m) for m in models]
    assert compared > 20 * len(city.elders) > 200
    assert any(e.stay is not None for e in city.elders)


def test_a_partition_longer_than_a_page_is_read_whole_in_id_order(
    session_pump: EventPump, tiny_city: Registry
) -> None:
    """DynamoDB answers a Query with at most 1 MB: 1,200 elders with a 3 KB address take
    several pages."""
    session_pump.stack.reset()
    restore_snapshot(session_pump, "none")
    first = tiny_city.elders[0]
    notes = "备注" * 500
    elders = [
        replace(first, elder_id=f"E{n:05d}", address=notes, name=f"N{n}") for n in range(1200)
    ]
    registry.save_elders(elders)
    table = ElderModel.Meta.table_name
    first_page = client_of(ElderModel).query(
        TableName=table,
        KeyConditionExpression="community_id = :c",
        ExpressionAttributeValues={":c": {"S": first.community_id}},
    )
    assert "LastEvaluatedKey" in first_page
    read = registry.elders_of_community(first.community_id)
    assert [e.elder_id for e in read] == [e.elder_id for e in elders]
    assert read == [registry._elder(m) for m in ElderModel.query(first.community_id)]
