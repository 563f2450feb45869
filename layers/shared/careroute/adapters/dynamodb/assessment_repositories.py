"""The needs-assessment ports on DynamoDB: the assessments table, whose module serves the
assessors and routes ports itself, and the requests' through a class (whose result
transaction also grades the elder in the registry and writes their history), and the ports
of each assessment use case built from them, once per container. The tables must be bound
first (`bind_tables`, at cold start)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from careroute.adapters.dynamodb import assessments
from careroute.adapters.dynamodb.repositories import PORTS
from careroute.adapters.wiring import Adapters, wired
from careroute.domain.assessments import AssessmentRequest
from careroute.domain.vocabulary import Elder
from careroute.service_layer.assessment_planning import AssessmentPlanning
from careroute.service_layer.assessments import Assessing
from careroute.service_layer.ports import Grading


class DynamoAssessmentRequests:
    def save_requests(self, requests: Iterable[AssessmentRequest]) -> int:
        return assessments.save_requests(requests)

    def open_request(self, request: AssessmentRequest) -> bool:
        return assessments.open_request(request)

    def requests_of(self, district_id: str) -> Iterator[AssessmentRequest]:
        return assessments.requests_of(district_id)

    def get_request(
        self, district_id: str, request_id: str
    ) -> tuple[AssessmentRequest, str | None]:
        return assessments.get_request(district_id, request_id)

    def record_result(self, request: AssessmentRequest, elder: Elder, grading: Grading) -> bool:
        g = grading
        categories = list(g.categories)
        return assessments.record_result(
            request, elder, g.level, categories, g.key, g.at, g.assessor_id, g.changes,
            dict(g.scores),
        )  # fmt: skip


ASSESSMENT_PORTS: Adapters = {
    **PORTS,
    # the assessments' table module: its functions are the assessors' and routes' methods
    "assessors": lambda: assessments,
    "requests": DynamoAssessmentRequests,
    "routes": lambda: assessments,
}
"""The registry's adapters and the assessments' (whose routes are the assessors'), by port name."""


def assessment_planning() -> AssessmentPlanning:
    """The ports of the daily assessment planner, on DynamoDB."""
    return wired(AssessmentPlanning, ASSESSMENT_PORTS)


def assessing() -> Assessing:
    """The ports of the assessments API, on DynamoDB."""
    return wired(Assessing, ASSESSMENT_PORTS)
