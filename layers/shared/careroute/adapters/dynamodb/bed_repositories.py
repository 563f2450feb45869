"""The home care beds' ports on DynamoDB: thin classes over the beds table, and the ports of
the bed use cases built from them, once per container. The tables must be bound first
(`bind_tables`, at cold start)."""

from __future__ import annotations

from careroute.adapters.dynamodb import home_care_beds
from careroute.adapters.dynamodb.order_repositories import DynamoProviders
from careroute.adapters.dynamodb.repositories import DynamoCommunities, DynamoElders, DynamoScopes
from careroute.domain.beds import HomeCareBed
from careroute.service_layer.beds import BedKeeping


class DynamoBeds:
    add_bed = staticmethod(home_care_beds.add_bed)
    get_bed = staticmethod(home_care_beds.get_bed)
    open_bed_of = staticmethod(home_care_beds.open_bed_of)
    save_bed = staticmethod(home_care_beds.save_bed)
    import_beds = staticmethod(home_care_beds.import_beds)

    def beds_of_district(self, district_id: str) -> list[HomeCareBed]:
        return sorted(home_care_beds.beds_of_district(district_id), key=lambda b: b.bed_id)


class DynamoBedVisits:
    add_visit = staticmethod(home_care_beds.add_visit)
    get_visit = staticmethod(home_care_beds.get_visit)
    visits_of_district = staticmethod(home_care_beds.visits_of_district)
    import_visits = staticmethod(home_care_beds.import_visits)


class DynamoBedRoutes:
    save_bed_plan = staticmethod(home_care_beds.save_bed_plan)
    bed_route = staticmethod(home_care_beds.bed_route)


def bed_keeping() -> BedKeeping:
    """The ports of the bed use cases (API and planner), on DynamoDB."""
    return BedKeeping(
        beds=DynamoBeds(),
        visits=DynamoBedVisits(),
        routes=DynamoBedRoutes(),
        providers=DynamoProviders(),
        elders=DynamoElders(),
        communities=DynamoCommunities(),
        scopes=DynamoScopes(),
    )
