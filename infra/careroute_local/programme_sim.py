"""The month simulation's programmes besides the visits: home care beds (bed_sim.py), lunch
booked by families, day care and respite booked by stewards, and the month's service-hour
ledger, each through its use cases on the memory adapters with either engine.

Each morning at 08:00 some families book tomorrow's lunch at the community canteen (the
synthetic share of elders who order lunch on a day, `careroute_synthetic.meals.order_share`;
70 % delivered, 11:00-12:30, else dine-in), and stewards book day care two days ahead for
some disabled or 80+ elders of a district with a day-care centre (now and then a respite
stay of 3-7 days; one booking in twenty is cancelled the next day). At the month's end the
report's `programmes` block holds each programme's month as an official reads it:
`GET /oversight/beds`, `/meals/subsidies`, `/oversight/day-care` and
`/oversight/service-hours` for the city (the ledger here has the beds' hours only: orders
run on the stack engine's home-service simulation).

They follow the engine's month too (`Run`, read after each day's visits): each elder's
registry status as the engine set it (an elder who died or moved has their home care bed
closed, `beds_left_care`), and each visit the steward recorded, on which the steward asks
for needs assessments (assessment_sim.py) and helps elders apply for the benefits they were
notified of (claim_sim.py); a needs assessment's grade goes back to the engine's registry,
which plans the elder at the tier the grade gives from the next night. Institutions' ratings
follow their inspections (rating_sim.py): the stack engine runs the inspections on the
stack; with the memory engine the programmes run them (inspection_sim.MemoryInspectionDays:
the same use cases on the memory adapters). `raw()` gives the records the figures are
recounted from (`careroute simulate --check`, programme_check.py).
"""

from __future__ import annotations

import hashlib
import random
import time
from collections import Counter
from datetime import date, datetime, timedelta
from itertools import islice
from typing import TYPE_CHECKING, Any

from careroute_synthetic.facilities import generate_facilities
from careroute_synthetic.meals import (
    AGE_80_ADDED,
    BASE_ORDER_SHARE,
    MEAL_SEED,
    ORDER_SHARE_ADDED,
    generate_canteens,
    order_share,
)

from careroute.adapters.memory_circle import MemoryFacilities
from careroute.adapters.memory_day_care import MemoryDayCare
from careroute.adapters.memory_meal_bookings import MemoryMealBookings
from careroute.adapters.memory_meals import MemoryCanteens, MemoryMealOrders
from careroute.adapters.memory_orders import MemoryDayPlans, MemoryOrders, MemoryQuota
from careroute.domain.access import Caller, Role
from careroute.domain.compliance import month_bounds
from careroute.domain.day_care import CareKind
from careroute.domain.errors import CareRouteError
from careroute.domain.meals import MealMode
from careroute.domain.policy import Policy
from careroute.domain.vocabulary import (
    CHINA_TZ,
    Category,
    Elder,
    ElderStatus,
    Outcome,
    Registry,
)
from careroute.planning.service_circle import FacilityKind
from careroute.service_layer.beds_left_care import close_bed_of_departed
from careroute.service_layer.day_care import (
    DayCareKeeping,
    PlaceRequest,
    book_place,
    cancel_place,
    day_care_figures,
)
from careroute.service_layer.meal_orders import (
    LunchBooking,
    LunchRequest,
    book_lunch,
    meal_subsidies,
)
from careroute.service_layer.ports import StatusChange
from careroute.service_layer.service_hours import HourKeeping, ledger_summary
from careroute_local.assessment_sim import AssessmentDays, RegistryPatch
from careroute_local.bed_sim import BedDays
from careroute_local.claim_sim import ClaimDays
from careroute_local.inspection_sim import MemoryInspectionDays
from careroute_local.rating_sim import InstitutionRatings
from careroute_local.sim_city import (
    CITY_ADMIN,
    SimMonth,
    memory_stewards,
    steward_of_community,
)

if TYPE_CHECKING:
    from careroute_local.simulation.config import SimulationConfig
    from careroute_local.simulation.state import Run

DELIVERY_SHARE = 0.7
DAY_CARE_SHARE = 0.02
"""Of the disabled or 80+ elders of a district with a centre, the share booked each day."""
RESPITE_SHARE = 0.1
"""Of those bookings, the share that are respite stays."""
CANCEL_SHARE = 0.05
MOST_ORDER_SHARE = BASE_ORDER_SHARE + sum(ORDER_SHARE_ADDED.values()) + AGE_80_ADDED
"""No elder's `order_share` is above this (the same sum over every addition): a draw at or
above it books no lunch, whoever the elder (~70 % of the diners' draws), so the elder's own
share is not worked out for it."""

Visited = tuple[Elder, str, datetime]
"""A visit of the day at which the steward met the elder: the elder, the visit id, when."""


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, datetime.min.time(), CHINA_TZ) + timedelta(hours=hour)


class ProgrammeDays:
    """Beds, lunches, day care, assessments and benefit claims through a simulated month, on
    the memory adapters; `run` (the engine's month, if any) gives the registry's status
    changes and the stewards' visits."""

    def __init__(
        self,
        month: SimMonth,
        run: Run | None = None,
        last: date | None = None,
        inspected: bool = False,
        memory_inspections: bool = False,
    ):
        """`inspected`: the engine runs the month's inspections (the stack engine);
        `memory_inspections`: the programmes run them on the memory adapters instead."""
        city, first = month.city, month.first
        self.policy, self.seed, self.run, self.first = month.policy, month.seed, run, first
        self.last = last or month_bounds(first.strftime("%Y-%m"))[1]
        self.beds = BedDays(month)
        ports = self.beds.ports
        self.community_of = {e.elder_id: e.community_id for e in city.elders}
        self.statuses = {e.elder_id: e.status for e in city.elders}
        """Each elder's status in the programmes' registry (what the engine set last)."""
        self.seen_visits = 0
        """How many of the engine's recorded visits were read already."""
        elders, stewards = self.beds.elders, memory_stewards(city)  # one copy for every programme
        self.assessments = AssessmentDays(month, elders, stewards)
        self.claims = ClaimDays(month, elders, stewards)
        self.inspections = MemoryInspectionDays(month) if memory_inspections else None
        self.ratings = InstitutionRatings(
            month, inspected or memory_inspections,
            self.inspections.ports if self.inspections else None,
        )  # fmt: skip
        communities = sorted(city.communities, key=lambda c: c.community_id)
        canteens = MemoryCanteens()
        sites = generate_canteens(communities, MEAL_SEED)
        canteens.replace_canteens(sites)
        facilities = MemoryFacilities()
        facilities.replace_facilities(generate_facilities(communities, MEAL_SEED, sites))
        self.stewards = steward_of_community(city)
        self.lunch = LunchBooking(
            MemoryMealBookings(MemoryMealOrders()),
            canteens, ports.elders, stewards, ports.scopes,
        )  # fmt: skip
        self.care = DayCareKeeping(
            MemoryDayCare(), facilities, ports.elders, stewards, ports.scopes
        )
        quota, plans = MemoryQuota(), MemoryDayPlans()
        self.hours = HourKeeping(MemoryOrders(quota, plans), ports.visits, ports.communities,
                                 ports.scopes)  # fmt: skip
        served = {c for canteen in sites for c in canteen.community_ids}
        active = [e for e in city.elders if e.status is ElderStatus.ACTIVE]
        self.diners = [e for e in active if e.community_id in served]
        centres: dict[str, list[str]] = {}
        for f in facilities.all_facilities():
            if f.kind is FacilityKind.DAY_CARE:
                centres.setdefault(f.district_id, []).append(f.facility_id)
        self.centres = centres
        self.frail = [e for e in active if e.district_id in centres and _frail(e, first)]
        self.counts: Counter[str] = Counter()
        self.to_cancel: list[tuple[str, str, str]] = []
        self.seconds = 0.0

    @classmethod
    def of(
        cls, config: SimulationConfig, city: Registry, policy: Policy, run: Run | None = None
    ) -> ProgrammeDays | NotSimulated:
        """The run's programmes, or none with `--visits-only` (as the stack's other parts)."""
        if config.visits_only:
            return NotSimulated()
        stack = config.engine == "stack"  # the stack engine runs the inspections itself
        month = SimMonth(city, policy, config.seed, config.city_seed, config.first)
        return cls(month, run, config.last, inspected=stack, memory_inspections=not stack)

    def day(self, day: date, registry: RegistryPatch | None = None) -> None:
        """The programmes' day, after the engine's; `registry` changes an elder's categories
        in the engine's registry (a grade's, so the engine plans the elder at the new tier)."""
        visits = self.engine_part(day, registry)
        self.plan_assessments(day, visits)
        self.rest_of_day(day, visits)

    def engine_part(self, day: date, registry: RegistryPatch | None) -> list[Visited]:
        """The part of the day the engine's next day waits for: up to the assessors' walks,
        whose grades go to the engine's registry; the day's visits, for `rest_of_day`."""
        self.ahead(day)
        started = time.perf_counter()
        self._follow_registry(day)
        visits = self._visits_of_the_day()
        self.assessments.walks(day, registry)
        self.seconds += time.perf_counter() - started
        return visits

    def plan_assessments(self, day: date, visits: list[Visited]) -> None:
        """The stewards' assessment requests of the day and tomorrow's assessment plan,
        after which `grades_on(tomorrow)` is known."""
        started = time.perf_counter()
        self.assessments.after_walks(day, [elder for elder, _, _ in visits])
        self.seconds += time.perf_counter() - started

    def grades_on(self, day: date) -> bool:
        """Whether the assessors' walks of `day` may change the engine's registry: not when
        the day's assessment plan (made the evening before) has no stop, as on weekends."""
        return self.assessments.stops_on.get(day, 1) > 0

    def rest_of_day(self, day: date, visits: list[Visited]) -> None:
        """The part of the day nothing of the engine reads: claims, lunches, day care and
        inspections (simulation/programme_process.py runs it beside the engine's next day)."""
        started = time.perf_counter()
        self.claims.day(day, visits, last=day == self.last)
        self._lunches(day)
        self._day_care(day)
        if self.inspections is not None:
            self.inspections.day(day)
        self.seconds += time.perf_counter() - started

    def ahead(self, day: date) -> None:
        """The part of `day` that reads nothing of the engine's day, so it can run before
        the engine's day is over: the home care beds' day (planned and walked on the
        programmes' registry as the day before left it). Once a day, whoever asks first."""
        if self.beds.last_day >= day:
            return
        started = time.perf_counter()
        self.beds.day(day)
        self.seconds += time.perf_counter() - started

    def _follow_registry(self, day: date) -> None:
        """Each status the engine set today (the registry's PATCH after a visit) also in the
        programmes' copy of the registry, that evening; an elder who died or moved has their
        home care bed closed."""
        if self.run is None:
            return
        elders, when = self.beds.elders, _at(day, 20)
        for state in self.run.elders.values():
            known = self.statuses[state.elder_id]
            if known is state.status:
                continue
            change = StatusChange(state.community_id, state.elder_id, known, state.status, when)
            if elders.change_status(change):
                self.counts[f"registry_became_{state.status.value}"] += 1
            self.statuses[state.elder_id] = state.status
            if close_bed_of_departed(state.elder_id, state.status, when, self.beds.beds):
                self.counts["beds_closed_elder_left_care"] += 1

    def _visits_of_the_day(self) -> list[Visited]:
        """The visits the engine recorded since the last call, at which the steward met the
        elder: (the elder as the programmes' registry has them, visit id, when)."""
        if self.run is None:
            return []
        # islice, not a slice of a list of every item: that list (the month's visits, half a
        # million by its end) set off the collector over the whole process every day.
        recorded = list(islice(self.run.recorded.items(), self.seen_visits, None))
        self.seen_visits += len(recorded)
        met = []
        for visit_id, visit in recorded:
            if visit["outcome"] != Outcome.VISITED.value:
                continue
            community_id = self.community_of[visit["elder_id"]]
            elder = self.beds.ports.elders.get_elder(community_id, visit["elder_id"])
            met.append((elder, visit_id, datetime.fromisoformat(visit["visited_at"])))
        return met

    def _lunches(self, day: date) -> None:
        rules, on = self.policy.meals, day.isoformat()
        for elder in self.diners:
            drawn = _drawn(f"{self.seed}/lunch/{elder.elder_id}/{on}")
            if drawn >= MOST_ORDER_SHARE or drawn >= order_share(elder, day):
                continue
            delivered = _chance(self.seed, "lunch-mode", elder.elder_id, day) < DELIVERY_SHARE
            mode = MealMode.DELIVERY if delivered else MealMode.DINE_IN
            window = ("11:00", "12:30") if delivered else (None, None)
            request = LunchRequest(elder.elder_id, elder.community_id, day + timedelta(days=1),
                                   mode, 1, *window)  # fmt: skip
            family = Caller(f"sim-family-{elder.elder_id}", Role.FAMILY, elder.elder_id)
            try:
                book_lunch(family, request, _at(day, 8), rules, self.lunch)
                self.counts[f"lunches_booked_{mode.value}"] += 1
            except CareRouteError as exc:
                self.counts[f"lunches_refused_{exc.code}"] += 1

    def _day_care(self, day: date) -> None:
        rules = self.policy.day_care
        for centre_id, subject, booking_id in self.to_cancel:
            cancel_place(Caller(subject, Role.STEWARD, ""), centre_id, booking_id,
                         _at(day, 9), self.care)  # fmt: skip
            self.counts["day_care_cancelled"] += 1
        self.to_cancel = []
        on = day.isoformat()
        for elder in self.frail:
            if _drawn(f"{self.seed}/day-care/{elder.elder_id}/{on}") >= DAY_CARE_SHARE:
                continue
            rng = random.Random(f"{self.seed}/day-care/{elder.elder_id}/{day}")
            respite = rng.random() < RESPITE_SHARE
            kind = CareKind.RESPITE if respite else CareKind.DAY_CARE
            first = day + timedelta(days=2)
            last = first + timedelta(days=rng.randint(2, 6) if respite else 0)
            centre = rng.choice(self.centres[elder.district_id])
            steward_id = self.stewards[elder.community_id]
            steward = Caller(f"sim-steward-{steward_id}", Role.STEWARD, steward_id)
            request = PlaceRequest(elder.elder_id, elder.community_id, centre, kind, first, last)
            try:
                booking, _ = book_place(steward, request, f"sim-{elder.elder_id}-{day}",
                                        _at(day, 15), rules, self.care)  # fmt: skip
            except CareRouteError as exc:
                self.counts[f"day_care_refused_{exc.code}"] += 1
                continue
            self.counts[f"day_care_booked_{kind.value}"] += 1
            if rng.random() < CANCEL_SHARE:
                self.to_cancel.append((centre, steward.subject, booking.booking_id))

    def figures(self, month: str) -> dict[str, Any]:
        """Each programme's month as an official reads it, and what the simulation did."""
        meals = meal_subsidies(CITY_ADMIN, "city", month, self.lunch)
        meals["by_canteen"] = len(meals["by_canteen"])
        care = day_care_figures(CITY_ADMIN, "city", month, self.policy.day_care, self.care)
        care["by_centre"] = len(care["by_centre"])
        after = self.beds.last_day + timedelta(days=1)
        return {
            "home_care_beds": self.beds.figures(month),
            "meals": meals,
            "day_care": care,
            "service_hours": ledger_summary(CITY_ADMIN, "city", month, self.hours),
            "assessments": self.assessments.figures(after),
            "benefit_claims": self.claims.figures(month, _at(self.beds.last_day, 23)),
            "institution_ratings": self.ratings.figures(month, after),
            **(
                {"inspections": self.inspections.totals(month, after)}
                if self.inspections is not None
                else {}
            ),
            "simulated": dict(sorted(self.counts.items())),
            "wall_seconds": round(self.seconds, 1),
        }

    def raw(self) -> dict[str, Any]:
        """The records the month's bed, meal, day-care, assessment, claim and rating figures
        are recounted from."""
        return {
            "home_care_beds": self.beds.raw(f"{self.last:%Y-%m}"),
            "meal_bookings": self._meal_rows(),
            "day_care_bookings": self._day_care_rows(),
            "assessments": self.assessments.results,
            "benefit_claims": self.claims.raw(),
            "institutions": self.ratings.rows,
        }

    def _meal_rows(self) -> list[dict[str, Any]]:
        """Every lunch booked for the month (ids, mode, meals and the subsidy per meal)."""
        first, last = month_bounds(f"{self.last:%Y-%m}")
        return [
            {"canteen_id": b.canteen_id, "elder_id": b.elder_id, "day": b.day.isoformat(),
             "mode": b.mode.value, "meals": b.meals, "subsidy_per_meal": b.subsidy_per_meal}
            for canteen in self.lunch.canteens.all_canteens()
            for b in self.lunch.bookings.bookings_of(canteen.canteen_id, first, last)
        ]  # fmt: skip

    def _day_care_rows(self) -> list[dict[str, Any]]:
        """Every day-care booking touching the month (ids, kind, days and status)."""
        first, last = month_bounds(f"{self.last:%Y-%m}")
        return [
            {"booking_id": b.booking_id, "centre_id": b.centre_id, "elder_id": b.elder_id,
             "kind": b.kind.value, "first_day": b.first_day.isoformat(),
             "last_day": b.last_day.isoformat(), "status": b.status.value}
            for centres in self.centres.values()
            for centre in sorted(centres)
            for b in self.care.bookings.bookings_of(centre, first, last)
        ]  # fmt: skip


def _chance(seed: int, *what: object) -> float:
    """One uniform draw in [0, 1) for one decision, from a hash of what it is for: the same
    decision always draws the same, like a generator seeded with it, at a tenth of the cost
    (seeding `random.Random` with a string takes ~5 us, for every diner every day)."""
    return _drawn("/".join(str(part) for part in (seed, *what)))


def _drawn(key: str) -> float:
    """`_chance` of the parts `key` joins with "/" (the loops over every diner or frail elder
    each day build the key at once: a third of the cost of joining the parts)."""
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    return (int.from_bytes(digest, "big") >> 11) / 2**53


def _frail(elder: Elder, on: date) -> bool:
    disabled = {Category.DISABLED, Category.SEVERELY_HANDICAPPED} & elder.categories
    return bool(disabled) or elder.age_on(on) >= 80


class NotSimulated:
    """`--visits-only`: no programme is run; the report says so."""

    def day(self, day: date, registry: RegistryPatch | None = None) -> None:
        """Nothing to do."""

    def figures(self, month: str) -> dict[str, Any]:
        return {"simulated": False, "why": "--visits-only"}

    def raw(self) -> dict[str, Any]:
        return {}
