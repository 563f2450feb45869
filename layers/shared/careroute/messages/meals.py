"""Shapes of what crosses meal delivery's edges: the per-canteen plan job on SQS (a canteen as
flat fields, built from and back to the planner's `Canteen`), and a lunch booked over the API.
Validated with pydantic; errors name the field. No AWS imports."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import ConfigDict, Field, model_validator

from careroute.domain.meals import MealMode
from careroute.domain.vocabulary import GeoPoint
from careroute.messages.base import Message
from careroute.messages.elder_body import ElderBody
from careroute.messages.visits import CLOCK_PATTERN, Id

if TYPE_CHECKING:  # the meal planner (and the routers) only where a plan is made
    from careroute.planning.meals import Canteen


class MealPlanJob(Message):
    """One SQS message: route one canteen's lunch deliveries for one date."""

    model_config = ConfigDict(extra="forbid")

    canteen_id: Id
    district_id: Id
    street_id: Id
    lat: float = Field(ge=-90, le=90)
    lng: float = Field(ge=-180, le=180)
    community_ids: list[str] = Field(min_length=1, max_length=200)
    vehicles: int = Field(ge=1, le=100)
    vehicle_capacity: int = Field(ge=1, le=500)
    speed_kmh: float = Field(gt=0, le=120)
    plan_date: date
    run_id: str = Field(min_length=1, max_length=64)

    @model_validator(mode="before")
    @classmethod
    def _without_legacy_seed(cls, data: Any) -> Any:
        """Jobs sent while orders were generated carried the generator's whole-number seed:
        one still queued when this version is deployed is planned, not dead-lettered (the
        seed is unused). Any other unknown field is refused."""
        if isinstance(data, dict) and type(data.get("seed")) is int:
            return {key: value for key, value in data.items() if key != "seed"}
        return data

    @classmethod
    def of(cls, canteen: Canteen, plan_date: date, run_id: str) -> MealPlanJob:
        """The canteen's own fields, its location split into `lat` and `lng`."""
        fields = {name: value for name, value in vars(canteen).items() if name != "location"}
        located = {"lat": canteen.location.lat, "lng": canteen.location.lng}
        return cls.model_validate({**fields, **located, "plan_date": plan_date, "run_id": run_id})

    def canteen(self) -> Canteen:
        from careroute.planning.meals import Canteen

        fields = self.model_dump(exclude={"lat", "lng", "plan_date", "run_id"})
        fields["community_ids"] = tuple(self.community_ids)
        return Canteen(**fields, location=GeoPoint(self.lat, self.lng))


class LunchBody(ElderBody):
    """POST /meals/bookings: an elder's lunch at the community canteen, dine-in or delivered."""

    day: date
    mode: MealMode
    meals: int = Field(default=1, ge=1, le=10)
    window_start: str | None = Field(
        default=None, pattern=CLOCK_PATTERN, description="HH:MM local time (deliveries only)"
    )
    window_end: str | None = Field(
        default=None, pattern=CLOCK_PATTERN, description="HH:MM local time (deliveries only)"
    )
