"""assessors.csv and assessment_requests.csv: the certified assessors (评估员) of each
district, based at its civil-affairs office, and the elders' requests for a needs assessment
(能力评估) with their deadlines, open or done with the care level graded."""

from __future__ import annotations

from careroute.adapters.data_csv.cells import Cell, choice, day, read_cells, text
from careroute.adapters.data_csv.data_file import DataFile
from careroute.adapters.data_csv.known import Known
from careroute.adapters.registry_csv.rows import Row
from careroute.domain.assessments import AssessmentRequest, Assessor, RequestStatus
from careroute.domain.eligibility import CareLevel
from careroute.domain.scope_ids import elder_scope_ids

MAX_SCORE = 1_000


def _read_assessor(row: Row, known: Known) -> Assessor | None:
    assessor_id = row.text("assessor_id")
    district_id = known.district(row)
    base = row.location()
    skills = row.words("skills")
    if not row.ok or base is None:
        return None
    return Assessor(assessor_id, district_id, base, frozenset(skills))


ASSESSORS = DataFile(
    name="assessors.csv",
    columns=("assessor_id", "district_id", "lat", "lng", "skills"),
    read=_read_assessor,
)


REQUEST_CELLS: dict[str, Cell] = {
    "request_id": text,
    "requested_on": day,
    "deadline": day,
    "status": choice(RequestStatus),
    "level": choice(CareLevel, required=False),
}


def _read_request(row: Row, known: Known) -> AssessmentRequest | None:
    community, elder = known.placed_elder(row)
    location = row.location()
    cells = read_cells(row, REQUEST_CELLS)
    requested_on, deadline = cells["requested_on"], cells["deadline"]
    if requested_on is not None and deadline is not None and deadline < requested_on:
        row.error("deadline", f"{deadline.isoformat()} is before requested_on")
    status, level = cells["status"], cells["level"]
    if status is RequestStatus.DONE and level is None and row.ok:
        row.error("level", "is empty but the request is done (a done request has its level)")
    if status is RequestStatus.OPEN and level is not None:
        row.error("level", "must be empty while the request is open")
    scores = _scores(row)
    if status is RequestStatus.OPEN and scores:
        row.error("scores", "must be empty while the request is open")
    if not row.ok or community is None or elder is None or location is None:
        return None
    return AssessmentRequest(**cells, **elder_scope_ids(elder), location=location, scores=scores)


def _scores(row: Row) -> tuple[tuple[str, int], ...]:
    """`scores`: 'dimension=score' parts, each dimension once (the instrument that graded
    the request is the policy's; its dimensions are not checked here)."""
    scores: dict[str, int] = {}
    for part in row.words("scores"):
        name, _, score = (text.strip() for text in part.partition("="))
        if not name or not score.isdigit() or int(score) > MAX_SCORE:
            row.error("scores", f"{part!r} is not dimension=score with a score 0..{MAX_SCORE}")
        elif name in scores:
            row.error("scores", f"dimension {name} appears twice")
        else:
            scores[name] = int(score)
    return tuple(sorted(scores.items()))


def _scores_text(r: AssessmentRequest) -> str:
    return ";".join(f"{name}={score}" for name, score in sorted(r.scores))


ASSESSMENT_REQUESTS_COLUMNS = (
    "request_id", "elder_id", "community_id", "street_id", "district_id", "lat", "lng",
    "requested_on", "deadline", "status", "level", "scores",
)  # fmt: skip

ASSESSMENT_REQUESTS = DataFile(
    name="assessment_requests.csv",
    columns=ASSESSMENT_REQUESTS_COLUMNS,
    read=_read_request,
    written_as={"scores": _scores_text},
)
