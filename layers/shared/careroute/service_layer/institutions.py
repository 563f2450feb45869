"""Care institutions for officials: beds, occupancy and star ratings, per institution and
summed per district (GET /institutions; the dashboard's institutions panel).

Every figure is read from the institution targets as their latest inspection left them (the
beds counted, the checklist scores); the stars are computed here from those scores with the
policy's rubric, so a new result or a new rubric changes them at once, and each can be
recomputed from the stored result records. Who may read: as for inspection progress (the
city admin the city; district officials and inspectors their district).
"""

from __future__ import annotations

from datetime import date

from careroute.domain.access import Caller
from careroute.domain.inspections import InspectionTarget
from careroute.domain.institution_ratings import NOT_RATED, RatingRubric
from careroute.messages.institutions import DistrictInstitutions, InstitutionReport, InstitutionRow
from careroute.service_layer.inspections import Inspecting, may_read_district
from careroute.service_layer.scope_access import parse_scope, readable_districts
from careroute.service_layer.views import attributes


def _row(target: InspectionTarget, rubric: RatingRubric) -> InstitutionRow:
    scores = {s.item: s.score for s in target.last_scores}
    return InstitutionRow(
        **attributes(target, "target_id", "name", "district_id", "street_id", "last_inspected"),
        **attributes(target, "beds", "occupied_beds"),
        occupancy=round(target.occupancy, 4),
        stars=target.stars(rubric),
        score=round(rubric.share(scores) * 100) if scores else None,
        rectifications=target.last_rectifications,
        next_due=target.due_date,
    )


def district_sums(district_id: str, rows: list[InstitutionRow]) -> DistrictInstitutions:
    """The sums of `rows` (institutions, beds, occupancy, how many at each rating)."""
    beds = sum(r.beds for r in rows)
    occupied = sum(r.occupied_beds for r in rows)
    by_stars = [sum(1 for r in rows if r.stars == stars) for stars in range(NOT_RATED, 6)]
    rated = [r.stars for r in rows if r.stars != NOT_RATED]
    return DistrictInstitutions(
        district_id=district_id,
        institutions=len(rows),
        beds=beds,
        occupied_beds=occupied,
        occupancy=round(occupied / beds, 4) if beds else 0.0,
        by_stars=by_stars,
        mean_stars=round(sum(rated) / len(rated), 2) if rated else None,
    )


def institutions(
    who: Caller, scope: str, today: date, rubric: RatingRubric, ports: Inspecting
) -> InstitutionReport:
    """The institutions of the city or a district, each with its beds, occupancy and stars,
    and their sums per district and in all."""
    where = parse_scope(scope)
    districts = readable_districts(who, where, ports.communities, ports.scopes, may_read_district)
    rows: list[InstitutionRow] = []
    sums: list[DistrictInstitutions] = []
    for district_id in districts:
        found = sorted(ports.targets.institutions_of(district_id), key=lambda t: t.target_id)
        mine = [_row(t, rubric) for t in found]
        rows += mine
        sums.append(district_sums(district_id, mine))
    return InstitutionReport(
        scope=str(where),
        as_of=today,
        total=district_sums("all", rows),
        districts=sums,
        institutions=rows,
    )
