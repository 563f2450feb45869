"""devices.csv: the home devices that raise urgent events (care-bed smoke alarms and belts,
infrared monitors, one-key terminals, watches), each watching one elder, and each
community's call centre, which watches none (it names the elder with each event)."""

from __future__ import annotations

from careroute.adapters.data_csv.data_file import DataFile
from careroute.adapters.data_csv.known import Known
from careroute.adapters.registry_csv.rows import Row
from careroute.domain.devices import Device, DeviceKind


def _read(row: Row, known: Known) -> Device | None:
    device_id = row.text("device_id")
    kind = row.choice("kind", DeviceKind)
    community = known.community(row)
    elder_id = row.get("elder_id")
    if kind is DeviceKind.CALL_CENTRE:
        if elder_id:
            row.error("elder_id", "must be empty for a call centre (it serves the community)")
    elif kind is not None:
        known.elder(row, community.community_id if community else None)
    installed_on = row.day("installed_on")
    if not row.ok or kind is None or community is None or installed_on is None:
        return None
    return Device(device_id, kind, community.community_id, elder_id, installed_on)


DEVICES = DataFile(
    name="devices.csv",
    columns=("device_id", "kind", "community_id", "elder_id", "installed_on"),
    read=_read,
)
