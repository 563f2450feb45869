"""Visits in hospital (住院探视): an elder found gone to hospital is visited there.

A steward who finds an elder gone to hospital records where (the outcome's `stay`); while the
elder is in hospital, the month's visit is planned at the hospital instead of the home, so a
stay in the month's second half does not leave the elder unvisited for the month. Whether
stewards go to hospitals is the city's choice, the policy's optional `[stays]` table.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StayPolicy:
    visit_in_hospital: bool = True
    """Plan the month's visit where an elder in hospital is staying, when the steward
    recorded where (default: yes); with false the elder waits to be home again."""
