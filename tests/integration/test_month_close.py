"""The month's close on the local stack: the real MonthCloseFunction on a month's first
morning opens the street office's "unreachable" ticket for every elder the month just over
ended without a visit (the misses export's list, less those who moved away or died), high and
due the policy's 48 hours later; not for an elder visited, nor a second one for an elder the
projector flagged after three failed tries; a second run opens none."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from careroute.domain.vocabulary import CHINA_TZ, ElderStatus, Outcome, Registry, Tier
from careroute_local.pump import EventPump
from tests.builders import a_visit_to
from tests.conftest import TODAY
from tests.integration.api_calls import get
from tests.integration.stored_visits import project_visit
from tests.integration.test_api_exports import exported

FIRST = TODAY.replace(day=1)
LAST_MONTH = f"{FIRST - timedelta(days=1):%Y-%m}"
CLOSE = datetime.combine(FIRST, time(5), CHINA_TZ)
LEFT_CARE = ("moved", "deceased")


def last_month_at(day: int, hour: int) -> datetime:
    return datetime.combine(FIRST - timedelta(days=day), time(hour), CHINA_TZ).astimezone(UTC)


def unreachable_tickets(pump: EventPump) -> list[dict[str, Any]]:
    """The city's open "unreachable" tickets, every page."""
    query = {"scope": "city", "status": "open", "source": "unreachable", "limit": "500"}
    found: list[dict[str, Any]] = []
    while True:
        page = get(pump, "/tickets", "city_admin", None, query).json()
        found += page["tickets"]
        if not page.get("next_cursor"):
            return found
        query["after"] = page["next_cursor"]


def test_the_months_close_asks_the_street_office_to_find_each_elder_it_ended_unvisited(
    tiny_stack: EventPump, tiny_city: Registry
) -> None:
    active = [e for e in tiny_city.elders if e.status is ElderStatus.ACTIVE]
    visited, flagged = active[0], active[1]
    steward = {s.community_id: s.steward_id for s in tiny_city.stewards}
    visit = a_visit_to(
        visited,
        "v-close-1",
        last_month_at(20, 10),
        tier=Tier.T3,
        steward_id=steward[visited.community_id],
    )
    project_visit(tiny_stack, visit)
    for n in range(3):  # three failed tries in a row: the projector flags the elder itself
        failed = a_visit_to(
            flagged,
            f"v-close-try-{n}",
            last_month_at(12 - 2 * n, 9),
            steward_id=steward[flagged.community_id],
            tier=Tier.T3,
            outcome=Outcome.NOT_HOME,
        )
        project_visit(tiny_stack, failed)
    before = {t["elder_id"]: t for t in unreachable_tickets(tiny_stack)}
    assert set(before) == {flagged.elder_id}

    misses, _ = exported(
        tiny_stack, "misses", "city_admin", None, {"month": LAST_MONTH, "scope": "city"}
    )
    missed = {
        r["elder_id"] for r in misses if r["monthly_missed"] == "是" and r["cause"] not in LEFT_CARE
    }
    assert visited.elder_id not in missed and flagged.elder_id in missed

    summary = tiny_stack.fire_schedule("MonthCloseFunction", CLOSE)
    after = unreachable_tickets(tiny_stack)
    assert summary["unreachable_tickets"] == len(missed) - 1 == len(after) - 1
    assert {t["elder_id"] for t in after} == missed
    at_close = [t for t in after if t["elder_id"] != flagged.elder_id]
    assert {(t["level"], t["severity"], t["visit_id"]) for t in at_close} == {
        ("street", "high", "")
    }
    assert {datetime.fromisoformat(t["opened_at"]) for t in at_close} == {CLOSE}
    assert {datetime.fromisoformat(t["due_at"]) - CLOSE for t in at_close} == {timedelta(hours=48)}
    assert next(t for t in after if t["elder_id"] == flagged.elder_id) == before[flagged.elder_id]
    left = {e.elder_id for e in tiny_city.elders if e.status.value in LEFT_CARE}
    assert not left & {t["elder_id"] for t in after}

    again = tiny_stack.fire_schedule("MonthCloseFunction", CLOSE)
    assert again["unreachable_tickets"] == 0
    assert len(unreachable_tickets(tiny_stack)) == len(after)
