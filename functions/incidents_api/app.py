"""Incidents API (救援跟踪): the responder steward reads the incidents sent to them and
records acknowledgement, arrival and outcome; officials read incidents in their scope and
the monthly response report. The visit itself is on the responder's route
(GET /stewards/{id}/routes/{date}, stop with `incident_id`)."""

from careroute.entrypoints import cold_start  # first: the collector paused while loading

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from careroute.adapters.dynamodb.order_repositories import incident_handling
from careroute.domain import clock
from careroute.domain.incidents import Incident
from careroute.entrypoints import handler_setup
from careroute.entrypoints.http_api import (
    INPUT_ERRORS,
    MonthQuery,
    OptionalMonthQuery,
    PathId,
    ScopeQuery,
    area_api,
    http_handler,
)
from careroute.messages.incidents import CloseIncidentBody, IncidentList, IncidentRow
from careroute.service_layer.incident_tracking import (
    acknowledge_incident,
    arrive_at_incident,
    close_incident,
    incident_report,
    read_incident,
    responder_incidents,
    scope_incidents,
)

handler_setup.bound_settings()
ports = incident_handling()
app, caller, route = area_api("incidents")
IncidentId = Annotated[str, Path(pattern=r"^in-[0-9a-f]{24}$")]
OpenOnly = Annotated[bool, Query(alias="open")]


def listed(incidents: list[Incident]) -> IncidentList:
    rows = [IncidentRow.of(i) for i in incidents]
    return IncidentList(count=len(rows), incidents=rows)


@route("GET", "/stewards/<steward_id>/incidents")
def list_responder_incidents(steward_id: PathId, open_only: OpenOnly = True) -> IncidentList:
    return listed(responder_incidents(caller(), steward_id, open_only, ports))


@route("GET", "/incidents/<incident_id>")
def get_incident(incident_id: IncidentId) -> IncidentRow:
    return IncidentRow.of(read_incident(caller(), incident_id, ports))


@route("POST", "/incidents/<incident_id>/ack")
def post_ack(incident_id: IncidentId) -> IncidentRow:
    return IncidentRow.of(acknowledge_incident(caller(), incident_id, clock.now(), ports))


@route("POST", "/incidents/<incident_id>/arrive")
def post_arrive(incident_id: IncidentId) -> IncidentRow:
    return IncidentRow.of(arrive_at_incident(caller(), incident_id, clock.now(), ports))


@route("POST", "/incidents/<incident_id>/close")
def post_close(incident_id: IncidentId, body: CloseIncidentBody) -> IncidentRow:
    return IncidentRow.of(close_incident(caller(), incident_id, body.outcome, clock.now(), ports))


@route("GET", "/incidents", errors=INPUT_ERRORS)
def list_scope_incidents(
    scope: ScopeQuery = "city",
    month: OptionalMonthQuery = None,
    open_only: OpenOnly = True,
) -> IncidentList:
    """Officials: the scope's incidents of the month (default: this month, China time), the
    most escalated first."""
    month = month or clock.today().strftime("%Y-%m")
    return listed(scope_incidents(caller(), scope, month, open_only, ports))


@route("GET", "/incident-report", errors=INPUT_ERRORS)
def get_report(month: MonthQuery, scope: ScopeQuery = "city") -> dict[str, Any]:
    return incident_report(caller(), month, scope, clock.now(), ports).as_dict()


lambda_handler = http_handler(app)


cold_start.loaded()
