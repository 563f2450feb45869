"""Bureau settings: the tier policy and the holiday calendar, validated and stored.

The stored policy replaces the built-in default (or CAREROUTE_POLICY_FILE) once it exists;
each container reads it through one PolicyInForce, at most once per POLICY_TTL_SECONDS.
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any

from careroute.domain.access import Caller
from careroute.domain.errors import ValidationError
from careroute.domain.policy import DEFAULT_POLICY_PATH, Policy, PolicyError, parse_policy
from careroute.messages.holidays import Holiday, HolidayCalendarAnswer, Holidays
from careroute.service_layer.container_cache import ContainerCache
from careroute.service_layer.ports import HolidayCalendar, PolicyStore

POLICY_TTL_SECONDS = 60.0
LIMITS = {"cadence_days": 366, "lookahead_days": 366, "service_minutes": 480}
"""Upper bounds the TOML parser does not check but a stored policy must keep."""


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


class PolicyInForce:
    """The bureau's stored policy over a fallback (the policy file), read from `store` at
    most once per `ttl_seconds`. One per container: a save through it is seen at once, a
    save in another container within the TTL."""

    def __init__(self, store: PolicyStore, ttl_seconds: float = POLICY_TTL_SECONDS) -> None:
        self.store = store
        self._stored: ContainerCache[Policy | None] = ContainerCache(ttl_seconds)

    def over(self, fallback: Policy) -> Policy:
        """The bureau's stored policy, else `fallback`."""
        return self._stored.get(self._read) or fallback

    def forget(self) -> None:
        """Read the store again next time (it was just written)."""
        self._stored.forget()

    def _read(self) -> Policy | None:
        stored = self.store.stored_policy()
        return checked_policy(stored) if stored is not None else None


def policy_document(policy_file: str, store: PolicyStore) -> dict[str, Any]:
    """The stored policy document, else the file's (or the built-in default's) as JSON."""
    stored = store.stored_policy()
    if stored is not None:
        return stored
    return tomllib.loads(Path(policy_file or DEFAULT_POLICY_PATH).read_text("utf-8"))


def save_policy(who: Caller, document: dict[str, Any], policies: PolicyInForce) -> dict[str, Any]:
    """Check the document (ValidationError naming the key at fault), then store it as the
    policy in force."""
    checked_policy(document)
    policies.store.save_policy(document, who.subject)
    policies.forget()
    return document


def holidays(calendar: HolidayCalendar) -> Holidays:
    """The bureau's holidays and make-up working days as stored."""
    return Holidays(holidays=_listed(calendar.holidays()), workdays=_listed(calendar.workdays()))


def holidays_answer(calendar: HolidayCalendar, warnings: list[str]) -> HolidayCalendarAnswer:
    """The bureau's calendar as `GET /holidays` shows it, with the warnings of the years near
    today that have no calendar at all."""
    stored = holidays(calendar)
    return HolidayCalendarAnswer(
        holidays=stored.holidays, workdays=stored.workdays, warnings=warnings
    )


def save_holidays(who: Caller, given: Holidays, calendar: HolidayCalendar) -> Holidays:
    """Replace the calendar (its dates are unique: the Holidays model checks)."""
    calendar.save_holidays(
        {h.date: h.name for h in given.holidays},
        who.subject,
        {h.date: h.name for h in given.workdays},
    )
    return given


def _listed(days: dict[date, str]) -> list[Holiday]:
    return [Holiday(date=day, name=name) for day, name in days.items()]
