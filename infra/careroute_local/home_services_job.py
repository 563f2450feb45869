"""Load the synthetic home-service market (providers, workers, pilot communities) into the
running stack for `careroute run`, through the data-set import (synthetic_tables): derived
from the stored communities, so a resumed or an imported registry gets the same market;
writing it again changes nothing."""

from __future__ import annotations

from rich.console import Console

MARKET_SEED = 11


def load_home_services(console: Console, seed: int = MARKET_SEED) -> None:
    from careroute_synthetic.services import generate_market

    from careroute.adapters.dynamodb import bind_tables, registry
    from careroute.domain.policy import load_policy
    from careroute.entrypoints.config import Settings
    from careroute.service_layer.data_import import DataSets
    from careroute_local.synthetic_tables import import_synthetic, places

    bind_tables(Settings.from_env())
    communities = list(registry.all_communities())
    pilots = load_policy().home_services.pilot_communities
    market = generate_market(communities, seed, pilots)
    data = DataSets(
        providers=market.providers,
        service_workers=market.workers,
        pilot_communities=tuple(sorted(market.pilots)),
    )
    import_synthetic(data, places(communities))
    districts = len({p.district_id for p in market.providers})
    console.print(
        f"Home services: {len(market.providers)} providers, {len(market.workers)} workers "
        f"in {districts} districts; {len(market.pilots)} pilot communities"
    )
