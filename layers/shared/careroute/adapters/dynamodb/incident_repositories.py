"""The urgent-event ports on DynamoDB: thin classes over the incidents and devices tables
(the use cases' ports are built in `order_repositories`, with the responders' day)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from careroute.adapters.dynamodb import devices, incidents
from careroute.domain.devices import Device
from careroute.domain.incidents import Incident


class DynamoIncidents:
    def open_in_slot(self, incident: Incident, replacing: str | None) -> bool:
        return incidents.open_in_slot(incident, replacing)

    def find_incident(self, incident_id: str) -> Incident | None:
        return incidents.find_incident(incident_id)

    def get_incident(self, incident_id: str) -> Incident:
        return incidents.get_incident(incident_id)

    def latest_of_elder(self, elder_id: str) -> Incident | None:
        return incidents.latest_of_elder(elder_id)

    def save_step(self, before: Incident, after: Incident) -> bool:
        return incidents.save_step(before, after)

    def of_responder(self, responder_id: str) -> Iterator[Incident]:
        return incidents.of_responder(responder_id)

    def of_month(self, month: str) -> Iterator[Incident]:
        return incidents.of_month(month)

    def unacknowledged(self) -> Iterator[Incident]:
        return incidents.unacknowledged()


class DynamoDevices:
    def save_devices(self, devices_: Iterable[Device]) -> int:
        return devices.save_devices(devices_)

    def get_device(self, device_id: str) -> Device:
        return devices.get_device(device_id)
