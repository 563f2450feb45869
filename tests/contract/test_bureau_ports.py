"""The bureau's policy store, memory against DynamoDB: nothing until saved, then the document
as saved, replaced whole. Then the bureau's use cases over both: the same policy in force,
documents and holiday calendar."""

from __future__ import annotations

import tomllib
from datetime import date
from typing import Any

import pytest

from careroute.adapters import memory
from careroute.adapters.dynamodb.policy_store import DynamoPolicyStore
from careroute.domain.errors import ValidationError
from careroute.domain.policy import DEFAULT_POLICY_PATH, load_policy
from careroute.messages.api import Holidays
from careroute.service_layer import bureau
from careroute.service_layer.ports import PolicyStore
from tests.builders import CITY_ADMIN
from tests.contract.conftest import Backend, dynamodb_backend, memory_backend


def default_document() -> dict[str, Any]:
    return tomllib.loads(DEFAULT_POLICY_PATH.read_text("utf-8"))


def policy_store(backend: Backend) -> PolicyStore:
    """The backend's policy store (the tables are bound by the backend fixture)."""
    return backend.either(memory.MemoryPolicyStore, DynamoPolicyStore)


def test_the_policy_document_is_none_until_saved_then_read_back_and_replaced_whole(
    backend: Backend,
) -> None:
    store = policy_store(backend)
    assert store.stored_policy() is None
    first = default_document()
    store.save_policy(first, "admin")
    read = store.stored_policy()
    assert read == first
    assert read is not None
    read["tiers"] = {}  # changing what was read changes nothing stored
    assert store.stored_policy() == first
    store.save_policy({"tiers": {"T3": {"cadence_days": 30}}}, "admin")
    assert store.stored_policy() == {"tiers": {"T3": {"cadence_days": 30}}}


def test_the_bureau_settings_answer_the_same_on_memory_and_on_dynamodb(session_pump: Any) -> None:
    """The default in force, a bad policy refused, a stricter one saved and in force at once,
    the documents read back, the holidays replaced: the same on both backends."""
    fallback = load_policy()
    stricter = default_document()
    stricter["tiers"]["T1"]["cadence_days"] = 5
    calendar = Holidays.model_validate(
        {"holidays": [{"date": "2027-01-01", "name": "元旦"}, {"date": "2026-12-31", "name": "x"}]}
    )
    states = []
    for backend in (memory_backend(), dynamodb_backend(session_pump)):
        in_force = bureau.PolicyInForce(policy_store(backend))
        before = in_force.over(fallback)
        with pytest.raises(ValidationError):
            bureau.save_policy(CITY_ADMIN, {"tiers": {"T1": {"cadence_days": 999}}}, in_force)
        bureau.save_policy(CITY_ADMIN, stricter, in_force)
        saved = bureau.save_holidays(CITY_ADMIN, calendar, backend.holidays)
        states.append(
            {
                "before": before is fallback,
                "after": in_force.over(fallback).tiers,
                "document": bureau.policy_document("", in_force.store),
                "holidays": (saved, bureau.holidays(backend.holidays)),
                "calendar": backend.holidays.holidays(),
            }
        )
    on_memory, on_dynamodb = states
    assert on_memory["before"] is True and on_memory["document"] == stricter
    assert on_memory["after"] != fallback.tiers
    assert on_memory["calendar"] == {date(2027, 1, 1): "元旦", date(2026, 12, 31): "x"}
    for name in ("before", "after", "document", "calendar"):
        assert on_memory[name] == on_dynamodb[name], name
    assert on_dynamodb["holidays"] == (calendar, calendar)  # as saved, in the order given
