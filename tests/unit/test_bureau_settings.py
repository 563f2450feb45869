"""The bureau's settings on the memory adapters: the policy in force per container (a save
through it is seen at once, one from another container after the TTL), a bad policy refused
with nothing stored, and the documents the API reads."""

from __future__ import annotations

import tomllib
from datetime import date
from typing import Any

import pytest

from careroute.adapters import memory
from careroute.domain.errors import ValidationError
from careroute.domain.policy import DEFAULT_POLICY_PATH, load_policy
from careroute.domain.vocabulary import Tier
from careroute.messages.api import Holidays
from careroute.service_layer import bureau
from tests.builders import CITY_ADMIN

FALLBACK = load_policy()


def weekly_t3() -> dict[str, Any]:
    document = tomllib.loads(DEFAULT_POLICY_PATH.read_text("utf-8"))
    document["tiers"]["T3"]["cadence_days"] = 7
    return document


def test_a_saved_policy_is_in_force_at_once_here_and_elsewhere_after_the_ttl() -> None:
    store = memory.MemoryPolicyStore()
    here = bureau.PolicyInForce(store)
    elsewhere = bureau.PolicyInForce(store, ttl_seconds=3600)
    fresh = bureau.PolicyInForce(store, ttl_seconds=-1)  # reads the store every time
    assert here.over(FALLBACK) is FALLBACK and elsewhere.over(FALLBACK) is FALLBACK
    bureau.save_policy(CITY_ADMIN, weekly_t3(), here)
    assert here.over(FALLBACK).tiers[Tier.T3].cadence_days == 7
    assert fresh.over(FALLBACK).tiers[Tier.T3].cadence_days == 7
    assert elsewhere.over(FALLBACK) is FALLBACK  # still within its TTL
    elsewhere.forget()
    assert elsewhere.over(FALLBACK).tiers[Tier.T3].cadence_days == 7


def test_a_policy_out_of_bounds_is_refused_naming_the_key_and_nothing_is_stored() -> None:
    store = memory.MemoryPolicyStore()
    document = weekly_t3()
    document["tiers"]["T3"]["cadence_days"] = 400
    with pytest.raises(ValidationError, match=r"tiers\.T3\.cadence_days: at most 366"):
        bureau.save_policy(CITY_ADMIN, document, bureau.PolicyInForce(store))
    assert store.stored_policy() is None
    assert bureau.policy_document("", store) == tomllib.loads(
        DEFAULT_POLICY_PATH.read_text("utf-8")
    )  # the built-in default until the bureau stores one


def test_the_holiday_calendar_is_replaced_whole_and_read_back() -> None:
    calendar = memory.MemoryHolidays({date(2026, 10, 1): "国庆节"})
    assert bureau.holidays(calendar).model_dump(mode="json") == {
        "holidays": [{"date": "2026-10-01", "name": "国庆节"}],
        "workdays": [],
    }
    given = Holidays.model_validate({"holidays": [{"date": "2027-01-01", "name": "元旦"}]})
    assert bureau.save_holidays(CITY_ADMIN, given, calendar) == given
    assert calendar.holidays() == {date(2027, 1, 1): "元旦"}
    assert bureau.holidays(calendar) == given
