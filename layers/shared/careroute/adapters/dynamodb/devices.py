"""Devices table: one item per home device (or community call centre), keyed by device id.

The urgent-event handler reads one item per event to learn which elder a device watches and
what it may report; nothing else reads it on a request path.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from pynamodb.attributes import UnicodeAttribute

from careroute.adapters.dynamodb.errors import storage_errors
from careroute.adapters.dynamodb.tables import TableModel, get_item, write_all
from careroute.domain.devices import Device, DeviceKind


class DeviceModel(TableModel):
    device_id = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute()
    community_id = UnicodeAttribute()
    elder_id = UnicodeAttribute(null=True)
    """Absent for a call centre."""
    installed_on = UnicodeAttribute()


def _device(item: DeviceModel) -> Device:
    return Device(
        device_id=item.device_id,
        kind=DeviceKind(item.kind),
        community_id=item.community_id,
        elder_id=item.elder_id or "",
        installed_on=date.fromisoformat(item.installed_on),
    )


def _item(d: Device) -> DeviceModel:
    return DeviceModel(
        d.device_id,
        kind=d.kind.value,
        community_id=d.community_id,
        elder_id=d.elder_id or None,
        installed_on=d.installed_on.isoformat(),
    )


def save_devices(devices: Iterable[Device]) -> int:
    """Store (or replace) devices; the count written. Puts overwrite: a re-run converges."""
    return write_all(DeviceModel, map(_item, devices), "save devices")


def all_devices() -> list[Device]:
    """Every device, by id (an export of the data set; a scan)."""
    with storage_errors("list devices"):
        found = [_device(item) for item in DeviceModel.scan()]
    return sorted(found, key=lambda d: d.device_id)


def get_device(device_id: str) -> Device:
    missing = f"device {device_id} is not registered"
    return _device(get_item(DeviceModel, device_id, action="read a device", missing=missing))
