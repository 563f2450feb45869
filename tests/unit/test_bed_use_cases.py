"""Home care beds on the memory adapters: recording an eligible elder's bed once per key (and
refusing an ineligible one, writing nothing), building and accepting it, the provider's day
routed by the fleet router with the due beds mandatory, a worker recording a visit, and the
month's bed coverage an official reads (a bed with no service in the month is a miss)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from careroute.adapters import memory, memory_beds, memory_orders
from careroute.domain.access import Caller, Role
from careroute.domain.bed_visits import BedVisitOutcome
from careroute.domain.beds import BedAction, BedPolicy, BedStatus, HomeCareBed, Subsistence
from careroute.domain.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from careroute.domain.providers import Provider, ServiceMarket, ServiceWorker
from careroute.domain.vocabulary import CHINA_TZ, Category, GeoPoint
from careroute.service_layer.beds import (
    BedKeeping,
    BedRequest,
    BedVisitRequest,
    bed_coverage,
    plan_provider_day,
    record_bed,
    record_bed_visit,
    step_bed,
    worker_bed_route,
)
from tests.builders import BASE, CITY_ADMIN, a_community, an_elder

POLICY = BedPolicy()
APPLIED = date(2026, 10, 1)
DEC_1 = date(2026, 12, 1)
ACCEPTED = date(2026, 10, 12)
CIRCUITY = 1.3
OFFICIAL = Caller("street-sub", Role.STREET_OFFICIAL, "S1")
OTHER_STREET = Caller("other-sub", Role.STREET_OFFICIAL, "S9")
WORKER = Caller("worker-sub", Role.WORKER, "K1")
STRANGER = Caller("stranger-sub", Role.WORKER, "K9")
PROVIDER = Provider("P1", "D1", BASE, frozenset({"bathing"}))


def at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, datetime.min.time(), CHINA_TZ) + timedelta(hours=hour)


@pytest.fixture
def ports() -> BedKeeping:
    return bed_keeping()


def bed_keeping() -> BedKeeping:
    """The beds' ports on memory: disabled elder E1 and self-caring elder E2 in community C1
    (street S1, district D1); provider P1 of D1 with workers K1 and K2."""
    communities = memory.MemoryCommunities()
    communities.save_communities([a_community(location=BASE)])
    keeping = BedKeeping(
        beds=memory_beds.MemoryBeds(),
        visits=memory_beds.MemoryBedVisits(),
        routes=memory_beds.MemoryBedRoutes(),
        providers=memory_orders.MemoryProviders(),
        elders=memory.MemoryElders(),
        communities=communities,
        scopes=memory.MemoryScopes(communities),
    )
    disabled = an_elder(Category.DISABLED, Category.LIVING_ALONE)
    keeping.elders.save_elders([disabled, replace(an_elder(), elder_id="E2")])
    workers = (ServiceWorker("K1", "P1", frozenset()), ServiceWorker("K2", "P1", frozenset()))
    keeping.providers.save_market(ServiceMarket((PROVIDER,), workers, frozenset()))
    return keeping


def request(elder_id: str = "E1", subsistence: Subsistence = Subsistence.LOW_INCOME) -> BedRequest:
    return BedRequest(elder_id, "C1", "P1", subsistence)


def accepted_bed(ports: BedKeeping, key: str = "k1") -> HomeCareBed:
    bed, _ = record_bed(OFFICIAL, request(), key, at(APPLIED), POLICY, ports)
    step_bed(OFFICIAL, bed.bed_id, BedAction.BUILD, ACCEPTED, frozenset({"nursing_bed"}),
             at(ACCEPTED), ports)  # fmt: skip
    return step_bed(
        OFFICIAL, bed.bed_id, BedAction.ACCEPT, ACCEPTED, frozenset(), at(ACCEPTED), ports
    )


def test_an_eligible_elders_bed_is_recorded_once_per_key(ports: BedKeeping) -> None:
    bed, created = record_bed(OFFICIAL, request(), "k1", at(APPLIED), POLICY, ports)
    again, created_again = record_bed(OFFICIAL, request(), "k1", at(APPLIED), POLICY, ports)
    assert (created, created_again, again) == (True, False, bed)
    assert (bed.status, bed.care_level.value, bed.applied_on) == (
        BedStatus.APPLIED, "semi", APPLIED,
    )  # fmt: skip
    with pytest.raises(ConflictError, match="used for a different bed"):
        record_bed(OFFICIAL, request(subsistence=Subsistence.EXTREME_POVERTY), "k1",
                   at(APPLIED), POLICY, ports)  # fmt: skip
    with pytest.raises(ConflictError, match="has a bed already"):
        record_bed(OFFICIAL, request(), "k2", at(APPLIED), POLICY, ports)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (request("E2"), "not eligible for a home care bed: care level none"),
        (request(subsistence=Subsistence.NONE), "subsistence status none is not one of"),
        (replace(request(), provider_id="P9"), "provider_id: P9 is not a provider of D1"),
    ],
)
def test_an_ineligible_or_badly_named_bed_is_refused_and_nothing_is_written(
    ports: BedKeeping, bad: BedRequest, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        record_bed(OFFICIAL, bad, "k1", at(APPLIED), POLICY, ports)
    assert ports.beds.beds_of_district("D1") == []


def test_only_officials_of_the_elders_scope_record_a_bed(ports: BedKeeping) -> None:
    with pytest.raises(ForbiddenError):
        record_bed(OTHER_STREET, request(), "k1", at(APPLIED), POLICY, ports)
    with pytest.raises(NotFoundError, match="elder E7 not found"):
        record_bed(OFFICIAL, request("E7"), "k1", at(APPLIED), POLICY, ports)
    assert ports.beds.beds_of_district("D1") == []


def test_a_bed_is_accepted_after_its_build_and_a_step_out_of_order_is_a_conflict(
    ports: BedKeeping,
) -> None:
    bed, _ = record_bed(OFFICIAL, request(), "k1", at(APPLIED), POLICY, ports)
    with pytest.raises(ConflictError, match="cannot accept a bed that is applied"):
        step_bed(OFFICIAL, bed.bed_id, BedAction.ACCEPT, ACCEPTED, frozenset(), at(ACCEPTED),
                 ports)  # fmt: skip
    with pytest.raises(ValidationError, match="is in the future"):
        step_bed(OFFICIAL, bed.bed_id, BedAction.BUILD, ACCEPTED, frozenset({"fall_sensor"}),
                 at(APPLIED), ports)  # fmt: skip
    assert ports.beds.get_bed(bed.bed_id)[0].status is BedStatus.APPLIED
    accepted = accepted_bed(ports)
    assert (accepted.status, accepted.accepted_on, accepted.version) == (
        BedStatus.ACCEPTED, ACCEPTED, 3,
    )  # fmt: skip


def test_a_due_bed_is_a_mandatory_stop_on_a_workers_route(ports: BedKeeping) -> None:
    bed = accepted_bed(ports)
    due = ACCEPTED + timedelta(days=POLICY.cadence_days)
    summary = plan_provider_day(PROVIDER, due, POLICY, CIRCUITY, ports)
    assert (summary["candidates"], summary["mandatory"], summary["planned"]) == (1, 1, 1)
    assert summary["unassigned_mandatory"] == []
    routes = [worker_bed_route(CITY_ADMIN, w, due, ports) for w in ("K1", "K2")]
    stops = [s for r in routes for s in r["stops"]]
    assert [(s["bed_id"], s["mandatory"], s["due"]) for s in stops] == [
        (bed.bed_id, True, due.isoformat())
    ]
    early = plan_provider_day(PROVIDER, ACCEPTED + timedelta(days=2), POLICY, CIRCUITY, ports)
    assert early["candidates"] == 0


def test_a_workers_visit_is_recorded_once_and_moves_the_next_due_date(ports: BedKeeping) -> None:
    bed = accepted_bed(ports)
    served_on = ACCEPTED + timedelta(days=10)
    body = BedVisitRequest(at(served_on, 10), BedVisitOutcome.SERVED)
    visit, created = record_bed_visit(WORKER, bed.bed_id, body, "v1", at(served_on, 11), POLICY,
                                      ports)  # fmt: skip
    again, created_again = record_bed_visit(
        WORKER, bed.bed_id, body, "v1", at(served_on, 12), POLICY, ports
    )
    assert (created, created_again, again.visit_id, visit.minutes) == (
        True, False, visit.visit_id, POLICY.service_minutes,
    )  # fmt: skip
    old_due = ACCEPTED + timedelta(days=POLICY.cadence_days)
    assert plan_provider_day(PROVIDER, old_due, POLICY, CIRCUITY, ports)["candidates"] == 0


@pytest.mark.parametrize(
    ("who", "visited", "error", "message"),
    [
        (STRANGER, ACCEPTED + timedelta(days=1), ForbiddenError, "does not work for P1"),
        (WORKER, ACCEPTED - timedelta(days=1), ValidationError, "not in service on"),
        (WORKER, ACCEPTED + timedelta(days=5), ValidationError, "is in the future"),
        (WORKER, ACCEPTED - timedelta(days=70), ValidationError, "more than 62 days ago"),
    ],
)
def test_a_visit_by_another_providers_worker_or_out_of_service_is_refused(
    ports: BedKeeping, who: Caller, visited: date, error: type[Exception], message: str
) -> None:
    bed = accepted_bed(ports)
    body = BedVisitRequest(at(visited, 10), BedVisitOutcome.SERVED)
    now = at(ACCEPTED + timedelta(days=1), 17)
    with pytest.raises(error, match=message):
        record_bed_visit(who, bed.bed_id, body, "v1", now, POLICY, ports)
    assert ports.visits.visits_of_district("D1", date(2026, 1, 1), date(2027, 1, 1)) == []


def test_the_month_coverage_shows_an_unserved_bed_as_a_miss_and_a_served_one_covered(
    ports: BedKeeping,
) -> None:
    bed = accepted_bed(ports)
    november = bed_coverage(OFFICIAL, "street:S1", "2026-11", DEC_1, POLICY, ports)
    assert (november["beds_due"], november["beds_served"], november["percent"]) == (1, 0, 0.0)
    assert [m["rule"] for m in november["misses"]] == ["monthly"]  # its gap began in October
    assert november["monthly_misses"] == 1
    for day in (date(2026, 11, 5), date(2026, 11, 18)):
        body = BedVisitRequest(at(day, 10), BedVisitOutcome.SERVED, minutes=75)
        record_bed_visit(WORKER, bed.bed_id, body, f"v-{day}", at(day, 17), POLICY, ports)
    november = bed_coverage(OFFICIAL, "street:S1", "2026-11", DEC_1, POLICY, ports)
    assert (november["beds_served"], november["percent"], november["service_hours"]) == (
        1, 100.0, 2.5,
    )  # fmt: skip
    assert november["beds"] == {"applied": 0, "built": 0, "accepted": 1, "closed": 0}
    with pytest.raises(ForbiddenError):
        bed_coverage(OTHER_STREET, "street:S1", "2026-11", DEC_1, POLICY, ports)
    with pytest.raises(ValidationError, match="month"):
        bed_coverage(OFFICIAL, "street:S1", "2026-13", DEC_1, POLICY, ports)


def test_a_bed_on_a_far_edge_of_the_district_still_gets_its_mandatory_visit(
    ports: BedKeeping,
) -> None:
    bed = accepted_bed(ports)
    moved = replace(bed, location=GeoPoint(BASE.lat + 0.15, BASE.lng + 0.15))
    assert ports.beds.save_bed(bed, moved)
    due = ACCEPTED + timedelta(days=POLICY.cadence_days)
    summary = plan_provider_day(PROVIDER, due, POLICY, CIRCUITY, ports)
    assert (summary["planned"], summary["unassigned_mandatory"]) == (1, [])
