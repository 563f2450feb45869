"""Synthetic assessors and assessment requests for the synthetic city, deterministic by seed."""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import date, timedelta

from careroute.domain.assessments import QUALIFIED, AssessmentRequest, Assessor, request_id
from careroute.domain.eligibility import care_level
from careroute.domain.vocabulary import Community, Elder, ElderStatus, residential
from careroute_synthetic.places import by_district, centre_of


def generate_assessments(
    communities: Iterable[Community],
    elders: Iterable[Elder],
    seed: int,
    as_of: date,
    share: float = 0.15,
) -> tuple[tuple[Assessor, ...], tuple[AssessmentRequest, ...]]:
    """Per district three assessors at the office (the centre of its communities), two of
    them qualified; a request for `share` of the active elders whose categories imply a
    care level, made in the last 28 days, with a deadline 30 days after it."""
    rng = random.Random(seed)
    districts = by_district(sorted(residential(communities), key=lambda c: c.community_id))
    assessors = []
    for district_id, members in sorted(districts.items()):
        office = centre_of(members, decimals=6)
        for n in range(1, 4):
            skills = frozenset({QUALIFIED}) if n <= 2 else frozenset()
            assessors.append(Assessor(f"A{district_id}{n}", district_id, office, skills))
    requests = []
    for e in sorted(elders, key=lambda e: e.elder_id):
        if e.status is not ElderStatus.ACTIVE or care_level(e.categories) is None:
            continue
        if rng.random() >= share:
            continue
        asked = as_of - timedelta(days=rng.randint(0, 28))
        requests.append(
            AssessmentRequest(
                request_id(e.elder_id, asked),
                e.elder_id,
                e.community_id,
                e.street_id,
                e.district_id,
                e.location,
                asked,
                asked + timedelta(days=30),
            )
        )
    return tuple(assessors), tuple(requests)
