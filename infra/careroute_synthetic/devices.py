"""Synthetic home devices for a city: care-bed kits, monitors and terminals for the elders
who qualify, watches for some others, and a call centre per community.

Pure: same city, seed and date, same devices.
"""

from __future__ import annotations

import random
from datetime import date

from careroute.domain.devices import Device, DeviceKind, call_centre_id
from careroute.domain.vocabulary import Category, ElderStatus, Registry, residential

WATCH_SHARE = 0.15
"""Share of other elders (not on a care bed, not living alone) given a smart watch."""


def generate_devices(city: Registry, seed: int, installed_on: date) -> list[Device]:
    """Devices for a synthetic city, the same for the same arguments: care-bed kits for
    disabled or severely handicapped elders, infrared monitor and one-key terminal for those
    living alone, a watch for some others, and a call centre per community."""
    rng = random.Random(seed)
    devices = [
        Device(
            call_centre_id(c.community_id), DeviceKind.CALL_CENTRE, c.community_id, "", installed_on
        )
        for c in residential(city.communities)
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
