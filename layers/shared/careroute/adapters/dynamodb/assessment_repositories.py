"""The needs-assessment ports on DynamoDB: the assessments table, whose module serves the
assessors, requests and routes ports itself (a result's transaction also grades the elder in
the registry and writes their history), and the ports of each assessment use case built
from it, once per container. The tables must be bound first (`bind_tables`, at cold start)."""

from __future__ import annotations

from careroute.adapters.dynamodb import assessments
from careroute.adapters.dynamodb.repositories import PORTS
from careroute.adapters.wiring import Adapters, wired
from careroute.service_layer.assessment_planning import AssessmentPlanning
from careroute.service_layer.assessments import Assessing

ASSESSMENT_PORTS: Adapters = {
    **PORTS,
    # the assessments' table module: its functions are the three ports' methods
    "assessors": lambda: assessments,
    "requests": lambda: assessments,
    "routes": lambda: assessments,
}
"""The registry's adapters and the assessments' (whose routes are the assessors'), by port name."""


def assessment_planning() -> AssessmentPlanning:
    """The ports of the daily assessment planner, on DynamoDB."""
    return wired(AssessmentPlanning, ASSESSMENT_PORTS)


def assessing() -> Assessing:
    """The ports of the assessments API, on DynamoDB."""
    return wired(Assessing, ASSESSMENT_PORTS)
