"""The needs-assessment ports on DynamoDB: thin classes over the assessments table (whose
result transaction also grades the elder in the registry and writes their history), and the
ports of each assessment use case built from them, once per container. The tables must be
bound first (`bind_tables`, at cold start)."""

from __future__ import annotations

from careroute.adapters.dynamodb import assessments
from careroute.adapters.dynamodb.repositories import (
    DynamoCommunities,
    DynamoElders,
    DynamoScopes,
    DynamoStewards,
)
from careroute.domain.assessments import AssessmentRequest
from careroute.domain.vocabulary import Elder
from careroute.service_layer.assessment_planning import AssessmentPlanning
from careroute.service_layer.assessments import Assessing
from careroute.service_layer.ports import Grading


class DynamoAssessors:
    save_assessors = staticmethod(assessments.save_assessors)
    assessors_of = staticmethod(assessments.assessors_of)


class DynamoAssessmentRequests:
    save_requests = staticmethod(assessments.save_requests)
    open_request = staticmethod(assessments.open_request)
    requests_of = staticmethod(assessments.requests_of)
    get_request = staticmethod(assessments.get_request)

    def record_result(self, request: AssessmentRequest, elder: Elder, grading: Grading) -> bool:
        g = grading
        categories = list(g.categories)
        return assessments.record_result(
            request, elder, g.level, categories, g.key, g.at, g.assessor_id, g.changes,
            dict(g.scores),
        )  # fmt: skip


class DynamoAssessorRoutes:
    save_route = staticmethod(assessments.save_route)
    get_route = staticmethod(assessments.get_route)


def assessment_planning() -> AssessmentPlanning:
    """The ports of the daily assessment planner, on DynamoDB."""
    return AssessmentPlanning(
        communities=DynamoCommunities(),
        assessors=DynamoAssessors(),
        requests=DynamoAssessmentRequests(),
        routes=DynamoAssessorRoutes(),
    )


def assessing() -> Assessing:
    """The ports of the assessments API, on DynamoDB."""
    return Assessing(
        assessors=DynamoAssessors(),
        requests=DynamoAssessmentRequests(),
        routes=DynamoAssessorRoutes(),
        elders=DynamoElders(),
        scopes=DynamoScopes(),
        stewards=DynamoStewards(),
        communities=DynamoCommunities(),
    )
