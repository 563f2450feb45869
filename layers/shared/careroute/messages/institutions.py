"""What officials read of care institutions (GET /institutions): each institution's beds,
occupancy and star rating, and their sums per district. Validated with pydantic; no AWS."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from careroute.messages.base import Message


class InstitutionRow(Message):
    target_id: str
    name: str
    district_id: str
    street_id: str
    beds: int
    occupied_beds: int
    occupancy: float = Field(description="occupied_beds / beds (0 without beds)")
    stars: int = Field(description="1-5 from the latest inspection's scores; 0: not rated")
    score: int | None = Field(description="The latest inspection's weighted score, percent")
    rectifications: int = Field(description="Items the latest inspection left to put right")
    last_inspected: date | None
    next_due: date | None


class DistrictInstitutions(Message):
    district_id: str
    institutions: int
    beds: int
    occupied_beds: int
    occupancy: float = Field(description="occupied_beds / beds (0 without beds)")
    by_stars: list[int] = Field(
        description="Institutions per rating: [not rated, 1 star, 2, 3, 4, 5 stars]"
    )
    mean_stars: float | None = Field(description="Mean rating of the rated ones (None: none)")


class InstitutionReport(Message):
    scope: str
    as_of: date
    total: DistrictInstitutions
    districts: list[DistrictInstitutions]
    institutions: list[InstitutionRow]
