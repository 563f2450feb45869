"""The urgent-event ports in memory: incidents (each elder's latest in a merge slot) and the
registered devices, with the same behaviour as the DynamoDB adapters
(`tests/contract/test_incident_ports.py` runs the same tests against both)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace

from careroute.adapters.memory_store import get_stored, put_all
from careroute.domain.devices import Device
from careroute.domain.incidents import UNACKNOWLEDGED, Incident


class MemoryIncidents:
    def __init__(self) -> None:
        self._by_id: dict[str, Incident] = {}
        self._slots: dict[str, str] = {}
        """Each elder's latest incident id (the merge slot)."""

    def open_in_slot(self, incident: Incident, replacing: str | None) -> bool:
        if self._slots.get(incident.elder_id) != replacing or incident.incident_id in self._by_id:
            return False
        self._slots[incident.elder_id] = incident.incident_id
        self._by_id[incident.incident_id] = incident
        return True

    def find_incident(self, incident_id: str) -> Incident | None:
        return self._by_id.get(incident_id)

    def get_incident(self, incident_id: str) -> Incident:
        return get_stored(self._by_id, incident_id, f"incident {incident_id} not found")

    def latest_of_elder(self, elder_id: str) -> Incident | None:
        slot = self._slots.get(elder_id)
        return self._by_id.get(slot) if slot else None

    def save_step(self, before: Incident, after: Incident) -> bool:
        stored = self._by_id.get(before.incident_id)
        if stored is None or stored.version != before.version:
            return False
        self._by_id[before.incident_id] = replace(after, version=before.version + 1)
        return True

    def of_responder(self, responder_id: str) -> Iterator[Incident]:
        found = [i for i in self._by_id.values() if i.responder_id == responder_id]
        return iter(sorted(found, key=lambda i: i.opened_at, reverse=True))

    def of_month(self, month: str) -> Iterator[Incident]:
        found = [i for i in self._by_id.values() if i.month == month]
        return iter(sorted(found, key=lambda i: i.opened_at))

    def unacknowledged(self) -> Iterator[Incident]:
        found = [i for i in self._by_id.values() if i.status in UNACKNOWLEDGED]
        return iter(sorted(found, key=lambda i: i.ack_due_at))


class MemoryDevices:
    def __init__(self) -> None:
        self._by_id: dict[str, Device] = {}

    def save_devices(self, devices: Iterable[Device]) -> int:
        return put_all(self._by_id, devices, lambda d: d.device_id)

    def get_device(self, device_id: str) -> Device:
        return get_stored(self._by_id, device_id, f"device {device_id} is not registered")
