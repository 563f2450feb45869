"""Incidents API (救援跟踪): the responder steward reads the incidents sent to them and
records acknowledgement, arrival and outcome; officials read incidents in their scope and
the monthly response report. The visit itself is on the responder's route
(GET /stewards/{id}/routes/{date}, stop with `incident_id`)."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.utilities.typing import LambdaContext

from careroute.domain import clock
from careroute.domain.vocabulary import CHINA_TZ
from careroute.entrypoints import handler_setup
from careroute.entrypoints.http_api import (
    MONTH_PATTERN,
    PathId,
    caller_of,
    http_entry,
    new_resolver,
)
from careroute.observability import tracer
from careroute.messages.api import error_responses
from careroute.messages.incidents import CloseIncidentBody, IncidentList, IncidentRow
from careroute.service_layer.incidents import (
    acknowledge_incident,
    arrive_at_incident,
    close_incident,
    incident_report,
    read_incident,
    responder_incidents,
    scope_incidents,
)

handler_setup.bound_settings()
app = new_resolver()
caller = caller_of(app)
IncidentId = Annotated[str, Path(pattern=r"^in-[0-9a-f]{24}$")]


@app.get(
    "/stewards/<steward_id>/incidents",
    responses=error_responses(401, 403, 404, 422),
    tags=["incidents"],
)
@tracer.capture_method
def list_responder_incidents(
    steward_id: PathId,
    open_only: Annotated[bool, Query(alias="open")] = True,
) -> IncidentList:
    rows = [IncidentRow.of(i) for i in responder_incidents(caller(), steward_id, open_only)]
    return IncidentList(count=len(rows), incidents=rows)


@app.get(
    "/incidents/<incident_id>", responses=error_responses(401, 403, 404, 422), tags=["incidents"]
)
@tracer.capture_method
def get_incident(incident_id: IncidentId) -> IncidentRow:
    return IncidentRow.of(read_incident(caller(), incident_id))


@app.post(
    "/incidents/<incident_id>/ack",
    responses=error_responses(401, 403, 404, 409, 422),
    tags=["incidents"],
)
@tracer.capture_method
def post_ack(incident_id: IncidentId) -> IncidentRow:
    return IncidentRow.of(acknowledge_incident(caller(), incident_id, clock.now()))


@app.post(
    "/incidents/<incident_id>/arrive",
    responses=error_responses(401, 403, 404, 409, 422),
    tags=["incidents"],
)
@tracer.capture_method
def post_arrive(incident_id: IncidentId) -> IncidentRow:
    return IncidentRow.of(arrive_at_incident(caller(), incident_id, clock.now()))


@app.post(
    "/incidents/<incident_id>/close",
    responses=error_responses(401, 403, 404, 409, 422),
    tags=["incidents"],
)
@tracer.capture_method
def post_close(incident_id: IncidentId, body: CloseIncidentBody) -> IncidentRow:
    return IncidentRow.of(close_incident(caller(), incident_id, body.outcome, clock.now()))


@app.get("/incidents", responses=error_responses(401, 403, 422), tags=["incidents"])
@tracer.capture_method
def list_scope_incidents(
    scope: Annotated[str, Query(max_length=80)] = "city",
    month: Annotated[str | None, Query(pattern=MONTH_PATTERN)] = None,
    open_only: Annotated[bool, Query(alias="open")] = True,
) -> IncidentList:
    """Officials: the scope's incidents of the month (default: this month, China time), the
    most escalated first."""
    month = month or clock.now().astimezone(CHINA_TZ).strftime("%Y-%m")
    rows = [IncidentRow.of(i) for i in scope_incidents(caller(), scope, month, open_only)]
    return IncidentList(count=len(rows), incidents=rows)


@app.get("/incident-report", responses=error_responses(401, 403, 422), tags=["incidents"])
@tracer.capture_method
def get_report(
    month: Annotated[str, Query(pattern=MONTH_PATTERN)],
    scope: Annotated[str, Query(max_length=80)] = "city",
) -> dict[str, Any]:
    return incident_report(caller(), month, scope, clock.now()).as_dict()


@http_entry
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
