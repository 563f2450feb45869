"""The registry over HTTP: a community's elders, adding and changing one, its history, the
audit of who read personal data, and stewards' leave (with same-day cover when a planned day
is lost)."""

from functools import cache
from typing import TYPE_CHECKING, Annotated

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Query

from careroute.adapters.dynamodb.oversight_repositories import elder_registry
from careroute.adapters.dynamodb.repositories import leave_keeping, nightly_planning
from careroute.domain import clock
from careroute.domain.vocabulary import ElderStatus, Tier
from careroute.entrypoints.api_routes import ApiSetup
from careroute.entrypoints.http_api import (
    READ_ERRORS,
    PathId,
    Routes,
    stored_once,
)
from careroute.entrypoints.policy_in_force import current_policy
from careroute.messages.api import (
    MAX_AUDIT,
    MAX_PAGE,
    AuditLog,
    ElderHistory,
    ElderPage,
    ElderPatch,
    ElderRow,
    LeaveBody,
    PatchResult,
    StewardLeave,
)
from careroute.messages.elders import NewElder
from careroute.messages.visits import ID_PATTERN
from careroute.observability import logger
from careroute.service_layer.elders import (
    add_elder,
    audit_log,
    change_elder,
    elder_history,
    list_elders,
)
from careroute.service_layer.leave import replace_leave, steward_leave

if TYPE_CHECKING:
    from careroute.service_layer.nightly_ports import NightlyPlanning

CursorQuery = Annotated[str | None, Query(max_length=200, description="next_cursor")]


@cache
def same_day_planning(queue_url: str) -> "NightlyPlanning":
    """The planner's ports, built at the first sick call or return home: both are rare, and
    the planner's use cases (imported where they run) are ~10 ms of the API's cold start."""
    return nightly_planning(queue_url)


def add_routes(app: APIGatewayHttpResolver, api: ApiSetup) -> None:
    caller = api.caller
    leave_ports = leave_keeping()
    elders = elder_registry()
    queue_url = api.settings.plan_jobs_queue_url
    route = Routes(app, "officials")
    bureau_route = Routes(app, "bureau")

    @route("GET", "/elders")
    def get_elders(
        community_id: Annotated[str, Query(pattern=ID_PATTERN)],
        tier: Annotated[Tier | None, Query()] = None,
        status: Annotated[ElderStatus | None, Query()] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
        cursor: CursorQuery = None,
    ) -> ElderPage:
        """A community's elders, filtered and paged; names and addresses only for its steward and
        the city admin"""
        return list_elders(
            caller(),
            community_id,
            tier=tier,
            status=status,
            limit=limit,
            cursor=cursor,
            today=clock.today(),
            now=clock.now(),
            policy=current_policy(api.policy),
            ports=elders,
        )

    @route("PATCH", "/elders/<community_id>/<elder_id>")
    def patch_elder(
        community_id: PathId, elder_id: PathId, patch: Annotated[ElderPatch, Body()]
    ) -> PatchResult:
        """Change an elder's status, categories, address or window (kept in the history)"""
        policy, now = current_policy(api.policy), clock.now()
        changed = change_elder(caller(), community_id, elder_id, patch, now, elders, policy)
        if patch.status is not None:  # died or moved away: their home care bed closes
            # Imported here: a departure is rare, and no other route of this function needs
            # the beds' table or rules, so its cold start does not load them.
            from careroute.adapters.dynamodb import home_care_beds
            from careroute.service_layer.beds_left_care import close_bed_of_departed

            close_bed_of_departed(elder_id, patch.status, now, home_care_beds)
        if patch.status is ElderStatus.ACTIVE and "status" in changed.changed:  # back home
            run_id = app.lambda_context.aws_request_id
            from careroute.service_layer.planning import replan_for_return

            if replan_for_return(community_id, now, run_id, same_day_planning(queue_url)):
                logger.info("same-day re-plan for a return", extra={"community_id": community_id})
        return changed

    @route(
        "POST",
        "/elders",
        responses={
            201: {
                "description": "Added; the same elder sent again answers the same, with the "
                "header Idempotent-Replayed: true",
                "content": {"application/json": {"model": ElderRow}},
            }
        },
    )
    def post_elder(new: Annotated[NewElder, Body()]) -> Response[str]:
        """Add one elder to a community's registry (its steward or the city admin), checked as a row
        of elders.csv is; the registry totals count it. The same elder sent again is answered
        again and counted once"""
        today = clock.today()
        added, created = add_elder(caller(), new, today, current_policy(api.policy), elders)
        return stored_once(added.model_dump(mode="json"), created, "EldersAdded")

    @route("GET", "/elders/<community_id>/<elder_id>/history")
    def get_elder_history(community_id: PathId, elder_id: PathId) -> ElderHistory:
        """An elder's registry changes, newest first: who, when, field, old and new value"""
        return elder_history(caller(), community_id, elder_id, clock.now(), elders)

    @bureau_route("GET", "/audit/communities/<community_id>")
    def get_audit_log(
        community_id: PathId, limit: Annotated[int, Query(ge=1, le=MAX_AUDIT)] = 100
    ) -> AuditLog:
        """Who read the personal data of a community's elders (city admin), newest first"""
        return audit_log(caller(), community_id, limit, elders)

    @route("GET", "/stewards/<steward_id>/leave")
    def get_steward_leave(steward_id: PathId) -> StewardLeave:
        """A steward's leave: the dates they are away (the steward may read their own)"""
        return steward_leave(caller(), steward_id, leave_ports)

    @route("PUT", "/stewards/<steward_id>/leave", errors=READ_ERRORS)
    def put_steward_leave(steward_id: PathId, leave: Annotated[LeaveBody, Body()]) -> StewardLeave:
        """Replace a steward's leave dates (unique, at most 366, within 400 days of today)"""
        stored, newly_away = replace_leave(
            caller(), steward_id, leave.dates, clock.today(), leave_ports
        )
        from careroute.service_layer.cover import cover_now

        for day in newly_away:  # already planned: neighbours take the urgent visits now
            handed = cover_now(
                steward_id,
                day,
                app.lambda_context.aws_request_id,
                current_policy(api.policy),
                same_day_planning(queue_url),
            )
            logger.info("same-day cover", extra={"plan_date": str(day), "cover_visits": handed})
        return stored
