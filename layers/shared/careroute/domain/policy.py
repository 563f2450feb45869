"""Tier policy: which elders are visited how often, and how long a visit takes.

Loaded from a TOML file (`default_policy.toml` is built in); pure Python, no AWS.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from careroute.domain.holiday_duty import duty_dates
from careroute.domain.policy_sections import PolicyError as PolicyError
from careroute.domain.policy_sections import Section, Unparsed, plain_section
from careroute.domain.policy_tables import known_table
from careroute.domain.vocabulary import Category, Elder, Tier, TravelMode

if TYPE_CHECKING:
    from careroute.domain.assessment_instrument import Instrument
    from careroute.domain.beds import BedPolicy
    from careroute.domain.benefits import ApprovalRules
    from careroute.domain.contacts import ContactPolicy
    from careroute.domain.day_care import DayCarePolicy
    from careroute.domain.eligibility import Benefits
    from careroute.domain.holiday_duty import HolidayDuty
    from careroute.domain.incidents import UrgentPolicy
    from careroute.domain.inspections import InspectionPolicy
    from careroute.domain.meals import MealPolicy
    from careroute.domain.quota import HomeServicePolicy
    from careroute.domain.retries import RetryPolicy
    from careroute.domain.stays import StayPolicy
    from careroute.domain.ticket_duty import DutyRota
    from careroute.domain.tickets import TicketSla

DEFAULT_POLICY_PATH = Path(__file__).with_name("default_policy.toml")
DEFAULT_CAR_KMH = 25.0
"""A relief steward's car in town traffic, when a policy names no `travel.speed_kmh.car`."""


@dataclass(frozen=True)
class TierRule:
    all_of: frozenset[Category] = frozenset()
    any_of: frozenset[Category] = frozenset()
    min_age: int | None = None

    def matches(self, categories: frozenset[Category], age: int) -> bool:
        if not self.all_of <= categories:
            return False
        if self.any_of and not self.any_of & categories:
            return False
        return self.min_age is None or age >= self.min_age


@dataclass(frozen=True)
class TierPolicy:
    tier: Tier
    cadence_days: int | None
    """Most days between two completed visits; None: only the calendar-month rule applies."""
    service_minutes: int
    lookahead_days: int
    """Plan the visit at most this many working days before its deadline."""
    rules: tuple[TierRule, ...]
    retry_days: int = 0
    """Plan the visit at least this many working days before its deadline when the days
    allow, so a not-home or refusal can be tried again in time."""


def _tickets(kind: type[TicketSla], table: Any, where: str) -> TicketSla:
    """The optional `[tickets]` table: SLA hours per severity, each defaulted when absent."""
    default = kind()
    keys = ("urgent_hours", "high_hours", "normal_hours")
    table = known_table(table, keys, where)
    hours = {key: _optional(table, key, getattr(default, key), where) for key in keys}
    for key, value in hours.items():
        if value < 1:
            raise PolicyError(f"{where}.{key}: must be >= 1 hour")
    return kind(**hours)


@dataclass(frozen=True)
class Policy:
    tiers: dict[Tier, TierPolicy]
    monthly_visit_required: bool
    urgent_finding_t1_days: int
    circuity: float
    speed_kmh: dict[TravelMode, float]
    horizon_days: int = 14
    """The horizon planner looks this many days ahead (and always to the month's end)."""
    # The optional `[section]` tables, each parsed by its own module when first read
    # (policy_sections.py); an absent table is that module's defaults.
    tickets: Section[TicketSla] = Section("careroute.domain.tickets", "TicketSla", _tickets)
    """Follow-up ticket SLA per finding severity (optional `[tickets]` table)."""
    ticket_duty: Section[DutyRota] = Section("careroute.domain.ticket_duty", "parse_duty")
    """Who acts on a ticket its steward cannot reach in time (optional `[ticket_duty]`,
    ticket_duty.py)."""
    holiday_duty: Section[HolidayDuty] = Section(
        "careroute.domain.holiday_duty", "parse_holiday_duty"
    )
    """The tiers visited on duty days inside a long public-holiday closure (optional
    `[holiday_duty]`, holiday_duty.py)."""
    benefits: Section[Benefits] = Section("careroute.domain.eligibility", "parse_benefits")
    """Benefit rules the daily scan applies (optional `[benefits]` table, eligibility.py)."""
    inspections: Section[InspectionPolicy] = Section(
        "careroute.domain.inspections", "parse_inspection_policy"
    )
    """Inspection cadences and routing (optional `[inspections]` table, inspections.py)."""
    home_services: Section[HomeServicePolicy] = Section(
        "careroute.domain.quota", "parse_home_services"
    )
    """Free home-service minutes (optional `[home_services]` table, quota.py)."""
    urgent: Section[UrgentPolicy] = Section("careroute.domain.incidents", "parse_urgent_policy")
    """Urgent device events: severity and deadlines per type (optional `[urgent]`, incidents.py)."""
    retries: Section[RetryPolicy] = Section("careroute.domain.retries", "parse_retry_policy")
    """How a retry after a failed attempt is arranged (optional `[retries]`, retries.py)."""
    assessment: Section[Instrument] = Section(
        "careroute.domain.assessment_instrument", "parse_instrument"
    )
    """The needs-assessment instrument: dimensions, ability bands, care levels (optional
    `[assessment]`, assessment_instrument.py)."""
    benefit_approval: Section[ApprovalRules] = Section(
        "careroute.domain.benefits", "parse_approval"
    )
    """How benefit claims are decided: the approval time, the means test (optional
    `[benefit_approval]`, benefits.py)."""
    home_care_beds: Section[BedPolicy] = Section("careroute.domain.beds", "parse_bed_policy")
    """Who may have a home care bed and how often it is served (optional `[home_care_beds]`,
    beds.py)."""
    meals: Section[MealPolicy] = Section("careroute.domain.meals", "MealPolicy", plain_section)
    """Lunch bookings and the per-meal subsidy to canteens (optional `[meals]`, meals.py)."""
    day_care: Section[DayCarePolicy] = Section(
        "careroute.domain.day_care", "DayCarePolicy", plain_section
    )
    """Day-care places and respite beds per centre (optional `[day_care]`, day_care.py)."""
    contacts: Section[ContactPolicy] = Section(
        "careroute.domain.contacts", "ContactPolicy", plain_section
    )
    """Whether a phone or video contact covers the month (optional `[contacts]`, contacts.py)."""
    stays: Section[StayPolicy] = Section("careroute.domain.stays", "StayPolicy", plain_section)
    """Whether an elder in hospital is visited there (optional `[stays]`, stays.py)."""

    def check_sections(self) -> Policy:
        """Every section parsed now, so a bad table fails here (at load) and not at its first
        read; the policy itself."""
        for each in fields(self):
            if isinstance(each.default, Unparsed):
                getattr(self, each.name)
        return self

    def tier_of(self, elder: Elder, on: date) -> Tier:
        """The elder's risk tier on a date: an open urgent finding means T1, else first rule."""
        if elder.urgent_until is not None and on <= elder.urgent_until:
            return Tier.T1
        return self._tier_by_rules(elder.categories, elder.age_on(on))

    def _tier_by_rules(self, categories: frozenset[Category], age: int) -> Tier:
        """The first tier whose rules match (T3 if none). Remembered per policy instance, in
        its `__dict__` beside the parsed sections (not a field, so never compared or copied
        by `replace`): many elders share a category set and an age, and the planners ask for
        a tier hundreds of thousands of times a night."""
        known: dict[tuple[frozenset[Category], int], Tier]
        known = self.__dict__.setdefault("_tiers_by_rules", {})
        key = (categories, age)
        if key not in known:
            known[key] = next(
                (
                    tier
                    for tier in (Tier.T1, Tier.T2, Tier.T3)
                    if any(rule.matches(categories, age) for rule in self.tiers[tier].rules)
                ),
                Tier.T3,
            )
        return known[key]

    def duty_dates(
        self, days_off: frozenset[int], holidays: Iterable[date], workdays: Iterable[date] = ()
    ) -> frozenset[date]:
        """The holiday duty days of a steward with `days_off` (holiday_duty.py)."""
        cadences = {tier: rules.cadence_days for tier, rules in self.tiers.items()}
        return duty_dates(self.holiday_duty, cadences, days_off, holidays, workdays)

    def service_seconds(self, tier: Tier) -> int:
        return self.tiers[tier].service_minutes * 60


def _require(table: dict[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in table:
        raise PolicyError(f"{where}: missing key {key!r}")
    value = table[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise PolicyError(f"{where}.{key}: expected {kind.__name__}, got {value!r}")
    return value


def _optional(table: Any, key: str, default: int, where: str) -> int:
    if not isinstance(table, dict):
        raise PolicyError(f"{where}: expected a table")
    return int(_require(table, key, int, where)) if key in table else default


def _categories(values: Any, where: str) -> frozenset[Category]:
    if not isinstance(values, list):
        raise PolicyError(f"{where}: expected a list of categories")
    try:
        return frozenset(Category(v) for v in values)
    except ValueError as exc:
        known = ", ".join(c.value for c in Category)
        raise PolicyError(f"{where}: {exc}; known categories: {known}") from exc


def _rule(raw: Any, where: str) -> TierRule:
    if not isinstance(raw, dict):
        raise PolicyError(f"{where}: a rule must be a table")
    unknown = set(raw) - {"all_of", "any_of", "min_age"}
    if unknown:
        raise PolicyError(f"{where}: unknown keys {sorted(unknown)}")
    min_age = raw.get("min_age")
    if min_age is not None and (not isinstance(min_age, int) or min_age < 0):
        raise PolicyError(f"{where}.min_age: expected a non-negative integer")
    return TierRule(
        all_of=_categories(raw.get("all_of", []), f"{where}.all_of"),
        any_of=_categories(raw.get("any_of", []), f"{where}.any_of"),
        min_age=min_age,
    )


def parse_policy(
    raw: dict[str, Any], source: str = "policy", *, check_sections: bool = True
) -> Policy:
    """Build a Policy from parsed TOML, checking every key; errors name the key. With
    `check_sections=False` the optional sections are checked when first read instead."""
    tiers_raw = _require(raw, "tiers", dict, source)
    tiers: dict[Tier, TierPolicy] = {}
    for tier in Tier:
        where = f"{source}: tiers.{tier.value}"
        table = _require(tiers_raw, tier.value, dict, f"{source}: tiers")
        rules = _require(table, "rules", list, where)
        cadence = table.get("cadence_days")
        if cadence is not None:
            cadence = _require(table, "cadence_days", int, where)
        tier_policy = TierPolicy(
            tier=tier,
            cadence_days=cadence,
            service_minutes=_require(table, "service_minutes", int, where),
            lookahead_days=_require(table, "lookahead_days", int, where),
            rules=tuple(_rule(r, f"{where}.rules[{i}]") for i, r in enumerate(rules)),
            retry_days=_optional(table, "retry_days", 0, where),
        )
        if (cadence is not None and cadence < 1) or tier_policy.service_minutes < 1:
            raise PolicyError(f"{where}: cadence_days and service_minutes must be >= 1")
        if tier_policy.lookahead_days < 0:
            raise PolicyError(f"{where}: lookahead_days must be >= 0")
        if not 0 <= tier_policy.retry_days <= tier_policy.lookahead_days:
            raise PolicyError(f"{where}: retry_days must be between 0 and lookahead_days")
        tiers[tier] = tier_policy
    travel = _require(raw, "travel", dict, source)
    speeds = _require(travel, "speed_kmh", dict, f"{source}: travel")
    speed_kmh = {
        mode: _require(speeds, mode.value, float, f"{source}: travel.speed_kmh")
        if mode is not TravelMode.CAR or mode.value in speeds
        else DEFAULT_CAR_KMH
        for mode in TravelMode
    }
    if any(speed <= 0 for speed in speed_kmh.values()):
        raise PolicyError(f"{source}: travel.speed_kmh values must be positive")
    circuity = _require(travel, "circuity", float, f"{source}: travel")
    if circuity < 1.0:
        raise PolicyError(f"{source}: travel.circuity must be >= 1.0")
    monthly = _require(raw, "monthly_visit_required", bool, source)
    if not monthly and any(t.cadence_days is None for t in tiers.values()):
        raise PolicyError(
            f"{source}: a tier without cadence_days needs monthly_visit_required = true"
        )
    horizon_days = _optional(raw.get("horizon", {}), "days", 14, f"{source}: horizon")
    if not 1 <= horizon_days <= 62:
        raise PolicyError(f"{source}: horizon.days must be between 1 and 62")
    t1_days = _require(raw, "urgent_finding_t1_days", int, source)

    def unparsed(key: str) -> Unparsed:
        return Unparsed(raw.get(key, {}), f"{source}: {key}")

    policy = Policy(
        tiers=tiers,
        monthly_visit_required=monthly,
        urgent_finding_t1_days=t1_days,
        circuity=circuity,
        speed_kmh=speed_kmh,
        horizon_days=horizon_days,
        tickets=unparsed("tickets"),
        ticket_duty=unparsed("ticket_duty"),
        holiday_duty=unparsed("holiday_duty"),
        benefits=unparsed("benefits"),
        inspections=unparsed("inspections"),
        home_services=unparsed("home_services"),
        urgent=unparsed("urgent"),
        retries=unparsed("retries"),
        assessment=unparsed("assessment"),
        benefit_approval=unparsed("benefit_approval"),
        home_care_beds=unparsed("home_care_beds"),
        meals=unparsed("meals"),
        day_care=unparsed("day_care"),
        contacts=unparsed("contacts"),
        stays=unparsed("stays"),
    )
    return policy.check_sections() if check_sections else policy


def load_policy(path: str | Path | None = None) -> Policy:
    """Load the policy from `path`, or the built-in default when `path` is None or empty."""
    if not path:
        text = DEFAULT_POLICY_PATH.read_text("utf-8")
        source = "default_policy.toml"
    else:
        try:
            text = Path(path).read_text("utf-8")
        except OSError as exc:
            raise PolicyError(f"cannot read policy file {path}: {exc.strerror}") from exc
        source = str(path)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{source}: not valid TOML: {exc}") from exc
    # A named file is checked whole here, at the function's start; the built-in one is
    # checked by the tests, so its sections are parsed when first read (policy_sections.py).
    return parse_policy(raw, source, check_sections=bool(path))
