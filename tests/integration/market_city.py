"""The small city on the local stack with its synthetic home-service market (providers, their
workers, the pilot communities), for the tests of orders, home care beds and urgent
responders."""

from __future__ import annotations

from careroute_synthetic.services import generate_market

from careroute.adapters.dynamodb import home_services
from careroute.domain.vocabulary import Registry
from careroute_local.pump import EventPump
from tests.conftest import load_city

MARKET_SEED = 11


def with_market(pump: EventPump, city: Registry) -> EventPump:
    """`pump`'s stack reset to `city` (`load_city`), with the city's market stored."""
    load_city(pump, city)
    home_services.save_market(generate_market(city.communities, seed=MARKET_SEED))
    return pump
