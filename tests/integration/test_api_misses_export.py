"""The misses export over the local stack's HTTP API: last month's elders of a street that no
visit covered, with their causes, in CSV and XLSX alike; a visit of the month takes its
elder off the list; officials only, scope checked, no personal data; a month over, and the
running month as of the day's count, read from what the nightly count kept."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from careroute.domain.vocabulary import CHINA_TZ, Outcome, Registry, Tier
from careroute.service_layer.month_misses import MissCause
from careroute_local.pump import EventPump
from tests.builders import a_visit_to
from tests.conftest import TODAY
from tests.integration.api_calls import get
from tests.integration.stored_visits import project_visit
from tests.integration.test_api_exports import exported

LAST_MONTH = (TODAY.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
QUERY = {"month": LAST_MONTH, "scope": "street:S001"}


@pytest.fixture
def one_visit_last_month(loaded_stack: EventPump, small_city: Registry) -> str:
    """One elder of street S001 visited on last month's 10th (stored and projected): its id."""
    elder = next(e for e in small_city.elders if e.street_id == "S001")
    steward = next(s for s in small_city.stewards if s.community_id == elder.community_id)
    day = datetime.strptime(f"{LAST_MONTH}-10", "%Y-%m-%d").date()
    visited_at = datetime.combine(day, time(10), CHINA_TZ).astimezone(UTC)
    record = a_visit_to(
        elder, "v-misses-1", visited_at, steward_id=steward.steward_id, tier=Tier.T3
    )
    project_visit(loaded_stack, record)
    return elder.elder_id


def test_last_months_misses_are_the_streets_elders_no_visit_covered(
    loaded_stack: EventPump, small_city: Registry, one_visit_last_month: str
) -> None:
    as_csv, as_xlsx = exported(loaded_stack, "misses", "street_official", "S001", QUERY)
    monthly = {r["elder_id"] for r in as_csv if r["monthly_missed"] == "是"}
    street = {e.elder_id for e in small_city.elders if e.street_id == "S001"}
    assert monthly == street - {one_visit_last_month}
    assert [r["elder_id"] for r in as_csv] == [r["elder_id"] for r in as_xlsx]
    assert {r["street_id"] for r in as_csv} == {"S001"}
    assert {r["cause"] for r in as_csv} <= {cause.value for cause in MissCause}
    names = {e.name for e in small_city.elders} | {e.address for e in small_city.elders}
    assert not names & {cell for row in as_csv for cell in row.values()}


def test_the_misses_export_is_for_officials_in_scope_and_a_month_begun(
    loaded_stack: EventPump,
) -> None:
    assert get(loaded_stack, "/exports/misses", "steward", "W0001", QUERY).status == 403
    other = {**QUERY, "scope": "street:S002"}
    assert get(loaded_stack, "/exports/misses", "street_official", "S001", other).status == 403
    later = {**QUERY, "month": (TODAY + timedelta(days=40)).strftime("%Y-%m")}
    response = get(loaded_stack, "/exports/misses", "city_admin", None, later)
    assert response.status == 422, response.text


def test_after_the_months_first_count_the_export_reads_the_misses_it_kept(
    loaded_stack: EventPump, small_city: Registry, one_visit_last_month: str
) -> None:
    """The real ServiceCircleCountFunction on this month's first day keeps last month's
    misses per community; the city's export then answers what it computed before, and a
    record of last month arriving later does not change it (kept as of that count)."""
    city = {"month": LAST_MONTH, "scope": "city"}
    computed, _ = exported(loaded_stack, "misses", "city_admin", None, city)
    dawn = datetime.combine(TODAY.replace(day=1), time(4, 30), CHINA_TZ)
    summary = loaded_stack.fire_schedule("ServiceCircleCountFunction", dawn)
    assert summary["month_misses"] == 2 * len(small_city.communities)  # and this month's
    kept, _ = exported(loaded_stack, "misses", "city_admin", None, city)
    assert kept == computed and len(kept) > 0

    elder = next(e for e in small_city.elders if e.elder_id == kept[0]["elder_id"])
    day = datetime.strptime(f"{LAST_MONTH}-20", "%Y-%m-%d").date()
    late = a_visit_to(elder, "v-misses-late", datetime.combine(day, time(10), CHINA_TZ)
                      .astimezone(UTC), steward_id="W0001", tier=Tier.T3)  # fmt: skip
    project_visit(loaded_stack, late)
    assert exported(loaded_stack, "misses", "city_admin", None, city)[0] == kept


def test_the_running_months_export_reads_what_the_days_count_kept(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    """The real ServiceCircleCountFunction of a day's dawn (ten days on: some elders are late
    by then) keeps that month's misses per community as of that day; the city's export of
    the month asked that day then answers what it computed before, and a failed try recorded
    after the count shows in the file only once a count has run again."""
    day = TODAY + timedelta(days=10)
    city = {"month": f"{day:%Y-%m}", "scope": "city", "on": day.isoformat()}
    computed, _ = exported(loaded_stack, "misses", "city_admin", None, city)
    dawn = datetime.combine(day, time(4, 30), CHINA_TZ)
    summary = loaded_stack.fire_schedule("ServiceCircleCountFunction", dawn)
    months = 2 if day.day == 1 else 1  # on a month's first day, last month's as well
    assert summary["month_misses"] == months * len(small_city.communities)
    kept, _ = exported(loaded_stack, "misses", "city_admin", None, city)
    assert kept == computed and len(kept) > 0

    elder = next(e for e in small_city.elders if e.elder_id == kept[0]["elder_id"])
    steward = next(s for s in small_city.stewards if s.community_id == elder.community_id)
    after_count = datetime.combine(day, time(10), CHINA_TZ).astimezone(UTC)
    not_home = a_visit_to(elder, "v-misses-not-home", after_count, steward_id=steward.steward_id,
                          tier=Tier.T3, outcome=Outcome.NOT_HOME)  # fmt: skip
    project_visit(loaded_stack, not_home)
    assert exported(loaded_stack, "misses", "city_admin", None, city)[0] == kept
    loaded_stack.fire_schedule("ServiceCircleCountFunction", dawn)  # a later count
    recounted, _ = exported(loaded_stack, "misses", "city_admin", None, city)
    tries = {r["elder_id"]: int(r["failed_tries"]) for r in recounted}
    assert tries[elder.elder_id] == int(kept[0]["failed_tries"]) + 1
