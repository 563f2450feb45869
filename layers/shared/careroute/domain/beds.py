"""Home care beds (家庭养老床位): a bed the city builds in an elder's home, with its
equipment, run by a home-service provider that visits it on a cadence.

Pure: no AWS. A bed moves through an explicit life

    applied -> built -> accepted -> closed
    applied | built -> closed                   (withdrawn before it was in service)

Only an accepted bed is in service: from its acceptance day its regular service visits are
due (bed_visits.py). Who may have one is the policy's `[home_care_beds]` rule: a care level
(semi-disabled or disabled by default) and a subsistence status (subsistence allowance,
extreme poverty support or low income by default). A bed's id is derived from the caller
and their Idempotency-Key, so a retried POST cannot record a second bed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Any

from careroute.domain.eligibility import CareLevel, care_level
from careroute.domain.policy_tables import check_ranges, enum_set, setting, settings_table
from careroute.domain.stable_ids import stable_id
from careroute.domain.vocabulary import Elder, GeoPoint, TimeWindow

HOME_HOURS = TimeWindow.parse("09:00", "16:30")
"""When a bed's service visit may happen unless the bed says otherwise."""


class BedStatus(StrEnum):
    APPLIED = "applied"
    """Recorded and eligible; the equipment is not installed yet."""
    BUILT = "built"
    """The equipment is installed; the civil-affairs acceptance check is pending."""
    ACCEPTED = "accepted"
    """Accepted: the bed is in service and its regular visits are due."""
    CLOSED = "closed"
    """Withdrawn, or the elder left care: no visit is due any more."""


class BedAction(StrEnum):
    BUILD = "build"
    ACCEPT = "accept"
    CLOSE = "close"


TRANSITIONS: dict[tuple[BedStatus, BedAction], BedStatus] = {
    (BedStatus.APPLIED, BedAction.BUILD): BedStatus.BUILT,
    (BedStatus.BUILT, BedAction.ACCEPT): BedStatus.ACCEPTED,
    **{
        (s, BedAction.CLOSE): BedStatus.CLOSED
        for s in (BedStatus.APPLIED, BedStatus.BUILT, BedStatus.ACCEPTED)
    },
}


class IllegalBedStep(ValueError):
    """The step is not allowed from the bed's status."""


class Subsistence(StrEnum):
    """The elder's means-tested status, as the street office certified it."""

    NONE = "none"
    LOW_INCOME = "low_income"
    """低收入家庭."""
    SUBSISTENCE_ALLOWANCE = "subsistence_allowance"
    """最低生活保障 (低保)."""
    EXTREME_POVERTY = "extreme_poverty"
    """特困供养."""


EQUIPMENT = frozenset(
    {
        "nursing_bed",
        "emergency_button",
        "fall_sensor",
        "bed_exit_sensor",
        "smoke_alarm",
        "door_sensor",
        "grab_bars",
    }
)
"""What a bed may be equipped with (the build records what was installed)."""


@dataclass(frozen=True)
class BedPolicy:
    """Who may have a bed and how often it is served (policy `[home_care_beds]`)."""

    care_levels: frozenset[CareLevel] = frozenset({CareLevel.SEMI_DISABLED, CareLevel.DISABLED})
    subsistence: frozenset[Subsistence] = frozenset(
        {
            Subsistence.LOW_INCOME,
            Subsistence.SUBSISTENCE_ALLOWANCE,
            Subsistence.EXTREME_POVERTY,
        }
    )
    cadence_days: int = setting(14, 1, 31)
    """At most this many days between two service visits; and one in every calendar month
    the bed is in service for from its first day."""
    service_minutes: int = setting(60, 1, 480)
    """How long a service visit takes (what the service-hour ledger counts)."""
    lookahead_days: int = 2
    """The bed horizon plans a visit at most this many days before its deadline (an optional
    stop, its drop penalty growing toward the deadline); on the deadline it is mandatory."""
    retry_days: int = 1
    """When the days allow, a visit is planned at least this many days before its deadline,
    so a worker who finds nobody home can come back in time (the horizon planner's retry
    margin); at most lookahead_days."""
    base_penalty: int = setting(1_800, 0, 1_000_000)
    speed_kmh: float = setting(20.0, above=0, high=120)
    """Providers' workers ride electric bikes (x travel.circuity)."""

    def __post_init__(self) -> None:
        if not self.care_levels or not self.subsistence:
            raise ValueError("care_levels and subsistence must each name at least one value")
        check_ranges(self)
        if not 0 <= self.lookahead_days <= self.cadence_days:
            raise ValueError("lookahead_days must be between 0 and cadence_days")
        if not 0 <= self.retry_days <= self.lookahead_days:
            raise ValueError("retry_days must be between 0 and lookahead_days")


def parse_bed_policy(table: Any, where: str) -> BedPolicy:
    """The optional `[home_care_beds]` table; ValueError naming the key at fault."""
    names = {"care_levels": enum_set(CareLevel), "subsistence": enum_set(Subsistence)}
    return settings_table(BedPolicy(), table, where, names)


@dataclass(frozen=True)
class HomeCareBed:
    bed_id: str
    elder_id: str
    community_id: str
    street_id: str
    district_id: str
    location: GeoPoint
    """The elder's home (from the registry; never logged)."""
    provider_id: str
    """The home-service provider that runs the bed and makes its visits."""
    subsistence: Subsistence
    care_level: CareLevel
    """The care level the bed was granted on."""
    applied_on: date
    equipment: frozenset[str] = frozenset()
    """What was installed (empty until built)."""
    status: BedStatus = BedStatus.APPLIED
    built_on: date | None = None
    accepted_on: date | None = None
    closed_on: date | None = None
    window: TimeWindow = HOME_HOURS
    version: int = 1

    def __post_init__(self) -> None:
        unknown = sorted(self.equipment - EQUIPMENT)
        if unknown:
            raise ValueError(f"equipment: unknown {unknown}; known: {sorted(EQUIPMENT)}")

    def in_service_on(self, day: date) -> bool:
        """Accepted on or before `day` and not closed by then."""
        if self.accepted_on is None or self.accepted_on > day:
            return False
        return self.closed_on is None or self.closed_on > day


def bed_id(subject: str, idempotency_key: str) -> str:
    """The id of the bed a caller records with an Idempotency-Key (same key, same id)."""
    return stable_id("hcb-", f"bed\n{subject}\n{idempotency_key}", 20)


def elder_care_level(elder: Elder) -> CareLevel | None:
    """The graded level if the elder was assessed, else the one the categories imply."""
    if elder.care_level is not None:
        return CareLevel(elder.care_level)
    return care_level(elder.categories)


def ineligibility(elder: Elder, subsistence: Subsistence, policy: BedPolicy) -> str | None:
    """Why the elder may not have a bed (None: eligible), in words an official can act on."""
    level = elder_care_level(elder)
    if level not in policy.care_levels:
        allowed = ", ".join(sorted(v.value for v in policy.care_levels))
        return f"care level {level.value if level else 'none'} is not one of {allowed}"
    if subsistence not in policy.subsistence:
        allowed = ", ".join(sorted(v.value for v in policy.subsistence))
        return f"subsistence status {subsistence.value} is not one of {allowed}"
    return None


def step(bed: HomeCareBed, action: BedAction, on: date, equipment: frozenset[str]) -> HomeCareBed:
    """The bed after `action` on `on` (`equipment`: what a build installed); IllegalBedStep
    for a step its status does not allow, ValueError for a build without equipment or a
    date before the bed's previous step."""
    status = TRANSITIONS.get((bed.status, action))
    if status is None:
        raise IllegalBedStep(f"cannot {action.value} a bed that is {bed.status.value}")
    previous = bed.accepted_on or bed.built_on or bed.applied_on
    if on < previous:
        raise ValueError(f"date: {on} is before the bed's last step ({previous})")
    after = replace(bed, status=status, version=bed.version + 1)
    if action is BedAction.BUILD:
        if not equipment:
            raise ValueError("equipment: a build names what was installed")
        return replace(after, built_on=on, equipment=equipment)
    if action is BedAction.ACCEPT:
        return replace(after, accepted_on=on)
    return replace(after, closed_on=on)
