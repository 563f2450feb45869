"""A street's relief post: the helper of last resort in the street for a sick steward's visits,
planned as any community, counted as none, and kept apart in the registry and the forecast."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from careroute_synthetic.city import generate_city

from careroute.adapters.registry_csv import RegistryImportError, read_registry, write_registry
from careroute.domain.errors import ValidationError
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import (
    Community,
    CommunityKind,
    GeoPoint,
    Registry,
    Tier,
    TravelMode,
    residential,
)
from careroute.messages.elders import NewElder
from careroute.planning.absence_cover import (
    COVER_PER_STEWARD,
    CoverPlan,
    CoverVisit,
    HelperDay,
    Workload,
    assign_cover,
    helper_day,
)
from careroute.planning.capacity import forecast
from careroute.planning.horizon import DayCapacity
from careroute.service_layer.elders import checked_elder
from careroute.service_layer.planning import fan_out, plan_community
from tests.contract.conftest import memory_backend
from tests.csv_rows import load_rows, save_rows
from tests.unit.test_due import STEWARD, T1_ELDER, T2_ELDER
from tests.unit.test_plan_community import PLAN_DATE, queued, tick_for

POLICY = load_policy()
MONDAY = date(2026, 12, 7)
AS_OF = date(2026, 12, 1)


def place(community_id: str, street_id: str, lng: float, kind: CommunityKind) -> Community:
    return Community(
        community_id, community_id, street_id, "街道", "D1", "区", GeoPoint(41.8, lng), 400, kind
    )


HOME = place("C1", "S1", 123.400, CommunityKind.RESIDENTIAL)
NEIGHBOUR = place("C2", "S1", 123.420, CommunityKind.RESIDENTIAL)
POST = place("R1", "S1", 123.410, CommunityKind.RELIEF_POST)
OTHER_STREET = place("C3", "S2", 123.401, CommunityKind.RESIDENTIAL)  # nearest of all
PLACES = {c.community_id: c for c in (HOME, NEIGHBOUR, POST, OTHER_STREET)}


def pressing(count: int) -> tuple[list[CoverVisit], dict[str, GeoPoint]]:
    visits = [CoverVisit(f"E{i:02d}", "C1", MONDAY, minutes=40) for i in range(count)]
    return visits, {v.elder_id: GeoPoint(41.8, 123.401) for v in visits}


def cover_of(
    needs: tuple[list[CoverVisit], dict[str, GeoPoint]],
    neighbour_spare: float,
    after_post: frozenset[str] = frozenset(),
) -> CoverPlan:
    """The cover of C1's visits by C2 (with `neighbour_spare` minutes), the post R1 (a day of
    10 visits) and C3 of another street, all at work."""
    visits, points = needs
    spare = {"C2": neighbour_spare, "R1": 420.0, "C3": 420.0}
    return assign_cover(
        {"C1": visits},
        PLACES,
        ["C2", "R1", "C3"],
        points,
        spare=spare,
        places={"R1": 10},
        after_post=after_post,
    )


def test_the_street_post_takes_what_the_neighbours_have_no_place_for_before_the_pool() -> None:
    """Given a sick steward's 12 pressing visits, a neighbour of the same street, the street's
    relief post (a day of 10) and a nearer community of another street, when cover is
    assigned, then the neighbour takes its 4, the post the next 8 and the pool none."""
    plan = cover_of(pressing(12), neighbour_spare=420.0)
    assert [v.elder_id for v in plan.assigned["C2"]] == ["E00", "E01", "E02", "E03"]
    assert [v.elder_id for v in plan.assigned["R1"]] == [f"E{i:02d}" for i in range(4, 12)]
    assert "C3" not in plan.assigned and plan.uncovered == []


def test_the_post_takes_the_visits_of_neighbours_with_no_spare_minutes() -> None:
    """Given a neighbour whose own visits leave no minutes, the post takes all it can (its own
    cap, not COVER_PER_STEWARD), then the pool, and only what nobody holds stays uncovered."""
    plan = cover_of(pressing(16), neighbour_spare=0.0)
    assert "C2" not in plan.assigned
    assert len(plan.assigned["R1"]) == 10 > COVER_PER_STEWARD
    assert len(plan.assigned["C3"]) == COVER_PER_STEWARD
    assert [v.elder_id for v in plan.uncovered] == ["E14", "E15"]


def test_a_neighbour_with_an_own_visit_due_today_is_asked_after_the_street_post() -> None:
    """Given a neighbour with room whose own day holds a visit on its deadline, when a sick
    steward's visits are assigned, then the post takes them first (a visit its route pushed
    out would be the neighbour's own miss), and the neighbour only what the post has no place
    for, before the district's pool."""
    plan = cover_of(pressing(12), neighbour_spare=420.0, after_post=frozenset({"C2"}))
    assert [v.elder_id for v in plan.assigned["R1"]] == [f"E{i:02d}" for i in range(10)]
    assert [v.elder_id for v in plan.assigned["C2"]] == ["E10", "E11"]
    assert "C3" not in plan.assigned and plan.uncovered == []


def test_a_helpers_day_holds_an_own_deadline_only_for_a_visit_due_that_day() -> None:
    """Given a helper whose own T1 elder is due today, its day holds an own deadline; with that
    elder due tomorrow and a T2 on its last margin day, it does not. Either way both visits
    keep their minutes out of the spare."""
    roomy = DayCapacity(visits=16, minutes=420, travel_minutes_per_visit=8)
    due_today = replace(T1_ELDER, elder_id="E1", last_visited_on=MONDAY - timedelta(days=7))
    due_tomorrow = replace(due_today, last_visited_on=MONDAY - timedelta(days=6))
    on_margin = replace(T2_ELDER, elder_id="E2", last_visited_on=MONDAY - timedelta(days=12))
    held = sum(POLICY.tiers[tier].service_minutes + 8 for tier in (Tier.T1, Tier.T2))
    helper = Workload(NEIGHBOUR, STEWARD, [due_today, on_margin], roomy)
    assert helper_day(helper, MONDAY, frozenset(), POLICY) == HelperDay(420 - held, True)
    later = replace(helper, elders=[due_tomorrow, on_margin])
    assert helper_day(later, MONDAY, frozenset(), POLICY) == HelperDay(420 - held, False)
    assert helper_day(helper, MONDAY, frozenset({MONDAY}), POLICY) == HelperDay(0.0, False)


@pytest.fixture(scope="module")
def street() -> Registry:
    """Three Heping communities, each of its own street, and the three streets' relief posts."""
    return generate_city(5, as_of=MONDAY, districts=["Heping"], scale=0.02, relief=True)


def test_the_generator_adds_one_post_per_street_and_leaves_the_rest_of_the_city_as_it_was(
    street: Registry,
) -> None:
    plain = generate_city(5, as_of=MONDAY, districts=["Heping"], scale=0.02)
    posts = [c for c in street.communities if not c.residential]
    assert residential(street.communities) == list(plain.communities)
    assert street.elders == plain.elders
    assert {p.street_id for p in posts} == {c.street_id for c in plain.communities}
    assert len(posts) == len({p.street_id for p in posts})
    relief = [s for s in street.stewards if s.community_id in {p.community_id for p in posts}]
    assert [s.mode for s in relief] == [TravelMode.CAR] * len(posts)
    assert not {e.community_id for e in street.elders} & {p.community_id for p in posts}


def test_a_sick_stewards_pressing_visits_go_to_the_posts_when_no_neighbour_is_at_work(
    street: Registry,
) -> None:
    """Given every residential steward of the district on leave, when the night fans out, then
    all their pressing visits go to relief posts, the sick steward's own street's post first
    (up to its day), and its route holds cover stops only."""
    backend = memory_backend().holding(street)
    homes = [s for s in street.stewards if s.mode is not TravelMode.CAR]
    for steward in homes:
        backend.stewards.set_leave(steward.steward_id, [PLAN_DATE])
    sent = fan_out(tick_for(PLAN_DATE), "night", POLICY, backend.nightly)
    jobs = {job.community_id: job for job in queued(backend)}
    posts = {c.community_id: c for c in street.communities if not c.residential}
    assert sent.absent == len(homes) and sent.covered > 0 and sent.uncovered == 0
    assert {c for c, job in jobs.items() if job.cover} <= set(posts)
    first = street.communities[0]
    own = next(p for p in posts.values() if p.street_id == first.street_id)
    relief = next(s for s in street.stewards if s.community_id == own.community_id)
    own_cover = jobs[own.community_id].cover
    assert 0 < len(own_cover) <= relief.max_visits_per_day
    planned = plan_community(jobs[own.community_id], POLICY, backend.community)
    route = backend.routes.find_route(relief.steward_id, PLAN_DATE)
    assert route is not None and planned.planned > 0
    assert all(stop["cover"] for stop in route["stops"])


def test_the_night_asks_the_post_before_a_neighbour_whose_own_visit_is_due_that_day(
    street: Registry,
) -> None:
    """Given a street of a sick steward, a neighbour at work with a day of room whose one own
    elder (weekly) is due on the plan date, and the street's post, when the night fans out,
    then the sick steward's pressing visits go to the post: the neighbour's route, full of
    cover, could drop its own elder's last try."""
    home, other = residential(street.communities)[:2]
    post = next(c for c in street.communities if c.street_id == home.street_id and c != home)
    neighbour = replace(other, street_id=home.street_id)
    own = next(e for e in street.elders if e.community_id == other.community_id)
    due = replace(
        own,
        street_id=home.street_id,
        categories=T1_ELDER.categories,
        last_visited_on=PLAN_DATE - timedelta(days=7),
    )
    kept = {home.community_id, other.community_id, post.community_id}
    one_street = replace(
        street,
        communities=(home, neighbour, post),
        stewards=tuple(s for s in street.stewards if s.community_id in kept),
        elders=(*(e for e in street.elders if e.community_id == home.community_id), due),
    )
    backend = memory_backend().holding(one_street)
    sick = next(s for s in one_street.stewards if s.community_id == home.community_id)
    backend.stewards.set_leave(sick.steward_id, [PLAN_DATE])
    sent = fan_out(tick_for(PLAN_DATE), "night", POLICY, backend.nightly)
    jobs = {job.community_id: job for job in queued(backend)}
    assert COVER_PER_STEWARD < sent.covered <= 10 and sent.uncovered == 0
    assert len(jobs[post.community_id].cover) == sent.covered
    assert jobs[neighbour.community_id].cover == []


def test_the_forecast_lists_no_post_and_counts_its_hours_as_the_streets_help(
    street: Registry,
) -> None:
    """Given the street's first community with four times its elders (short of hours), the
    forecast's rows are the residential communities, and the post's hours are street help."""
    first = residential(street.communities)[0]
    mine = [e for e in street.elders if e.community_id == first.community_id]
    more = [
        replace(e, elder_id=f"{e.elder_id}x{k}") for k in range(3) for e in mine
    ]  # three copies of each elder
    crowded = replace(street, elders=(*street.elders, *more))
    result = forecast(date(2026, 12, 1), crowded, POLICY)
    assert [c.community_id for c in result.communities] == [
        c.community_id for c in residential(street.communities)
    ]
    short = next(c for c in result.communities if c.community_id == first.community_id)
    helpers = {h.from_community_id: h.level for h in short.help}
    post = next(c for c in street.communities if not c.residential)
    assert helpers.get(post.community_id) == "street"
    (row,) = [s for s in result.streets if s.street_id == first.street_id]
    assert row.street_help_minutes >= next(
        h.minutes for h in short.help if h.from_community_id == post.community_id
    )


def test_the_registry_csv_keeps_the_kind_and_rejects_an_elder_in_a_post(
    tmp_path: Path,
) -> None:
    city = generate_city(11, as_of=AS_OF, districts=["Heping"], scale=0.05, relief=True)
    write_registry(tmp_path, city, AS_OF)
    assert read_registry(tmp_path, as_of=AS_OF) == city
    rows = load_rows(tmp_path, "communities.csv")
    kinds = {row[0]: row[rows[0].index("kind")] for row in rows[1:]}
    post = next(c.community_id for c in city.communities if not c.residential)
    assert kinds[post] == "relief_post" and set(kinds.values()) == {"residential", "relief_post"}
    # An older file without the column reads every community as residential.
    save_rows(tmp_path, "communities.csv", [r[:-1] for r in rows])
    elders = load_rows(tmp_path, "elders.csv")
    save_rows(tmp_path, "elders.csv", elders)
    without = read_registry(tmp_path, as_of=AS_OF)
    assert {c.kind for c in without.communities} == {CommunityKind.RESIDENTIAL}
    # An elder placed in the post: that row is named, nothing is imported.
    save_rows(tmp_path, "communities.csv", rows)
    header, first = elders[0], elders[1]
    moved = list(first)
    post_row = next(r for r in rows[1:] if r[0] == post)
    for field in ("community_id", "street_id", "district_id"):
        moved[header.index(field)] = post_row[rows[0].index(field)]
    save_rows(tmp_path, "elders.csv", [header, moved, *elders[2:]])
    with pytest.raises(RegistryImportError) as caught:
        read_registry(tmp_path, as_of=AS_OF)
    (error,) = caught.value.errors
    assert (error.file, error.line, error.field) == ("elders.csv", 2, "community_id")
    assert "relief_post, which holds no elders" in error.reason


def test_an_elder_added_through_the_api_is_refused_in_a_relief_post() -> None:
    """As on import: a post holds no elders, so POST /elders names the community and says why."""
    post = place("R001", "S001", 123.40, CommunityKind.RELIEF_POST)
    new = NewElder.model_validate(
        {
            "elder_id": "E900001",
            "community_id": post.community_id,
            "name": "新老人",
            "address": "新社区 1号楼101室",
            "lat": 41.79,
            "lng": 123.38,
            "categories": ["living_alone"],
            "birth_date": "1940-03-01",
            "window": {"start": "08:30", "end": "17:00"},
        }
    )
    with pytest.raises(ValidationError, match="community_id: community R001 is a relief_post"):
        checked_elder(new, post, AS_OF)
    home = replace(post, community_id="C0001", kind=CommunityKind.RESIDENTIAL)
    assert checked_elder(new, home, AS_OF).community_id == "C0001"
