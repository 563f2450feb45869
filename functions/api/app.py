"""HTTP API: stewards fetch routes and post outcomes; officials read coverage, overdue elders
and the registry and change it; the bureau (city_admin) sets the tier policy and holidays.

Every route but /openapi.json and /docs sits behind API Gateway's JWT authorizer; the handler
reads the verified caller from the claims (careroute.auth) and enforces role and scope.
Every 4xx has one JSON shape, {"error": {"code": ..., "message": ...}}; a 5xx never carries
internals. Outcomes are idempotent per (steward, Idempotency-Key): powertools record +
conditional put. Bodies are never logged.
"""

import json
from datetime import date
from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Query
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyValidationError
from aws_lambda_powertools.utilities.typing import LambdaContext

from careroute import clock
from careroute.adapters.dynamodb import visit_recording
from careroute.api_models import (
    MAX_AUDIT,
    MAX_PAGE,
    AuditLog,
    BatchItemResult,
    BatchResult,
    CloseTicketBody,
    ElderHistory,
    ElderPage,
    ElderPatch,
    ErrorDetail,
    Holidays,
    LeaveBody,
    OutcomeBatch,
    OutcomeBody,
    OverdueList,
    PatchResult,
    StewardLeave,
    TicketList,
    TicketRow,
    Visit,
    error_responses,
)
from careroute.auth import Caller, Role, require_own_steward, require_scope
from careroute.coverage import Scope
from careroute.docs_page import DOCS_HTML
from careroute.domain import ElderStatus, Tier
from careroute.exceptions import CareRouteError, ForbiddenError, NotFoundError, ValidationError
from careroute.handler_setup import bound_settings
from careroute.http_api import (
    MONTH_PATTERN,
    PathDay,
    PathId,
    ScopeQuery,
    caller_of,
    http_entry,
    new_resolver,
)
from careroute.http_errors import KEY_REUSED, status_of
from careroute.messages import ID_PATTERN
from careroute.observability import logger, metrics, tracer
from careroute.openapi_doc import served_document
from careroute.policy import load_policy
from careroute.services import bureau
from careroute.services.bureau import current_policy
from careroute.services.elders import audit_log, change_elder, elder_history, list_elders
from careroute.services.leave import replace_leave, steward_leave
from careroute.services.officials import overdue_in
from careroute.services.planning import cover_now
from careroute.services.route_view import steward_route
from careroute.services.service_circle import circle_share
from careroute.services.tickets import TicketFilter, close_ticket, list_tickets, ticket_figures
from careroute.services.visits import check_idempotency_key, record_visit
from careroute.storage.coverage import read_coverage, scope_exists
from careroute.storage.scopes import ancestors
from careroute.tickets import TicketSource

settings = bound_settings()
policy = load_policy(settings.policy_file)
recording = visit_recording()
app = new_resolver()
caller = caller_of(app)
idempotency_config = IdempotencyConfig(
    event_key_jmespath="[steward_id, idempotency_key]",
    payload_validation_jmespath="request",
    expires_after_seconds=7 * 24 * 3600,
)
persistence = DynamoDBPersistenceLayer(table_name=settings.idempotency_table)
IdempotencyKey = Annotated[
    str | None,
    Header(alias="idempotency-key", description="One key per visit, e.g. a UUID; 8-128 chars"),
]


@app.get(
    "/stewards/<steward_id>/routes/<day>",
    summary="A steward's route for a date, with their elders' names and addresses",
    responses=error_responses(401, 403, 404, 422),
    tags=["steward"],
)
@tracer.capture_method
def get_route(steward_id: PathId, day: PathDay) -> dict[str, Any]:
    require_own_steward(caller(), steward_id)
    return steward_route(steward_id, day, reader=caller())


@idempotent_function(
    data_keyword_argument="call", persistence_store=persistence, config=idempotency_config
)
def record_once(call: dict[str, Any]) -> dict[str, Any]:
    request = OutcomeBody.model_validate(call["request"]).as_request(call["steward_id"])
    record, created = record_visit(
        request, call["idempotency_key"], clock.now(), current_policy(policy), recording
    )
    metrics.add_metric(name="VisitsRecorded", unit=MetricUnit.Count, value=int(created))
    return {
        "visit_id": record.visit_id,
        "elder_id": record.elder_id,
        "outcome": record.outcome.value,
        "tier": record.tier.value,
        "visited_at": record.visited_at.isoformat(),
        "recorded_at": record.recorded_at.isoformat(),
    }


def steward_of(who: Caller, outcome: OutcomeBody) -> str:
    """Outcomes are recorded as the token's steward; a differing body steward_id is refused."""
    who.require(Role.STEWARD)
    if outcome.steward_id not in (None, who.scope):
        raise ForbiddenError("a steward can only record their own visits")
    return who.scope


def outcome_call(steward_id: str, key: str, outcome: OutcomeBody) -> dict[str, Any]:
    request = outcome.model_dump(mode="json", exclude={"steward_id", "idempotency_key"})
    return {"steward_id": steward_id, "idempotency_key": key, "request": request}


@app.post(
    "/visits",
    summary="Record one visit outcome (a retry with the same Idempotency-Key stores nothing new)",
    responses={201: {"description": "Recorded", "content": {"application/json": {"model": Visit}}}}
    | error_responses(401, 403, 404, 409, 422),
    tags=["steward"],
)
@tracer.capture_method
def post_visit(
    outcome: Annotated[OutcomeBody, Body()], idempotency_key: IdempotencyKey = None
) -> Response[str]:
    key = check_idempotency_key(idempotency_key)
    visit = record_once(call=outcome_call(steward_of(caller(), outcome), key, outcome))
    return Response(
        status_code=HTTPStatus.CREATED,
        content_type=content_types.APPLICATION_JSON,
        body=json.dumps(visit),
    )


@app.post(
    "/visits/batch",
    summary="Record outcomes queued offline; each item has its own idempotency key",
    description="Items are applied oldest visit first; results come back in request order. "
    "Each item is answered as POST /visits would answer it, so a resent batch stores nothing "
    "twice.",
    responses=error_responses(401, 403, 422),
    tags=["steward"],
)
@tracer.capture_method
def post_visit_batch(batch: Annotated[OutcomeBatch, Body()]) -> BatchResult:
    who = caller()
    results: list[BatchItemResult] = []
    for index, item in sorted(enumerate(batch.items), key=lambda pair: pair[1].visited_at):
        result = BatchItemResult(index=index, idempotency_key=item.idempotency_key, status=201)
        try:
            call = outcome_call(steward_of(who, item), item.idempotency_key, item)
            result.visit = Visit.model_validate(record_once(call=call))
        except CareRouteError as exc:
            result.status = status_of(exc)
            result.error = ErrorDetail(code=exc.code, message=str(exc))
        except IdempotencyValidationError:
            result.status = HTTPStatus.CONFLICT
            result.error = ErrorDetail(code="conflict", message=KEY_REUSED)
        results.append(result)
    results.sort(key=lambda r: r.index)
    recorded = sum(1 for r in results if r.visit is not None)
    return BatchResult(results=results, recorded=recorded, failed=len(results) - recorded)


@app.get(
    "/coverage",
    summary="Visit coverage for a month and scope, per risk tier (no names)",
    responses=error_responses(401, 403, 404, 422),
    tags=["officials"],
)
@tracer.capture_method
def get_coverage(
    month: Annotated[str, Query(pattern=MONTH_PATTERN, description="YYYY-MM")],
    scope: ScopeQuery = "city",
) -> dict[str, Any]:
    where = readable_scope(caller(), scope)
    return {
        "month": month,
        "scope": str(where),
        "tiers": read_coverage(month, where),
        "tickets": ticket_figures(where, month, clock.now()),
        "service_circle": circle_share(where, current_policy(policy), today()),
    }


def readable_scope(who: Caller, scope: str) -> Scope:
    """The parsed scope, if the caller may read it and it exists."""
    try:
        where = Scope.parse(scope)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    require_scope(who, where, ancestors(where))
    if not scope_exists(where):
        raise NotFoundError(f"unknown scope {where}")
    return where


def today() -> date:
    return clock.today()


@app.get(
    "/overdue",
    summary="Active elders past their visit deadline in a scope (ids and dates, no names)",
    responses=error_responses(401, 403, 404, 422),
    tags=["officials"],
)
@tracer.capture_method
def get_overdue(
    scope: ScopeQuery = "city",
    on: Annotated[
        date | None, Query(description="YYYY-MM-DD; default today (Asia/Shanghai)")
    ] = None,
) -> OverdueList:
    return overdue_in(readable_scope(caller(), scope), on or today(), current_policy(policy))


@app.get(
    "/elders",
    summary="A community's elders, filtered and paged; names and addresses only for its "
    "steward and the city admin",
    responses=error_responses(401, 403, 404, 422),
    tags=["officials"],
)
@tracer.capture_method
def get_elders(
    community_id: Annotated[str, Query(pattern=ID_PATTERN)],
    tier: Annotated[Tier | None, Query()] = None,
    status: Annotated[ElderStatus | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    cursor: Annotated[str | None, Query(max_length=200, description="next_cursor")] = None,
) -> ElderPage:
    return list_elders(
        caller(),
        community_id,
        tier=tier,
        status=status,
        limit=limit,
        cursor=cursor,
        today=today(),
        policy=current_policy(policy),
    )


@app.patch(
    "/elders/<community_id>/<elder_id>",
    summary="Change an elder's status, categories, address or window (kept in the history)",
    responses=error_responses(401, 403, 404, 409, 422),
    tags=["officials"],
)
@tracer.capture_method
def patch_elder(
    community_id: PathId, elder_id: PathId, patch: Annotated[ElderPatch, Body()]
) -> PatchResult:
    return change_elder(caller(), community_id, elder_id, patch)


@app.get(
    "/elders/<community_id>/<elder_id>/history",
    summary="An elder's registry changes, newest first: who, when, field, old and new value",
    responses=error_responses(401, 403, 404, 422),
    tags=["officials"],
)
@tracer.capture_method
def get_elder_history(community_id: PathId, elder_id: PathId) -> ElderHistory:
    return elder_history(caller(), community_id, elder_id)


@app.get(
    "/audit/communities/<community_id>",
    summary="Who read the personal data of a community's elders (city admin), newest first",
    responses=error_responses(401, 403, 404, 422),
    tags=["bureau"],
)
@tracer.capture_method
def get_audit_log(
    community_id: PathId,
    limit: Annotated[int, Query(ge=1, le=MAX_AUDIT)] = 100,
) -> AuditLog:
    return audit_log(caller(), community_id, limit)


@app.get(
    "/stewards/<steward_id>/leave",
    summary="A steward's leave: the dates they are away (the steward may read their own)",
    responses=error_responses(401, 403, 404, 422),
    tags=["officials"],
)
@tracer.capture_method
def get_steward_leave(steward_id: PathId) -> StewardLeave:
    return steward_leave(caller(), steward_id)


@app.put(
    "/stewards/<steward_id>/leave",
    summary="Replace a steward's leave dates (unique, at most 366, within 400 days of today)",
    responses=error_responses(401, 403, 404, 422),
    tags=["officials"],
)
@tracer.capture_method
def put_steward_leave(steward_id: PathId, leave: Annotated[LeaveBody, Body()]) -> StewardLeave:
    stored, newly_away = replace_leave(caller(), steward_id, leave.dates, today())
    for day in newly_away:  # already planned: neighbours take the urgent visits now
        handed = cover_now(
            steward_id,
            day,
            settings.plan_jobs_queue_url,
            app.lambda_context.aws_request_id,
            current_policy(policy),
        )
        logger.info("same-day cover", extra={"plan_date": str(day), "cover_visits": handed})
    return stored


def bureau_caller() -> Caller:
    who = caller()
    who.require(Role.CITY_ADMIN)
    return who


@app.get(
    "/policy",
    summary="The tier policy in force (default_policy.toml's structure, as JSON)",
    responses=error_responses(401, 403),
    tags=["bureau"],
)
@tracer.capture_method
def get_policy() -> dict[str, Any]:
    bureau_caller()
    return bureau.policy_document(settings.policy_file)


@app.put(
    "/policy",
    summary="Replace the tier policy; every key is checked and an error names the key",
    responses=error_responses(401, 403, 422),
    tags=["bureau"],
)
@tracer.capture_method
def put_policy(document: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
    return bureau.save_policy(bureau_caller(), document)


@app.get(
    "/holidays",
    summary="The holiday calendar",
    responses=error_responses(401, 403),
    tags=["bureau"],
)
@tracer.capture_method
def get_holidays() -> Holidays:
    bureau_caller()
    return bureau.holidays()


@app.put(
    "/holidays",
    summary="Replace the holiday calendar (dates YYYY-MM-DD with names, each date once)",
    responses=error_responses(401, 403, 422),
    tags=["bureau"],
)
@tracer.capture_method
def put_holidays(calendar: Annotated[Holidays, Body()]) -> Holidays:
    return bureau.save_holidays(bureau_caller(), calendar)


@app.get(
    "/tickets",
    summary="Follow-up tickets of a scope (officials in scope, city admin; a steward: their "
    "community), soonest due first",
    responses=error_responses(401, 403, 422),
    tags=["officials"],
)
@tracer.capture_method
def get_tickets(
    scope: Annotated[
        str, Query(description="community:ID, street:ID, district:ID or city", max_length=80)
    ],
    status: Annotated[TicketFilter, Query()] = TicketFilter.OPEN,
    source: Annotated[
        TicketSource | None,
        Query(description="visit (findings) or benefit (whom the benefit scan notified)"),
    ] = None,
) -> TicketList:
    return list_tickets(caller(), scope, status, clock.now(), source)


@app.post(
    "/tickets/<ticket_id>/close",
    summary="Close a ticket with the action taken and its result (the community's steward or "
    "officials in scope)",
    responses=error_responses(401, 403, 404, 409, 422),
    tags=["officials"],
)
@tracer.capture_method
def post_ticket_close(
    ticket_id: PathId,
    body: Annotated[CloseTicketBody, Body()],
) -> TicketRow:
    return close_ticket(caller(), ticket_id, body.action, body.result, clock.now())


@app.get("/openapi.json", include_in_schema=False)
def get_openapi() -> Response[str]:
    """Every function's routes in one document, built by `make openapi` (careroute.openapi_doc)."""
    return Response(200, content_types.APPLICATION_JSON, served_document())


@app.get("/docs", include_in_schema=False)
def get_docs() -> Response[str]:
    return Response(200, "text/html; charset=utf-8", DOCS_HTML)


@http_entry
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    idempotency_config.register_lambda_context(context)
    return app.resolve(event, context)
