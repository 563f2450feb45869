"""The numbers to call on a route stop: the elder's phone and the guardian's name and phone.

They are written into each stop when the route is written (the night's plan, a re-plan, an
urgent visit put in), from the registry as it is then, so the steward's morning read is the
route item alone. A number changed in the registry reaches the route at its next write.
Like the name and address, only the elder's own steward and the city admin see them; the
read drops them otherwise, and exports leave them out."""

from __future__ import annotations

from careroute.domain.vocabulary import Elder

CONTACT_STOP_FIELDS = ("phone", "guardian", "guardian_phone")
"""Whom the steward may call about the stop (None: the registry has none)."""


def stop_contacts(elder: Elder | None) -> dict[str, str | None]:
    """The stop's numbers to call, from the registry (None where it has none)."""
    if elder is None:
        return dict.fromkeys(CONTACT_STOP_FIELDS)
    return {
        "phone": elder.phone or None,
        "guardian": elder.guardian or None,
        "guardian_phone": elder.guardian_phone or None,
    }
