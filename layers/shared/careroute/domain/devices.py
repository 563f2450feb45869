"""Home devices that raise urgent events, and what each kind may report.

What the seed cities install: home care beds (家庭养老床位) with a smoke alarm and a smart
monitoring belt for disabled elders (Fushun), infrared motion monitors and one-key call
terminals for elders living alone (Shenyang), smart watches (Yulin). The call centre is a
device too: one per community, it may report any event for any elder of its community.
The devices themselves are data (the devices table; careroute_synthetic.devices generates a
city's for the local stack). Pure: no AWS.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from careroute.domain.incidents import EventType


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
