"""The urgent-event ports on DynamoDB: thin classes over the incidents and devices tables
(the use cases' ports are built in `order_repositories`, with the responders' day)."""

from __future__ import annotations

from careroute.adapters.dynamodb import devices, incidents


class DynamoIncidents:
    open_in_slot = staticmethod(incidents.open_in_slot)
    find_incident = staticmethod(incidents.find_incident)
    get_incident = staticmethod(incidents.get_incident)
    latest_of_elder = staticmethod(incidents.latest_of_elder)
    save_step = staticmethod(incidents.save_step)
    of_responder = staticmethod(incidents.of_responder)
    of_month = staticmethod(incidents.of_month)
    unacknowledged = staticmethod(incidents.unacknowledged)


class DynamoDevices:
    save_devices = staticmethod(devices.save_devices)

    get_device = staticmethod(devices.get_device)
