"""The history `careroute data generate` writes besides the city's data sets: last month's
home-service orders and benefit claims from before, drawn the same for the same seed, that
pass every check of their import and give the service-hour ledger hours."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from careroute_synthetic.city import generate_city
from careroute_synthetic.data_sets import synthetic_data_sets, with_history

from careroute.adapters.data_csv import Stored, read_data_sets, write_data_sets
from careroute.domain.benefits import ClaimStatus
from careroute.domain.orders import OrderStatus, Payment
from careroute.domain.policy import load_policy
from careroute.domain.service_hours import ledger, totals
from careroute.domain.vocabulary import Registry
from careroute.service_layer.data_import import DataSets

AS_OF = date(2026, 12, 1)
POLICY = load_policy()


@pytest.fixture(scope="module")
def city() -> Registry:
    return generate_city(11, as_of=AS_OF, districts=["Heping"], scale=0.05)


@pytest.fixture(scope="module")
def data(city: Registry) -> DataSets:
    return with_history(synthetic_data_sets(city, 11, AS_OF, POLICY), city, 11, AS_OF, POLICY)


def test_the_history_is_drawn_the_same_for_the_same_seed(city: Registry, data: DataSets) -> None:
    again = with_history(synthetic_data_sets(city, 11, AS_OF, POLICY), city, 11, AS_OF, POLICY)
    assert (again.orders, again.benefit_claims) == (data.orders, data.benefit_claims)


def test_orders_and_claims_of_every_kind_pass_their_import_checks(
    city: Registry, data: DataSets, tmp_path: Path
) -> None:
    write_data_sets(tmp_path, data)
    stored = Stored(benefits=POLICY.benefits, approval=POLICY.benefit_approval, today=AS_OF)
    read = read_data_sets(tmp_path, city, stored=stored)
    assert read.orders == tuple(sorted(data.orders or (), key=lambda h: h.order_id))
    read_claims = {(c.claim_id, c.status, c.steps) for c in read.benefit_claims or ()}
    assert read_claims == {(c.claim_id, c.status, c.steps) for c in data.benefit_claims or ()}
    orders = data.orders or ()
    statuses = Counter(h.order.status for h in orders)
    assert set(statuses) == set(OrderStatus) - {
        OrderStatus.ASSIGNED, OrderStatus.ACCEPTED, OrderStatus.STARTED,
    }  # fmt: skip
    assert statuses[OrderStatus.COMPLETED] > len(orders) / 2
    assert {h.order.payment for h in orders} == set(Payment)
    assert {c.status for c in data.benefit_claims or ()} == set(ClaimStatus)


def test_last_months_served_orders_give_the_ledger_hours(data: DataSets) -> None:
    orders = [h.order for h in data.orders or ()]
    months = {f"{o.service_date:%Y-%m}" for o in orders if o.status is OrderStatus.COMPLETED}
    hours = sum(totals(ledger(month, orders, ())).minutes for month in months) / 60
    served = [o for o in orders if o.status is OrderStatus.COMPLETED]
    assert hours == sum(o.served_minutes for o in served) / 60 > 0
