"""Synthetic inspection targets and inspectors for the synthetic city, deterministic by seed.

At full scale (1,153 communities): ~200 care institutions, ~4,500 home care beds and ~3,000
home adaptation jobs a year, each placed near a community of its district, in proportion to
the district's communities; 2-4 inspectors per district (at least one qualified for
institutions), based at the district's centre.

Each district draws from its own random stream (seeded by seed and district id), so the
targets of a subset of districts are exactly that part of the full city's. As of `as_of`:
institutions were last inspected within their cadence (a few are a little overdue), home
care beds likewise; adaptation jobs complete over the year around `as_of` (earlier ones
were accepted, later ones wait for completion).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from careroute.domain.inspections import (
    CHECKLIST,
    INSTITUTION_SKILL,
    InspectionPolicy,
    InspectionTarget,
    InspectionWorld,
    Inspector,
    ItemScore,
    TargetKind,
)
from careroute.domain.vocabulary import Community, TimeWindow, residential
from careroute_synthetic.city import city_share
from careroute_synthetic.places import by_district, centre_of, point_near

INSTITUTIONS = 200
HOME_CARE_BEDS = 4500
ADAPTATIONS_PER_YEAR = 3000
OVERDUE_SHARE = 0.005
"""Targets a few days past due on `as_of` (late inspections happen)."""
ADAPTATION_DAYS_BEFORE = 330
ADAPTATION_DAYS_AFTER = 35
"""Adaptation completions fall in [as_of - 330, as_of + 35] (a year's worth)."""
DEVICES = ("fall_sensor", "emergency_button", "smoke_alarm", "door_sensor", "bed_exit_sensor")
OFFICE_HOURS = TimeWindow.parse("08:30", "17:00")
HOME_HOURS = (
    TimeWindow.parse("09:00", "16:30"),
    TimeWindow.parse("09:00", "11:30"),
    TimeWindow.parse("14:00", "16:30"),
)
HOME_HOUR_WEIGHTS = (70, 15, 15)
"""How often a home is open all day, mornings only, afternoons only."""
SHIFT = TimeWindow.parse("08:30", "17:00")
LUNCH = TimeWindow.parse("12:00", "13:00")
INSTITUTION_WORDS = ("颐养院", "敬老院", "养老中心", "康养院", "老年公寓")


def generate_inspections(
    seed: int,
    communities: Sequence[Community],
    *,
    as_of: date,
    policy: InspectionPolicy | None = None,
) -> InspectionWorld:
    """The targets and inspectors of the districts of `communities`."""
    policy = policy or InspectionPolicy()
    districts = by_district(residential(communities))
    targets: list[InspectionTarget] = []
    inspectors: list[Inspector] = []
    for district_id in sorted(districts):
        members = sorted(districts[district_id], key=lambda c: c.community_id)
        rng = random.Random(f"{seed}:inspections:{district_id}")
        targets += _district_targets(rng, district_id, members, as_of, policy)
        inspectors += _district_inspectors(rng, district_id, members)
    return InspectionWorld(tuple(targets), tuple(inspectors))


def _last_and_due(rng: random.Random, as_of: date, cadence: int) -> tuple[date, date]:
    """A last inspection within the cadence (due dates spread evenly), a few overdue."""
    if rng.random() < OVERDUE_SHARE:
        due = as_of - timedelta(days=rng.randint(1, 10))
    else:
        due = as_of + timedelta(days=rng.randint(1, cadence))
    return due - timedelta(days=cadence), due


def _placed(
    rng: random.Random, kind: TargetKind, target_id: str, home: Community
) -> dict[str, Any]:
    """The fields every kind of target has: its id and kind, and a place near `home` in
    `home`'s community, street and district (the rest depend on the kind)."""
    return {
        "target_id": target_id,
        "kind": kind,
        "district_id": home.district_id,
        "street_id": home.street_id,
        "community_id": home.community_id,
        "location": point_near(rng, home.location, home.radius_m * 1.5, decimals=None),
    }


def _district_targets(
    rng: random.Random,
    district_id: str,
    members: list[Community],
    as_of: date,
    policy: InspectionPolicy,
) -> list[InspectionTarget]:
    n = len(members)
    targets: list[InspectionTarget] = []
    for k in range(1, city_share(INSTITUTIONS, n) + 1):
        home = rng.choice(members)
        beds = rng.choice((30, 50, 80, 120, 200, 300))
        last, due = _last_and_due(rng, as_of, policy.institution_days)
        targets.append(
            InspectionTarget(
                **_placed(rng, TargetKind.INSTITUTION, f"INS-{district_id}-{k:03d}", home),
                window=OFFICE_HOURS,
                due_date=due,
                last_inspected=last,
                name=f"{home.name[:2]}{rng.choice(INSTITUTION_WORDS)}",
                beds=beds,
                occupied_beds=round(beds * rng.uniform(0.45, 0.95)),
                **_last_inspection(random.Random(rng.random())),
            )
        )
    for k in range(1, city_share(HOME_CARE_BEDS, n) + 1):
        home = rng.choice(members)
        last, due = _last_and_due(rng, as_of, policy.home_care_bed_days)
        targets.append(
            InspectionTarget(
                **_placed(rng, TargetKind.HOME_CARE_BED, f"HCB-{district_id}-{k:04d}", home),
                window=rng.choices(HOME_HOURS, weights=HOME_HOUR_WEIGHTS)[0],
                due_date=due,
                last_inspected=last,
                beds=1,
                occupied_beds=1,
                devices=tuple(sorted(rng.sample(DEVICES, rng.randint(2, 4)))),
            )
        )
    for k in range(1, city_share(ADAPTATIONS_PER_YEAR, n) + 1):
        home = rng.choice(members)
        completed, accepted, acceptance_due = _adaptation(rng, as_of, policy)
        targets.append(
            InspectionTarget(
                **_placed(rng, TargetKind.ADAPTATION, f"ADP-{district_id}-{k:04d}", home),
                window=rng.choices(HOME_HOURS, weights=HOME_HOUR_WEIGHTS)[0],
                due_date=acceptance_due,
                last_inspected=accepted,
                available_from=completed,
            )
        )
    return targets


def _last_inspection(rng: random.Random) -> dict[str, Any]:
    """What an institution's last inspection found (its star rating follows from it): the
    checklist scores, mostly 3-5 and sometimes lower, and the items left to put right. Drawn
    from its own stream, seeded by one draw of the district's, so the targets after it are
    the same as when the rating itself was drawn."""
    scores = tuple(
        ItemScore(item, rng.choices((1, 2, 3, 4, 5), weights=(3, 7, 25, 40, 25))[0])
        for item in sorted(CHECKLIST[TargetKind.INSTITUTION])
    )
    rectifications = rng.choices((0, 1, 2), weights=(70, 20, 10))[0]
    return {"last_scores": scores, "last_rectifications": rectifications}


def _adaptation(
    rng: random.Random, as_of: date, policy: InspectionPolicy
) -> tuple[date, date | None, date | None]:
    """Completion, acceptance (None: not yet) and acceptance due date (None: accepted)."""
    completed = as_of + timedelta(days=rng.randint(-ADAPTATION_DAYS_BEFORE, ADAPTATION_DAYS_AFTER))
    due = completed + timedelta(days=policy.adaptation_acceptance_days)
    if due >= as_of:
        return completed, None, due
    if rng.random() < OVERDUE_SHARE * 3:
        return completed, None, as_of - timedelta(days=rng.randint(1, 5))  # running late
    return (
        completed,
        completed + timedelta(days=rng.randint(1, policy.adaptation_acceptance_days)),
        None,
    )


def _district_inspectors(
    rng: random.Random, district_id: str, members: list[Community]
) -> list[Inspector]:
    count = min(4, max(2, round(len(members) / 50)))
    office = centre_of(members)  # where its inspectors start and end
    qualified = {0} | {k for k in range(1, count) if rng.random() < 0.5}
    return [
        Inspector(
            inspector_id=f"X{district_id[1:]}{k + 1}",
            district_id=district_id,
            base=office,
            shift=SHIFT,
            lunch_break=LUNCH,
            skills=frozenset({INSTITUTION_SKILL}) if k in qualified else frozenset(),
        )
        for k in range(count)
    ]
