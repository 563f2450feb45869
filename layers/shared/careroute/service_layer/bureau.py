"""Bureau settings: the tier policy and the holiday calendar, validated and stored.

The stored policy replaces the built-in default (or CAREROUTE_POLICY_FILE) for the API once
it exists; each container reads it at most once per POLICY_TTL_SECONDS.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from careroute.adapters.dynamodb.settings_items import get_setting, put_setting
from careroute.domain.access import Caller
from careroute.domain.errors import ValidationError
from careroute.domain.policy import DEFAULT_POLICY_PATH, Policy, PolicyError, parse_policy
from careroute.messages.api import Holidays
from careroute.service_layer.container_cache import ContainerCache

POLICY_TTL_SECONDS = 60.0
LIMITS = {"cadence_days": 366, "lookahead_days": 366, "service_minutes": 480}
"""Upper bounds the TOML parser does not check but a stored policy must keep."""

_stored_policy: ContainerCache[Policy | None] = ContainerCache(POLICY_TTL_SECONDS)


def _bounded(policy: Policy) -> Policy:
    for tier, rules in policy.tiers.items():
        for key, most in LIMITS.items():
            value = getattr(rules, key)
            if value is not None and value > most:
                raise ValidationError(f"policy: tiers.{tier.value}.{key}: at most {most}")
        for i, rule in enumerate(rules.rules):
            if rule.min_age is not None and rule.min_age > 130:
                raise ValidationError(f"policy: tiers.{tier.value}.rules[{i}].min_age: at most 130")
    if not 0 <= policy.urgent_finding_t1_days <= 366:
        raise ValidationError("policy: urgent_finding_t1_days: between 0 and 366")
    if policy.circuity > 10 or any(speed > 100 for speed in policy.speed_kmh.values()):
        raise ValidationError("policy: travel: circuity at most 10, speeds at most 100 km/h")
    return policy


def checked_policy(document: dict[str, Any]) -> Policy:
    """The policy a document describes; ValidationError naming the key at fault."""
    try:
        return _bounded(parse_policy(document, "policy"))
    except PolicyError as exc:
        raise ValidationError(str(exc)) from exc


def policy_document(policy_file: str) -> dict[str, Any]:
    """The stored policy document, else the file's (or the built-in default's) as JSON."""
    stored = get_setting("policy")
    if isinstance(stored, dict):
        return stored
    return tomllib.loads(Path(policy_file or DEFAULT_POLICY_PATH).read_text("utf-8"))


def save_policy(who: Caller, document: dict[str, Any]) -> dict[str, Any]:
    checked_policy(document)
    put_setting("policy", document, who.subject)
    _stored_policy.forget()
    return document


def current_policy(fallback: Policy) -> Policy:
    """The bureau's stored policy (cached per container for a short while), else `fallback`."""
    return _stored_policy.get(_read_stored_policy) or fallback


def _read_stored_policy() -> Policy | None:
    stored = get_setting("policy")
    return checked_policy(stored) if isinstance(stored, dict) else None


def holidays() -> Holidays:
    stored = get_setting("holidays")
    return Holidays.model_validate(stored) if stored else Holidays(holidays=[])


def save_holidays(who: Caller, calendar: Holidays) -> Holidays:
    put_setting("holidays", calendar.model_dump(mode="json"), who.subject)
    return calendar
