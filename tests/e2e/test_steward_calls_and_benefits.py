"""The steward's stop in headless Chromium: a call button for the elder and for the
guardian when the route gives their numbers (none otherwise), phone and video contact among
the outcomes, and the stop's notified benefits with an "applied" button that posts the
claim's apply step, queued with no signal and sent once when back online.

Chromium is Debian's, driven by playwright, as in test_web_pages.py."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from careroute.adapters.dynamodb import benefit_claims, registry
from careroute.adapters.dynamodb.visits import all_visits
from careroute.domain.benefits import ClaimStatus, notified_claim
from careroute.domain.vocabulary import Elder, Registry
from careroute_local.pump import EventPump
from tests.conftest import PLAN_DATE, china_now
from tests.e2e.web_pages import (
    PHONE,
    http,
    idempotency_keys,
    open_page,
    record_outcome,
    signed_in,
)
from tests.integration.planned_day import plan_the_day

pytestmark = pytest.mark.e2e


def first_two_stops(url: str, token: str, steward: str) -> list[Elder]:
    route = http("GET", f"{url}/stewards/{steward}/routes/{PLAN_DATE}", token)
    assert len(route["stops"]) >= 2
    home = route["community_id"]
    return [
        registry.get_elder(stop.get("community_id", home), stop["elder_id"])
        for stop in route["stops"][:2]
    ]


def notify(elder: Elder, rule_id: str, yuan: int) -> str:
    """A benefit the daily scan found for the elder: a notified claim, and the elder's task."""
    claim = notified_claim(elder, rule_id, yuan, china_now() - timedelta(hours=2))
    benefit_claims.open_claim(claim)
    registry.add_benefit_task(elder.community_id, elder.elder_id, rule_id)
    return claim.claim_id


def test_a_stop_calls_the_elder_and_the_guardian_and_records_a_phone_contact(
    served: tuple[EventPump, str], small_city: Registry, browser: Any
) -> None:
    pump, url = served
    steward = small_city.stewards[1].steward_id
    token = pump.issuer.token("steward", steward)
    called, silent = first_two_stops(url, token, steward)
    registry.save_elders(
        [
            replace(
                called, phone="138 0000 0001", guardian="张明 (儿子)", guardian_phone="13900000002"
            )
        ]
    )
    plan_the_day(pump)  # the numbers reach the route with its next plan

    ctx, page, console = open_page(
        browser, f"{url}/app/steward.html#date={PLAN_DATE}&token={token}", viewport=PHONE
    )
    stop = page.locator(f"ol#stops > li[data-elder='{called.elder_id}']")
    stop.wait_for()
    assert stop.get_by_test_id("call-elder").get_attribute("href") == "tel:13800000001"
    guardian = stop.get_by_test_id("call-guardian")
    assert guardian.get_attribute("href") == "tel:13900000002"
    assert "张明 (儿子)" in guardian.inner_text()
    other = page.locator(f"ol#stops > li[data-elder='{silent.elder_id}']")
    assert other.locator("a[href^='tel:']").count() == 0

    record_outcome(stop, "phone_contact", "called ahead")
    page.get_by_test_id("outbox-count").filter(has_text="0").wait_for()
    stop.get_by_test_id("state").filter(has_text="已记录").wait_for()
    stored = [(v.elder_id, v.outcome.value) for v in all_visits() if v.steward_id == steward]
    assert stored == [(called.elder_id, "phone_contact")]
    assert console.errors == []
    ctx.close()


def test_a_benefit_marked_applied_offline_is_sent_once_when_back_online(
    served: tuple[EventPump, str], small_city: Registry, browser: Any
) -> None:
    """Online, the page shows the stop's notified benefits. Offline (the page reloaded from
    the service worker's copy), "applied" is queued and nothing changes; back online the
    step is sent with its key and the claim is applied, once; a means-tested benefit carries
    the subsistence status picked."""
    steward = small_city.stewards[2].steward_id
    url, token = signed_in(served, "steward", steward)
    elder, _ = first_two_stops(url, token, steward)
    high_age = notify(elder, "high_age_90", 300)
    care = notify(elder, "care_subsidy_semi", 400)

    ctx, page, console = open_page(
        browser, f"{url}/app/steward.html#date={PLAN_DATE}&token={token}", viewport=PHONE
    )
    page.wait_for_selector("body[data-offline-ready='yes']")
    stop = page.locator(f"ol#stops > li[data-elder='{elder.elder_id}']")
    stop.get_by_test_id("benefits").wait_for()
    shown = stop.locator("[data-claim]").evaluate_all("ns => ns.map(n => n.dataset.claim)")
    assert sorted(shown) == sorted([high_age, care])

    ctx.set_offline(True)
    page.reload()
    stop.get_by_test_id("benefits").wait_for()  # the claims, from the phone's copy
    keys = idempotency_keys(page, "/steps")
    stop.locator(f"[data-claim='{high_age}']").get_by_test_id("apply").click()
    care_task = stop.locator(f"[data-claim='{care}']")
    care_task.locator("select[name=subsistence]").select_option("subsistence_allowance")
    care_task.get_by_test_id("apply").click()
    page.get_by_test_id("outbox-count").filter(has_text="2").wait_for()
    assert (
        stop.locator(f"[data-claim='{high_age}']").get_by_test_id("claim-state").inner_text()
        == "待发送"
    )
    assert benefit_claims.get_claim(high_age).status is ClaimStatus.NOTIFIED

    ctx.set_offline(False)
    page.get_by_test_id("outbox-count").filter(has_text="0").wait_for()
    stop.locator(f"[data-claim='{care}']").get_by_test_id("claim-state").filter(
        has_text="已申请"
    ).wait_for()
    applied = [benefit_claims.get_claim(c) for c in (high_age, care)]
    assert [c.status for c in applied] == [ClaimStatus.APPLIED, ClaimStatus.APPLIED]
    assert [len(c.steps) for c in applied] == [1, 1]
    assert (
        applied[1].subsistence is not None
        and applied[1].subsistence.value == "subsistence_allowance"
    )
    assert all(c.steps[0].by.startswith("steward:") for c in applied)
    sent = [k for k in keys if k]
    assert len(sent) >= 2 and len(set(sent)) == 2  # one key per step, kept on every attempt
    assert [e for e in console.errors if "Failed to load resource" not in e] == []
    ctx.close()
