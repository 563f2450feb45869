"""Home devices that raise urgent events, and a deterministic synthetic set for the city.

What the seed cities install: home care beds (家庭养老床位) with a smoke alarm and a smart
monitoring belt for disabled elders (Fushun), infrared motion monitors and one-key call
terminals for elders living alone (Shenyang), smart watches (Yulin). The call centre is a
device too: one per community, it may report any event for any elder of its community.
Pure: no AWS.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from careroute.domain.incidents import EventType
from careroute.domain.vocabulary import Category, ElderStatus, Registry


class DeviceKind(StrEnum):
    SMOKE_ALARM = "smoke_alarm"
    MONITORING_BELT = "monitoring_belt"
    INFRARED_MONITOR = "infrared_monitor"
    ONE_KEY_TERMINAL = "one_key_terminal"
    SMART_WATCH = "smart_watch"
    CALL_CENTRE = "call_centre"


REPORTS: dict[DeviceKind, frozenset[EventType]] = {
    DeviceKind.SMOKE_ALARM: frozenset({EventType.SMOKE_ALARM, EventType.DEVICE_OFFLINE}),
    DeviceKind.MONITORING_BELT: frozenset(
        {EventType.FALL_DETECTED, EventType.NO_MOVEMENT, EventType.DEVICE_OFFLINE}
    ),
    DeviceKind.INFRARED_MONITOR: frozenset({EventType.NO_MOVEMENT, EventType.DEVICE_OFFLINE}),
    DeviceKind.ONE_KEY_TERMINAL: frozenset({EventType.ONE_KEY_CALL, EventType.DEVICE_OFFLINE}),
    DeviceKind.SMART_WATCH: frozenset(
        {EventType.FALL_DETECTED, EventType.ONE_KEY_CALL, EventType.DEVICE_OFFLINE}
    ),
    DeviceKind.CALL_CENTRE: frozenset(EventType),
}
"""The event types each kind of device can report; anything else is rejected."""

WATCH_SHARE = 0.15
"""Share of other elders (not on a care bed, not living alone) given a smart watch."""


@dataclass(frozen=True)
class Device:
    device_id: str
    kind: DeviceKind
    community_id: str
    elder_id: str
    """The elder the device watches; "" for a community's call centre (names it per event)."""
    installed_on: date

    def reports(self, event_type: EventType) -> bool:
        return event_type in REPORTS[self.kind]


def call_centre_id(community_id: str) -> str:
    return f"CC-{community_id}"


def generate_devices(city: Registry, seed: int, installed_on: date) -> list[Device]:
    """Devices for a synthetic city, the same for the same arguments: care-bed kits for
    disabled or severely handicapped elders, infrared monitor and one-key terminal for those
    living alone, a watch for some others, and a call centre per community."""
    rng = random.Random(seed)
    devices = [
        Device(
            call_centre_id(c.community_id), DeviceKind.CALL_CENTRE, c.community_id, "", installed_on
        )
        for c in city.communities
    ]
    for elder in city.elders:
        if elder.status is not ElderStatus.ACTIVE:
            continue
        kinds: list[DeviceKind] = []
        if elder.categories & {Category.DISABLED, Category.SEVERELY_HANDICAPPED}:
            kinds += [DeviceKind.SMOKE_ALARM, DeviceKind.MONITORING_BELT]
        if Category.LIVING_ALONE in elder.categories:
            kinds += [DeviceKind.INFRARED_MONITOR, DeviceKind.ONE_KEY_TERMINAL]
        if not kinds and rng.random() < WATCH_SHARE:
            kinds.append(DeviceKind.SMART_WATCH)
        for n, kind in enumerate(kinds, start=1):
            devices.append(
                Device(
                    f"DV-{elder.elder_id}-{n}",
                    kind,
                    elder.community_id,
                    elder.elder_id,
                    installed_on,
                )
            )
    return devices
