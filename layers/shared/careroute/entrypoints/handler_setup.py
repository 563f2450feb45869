"""What every scheduled, queue and stream handler does the same way, written once.

At cold start a handler reads its settings from the environment and binds the tables to them;
most also keep the policy file as the fallback for the bureau's stored policy. Its entry is
observed one way (`event_entry`); it counts what it did as metrics and logs what it returns
(`count_metrics`, `reported`). A queue or stream handler's batch goes through `batch_setup`;
a nightly fan-out that only queues plan jobs is the whole entry `fan_out_entry` builds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from careroute.adapters import dynamodb as storage
from careroute.domain.policy import Policy, load_policy
from careroute.entrypoints.config import Settings
from careroute.entrypoints.policy_in_force import current_policy
from careroute.messages.visits import NightlyTick
from careroute.observability import logger, metrics, tracer

if TYPE_CHECKING:
    from careroute.service_layer.night_plan_date import JobsSent

Entry = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]
"""A Lambda handler: (event, context) -> the JSON answer."""


def bound_settings() -> Settings:
    """The function's settings, with every table bound to them (once per container)."""
    settings = Settings.from_env()
    storage.bind_tables(settings)
    return settings


@dataclass(frozen=True)
class PolicySetup:
    settings: Settings
    policy_file: Policy
    """The policy file, read at cold start: the rules when the bureau has stored none."""

    def policy(self) -> Policy:
        """The bureau's stored policy (cached briefly), else the policy file."""
        return current_policy(self.policy_file)


def with_policy() -> PolicySetup:
    """Bound settings and the policy file they name."""
    settings = bound_settings()
    return PolicySetup(settings, load_policy(settings.policy_file))


def event_entry(handler: Entry) -> Entry:
    """A scheduled, queue or stream function's Lambda entry, observed: each invocation logs with
    its context and nothing left from the last one, is traced, and flushes the metrics it added."""
    logged = logger.inject_lambda_context(clear_state=True)
    entry: Entry = logged(tracer.capture_lambda_handler(metrics.log_metrics(handler)))
    return entry


Ports = TypeVar("Ports")


def fan_out_entry(
    fan_out: Callable[[NightlyTick, str, Ports], JobsSent],
    ports: Ports,
    metric: str,
    message: str,
) -> Entry:
    """The Lambda entry of a nightly fan-out: each Scheduler tick goes to `fan_out` (with the
    request id as the run id, and `ports`), which queues the plan jobs; their count is the
    metric `metric`, and the summary is logged under `message` and returned."""

    @event_entry
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        sent = fan_out(NightlyTick.model_validate(event), context.aws_request_id, ports)
        count_metrics(**{metric: sent.jobs})
        return reported(message, sent.summary())

    return lambda_handler


def count_metrics(**counts: int) -> None:
    """Each named count as a metric of this invocation, e.g. `count_metrics(PlanJobsSent=5)`."""
    for name, value in counts.items():
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)


def fleets_planned(
    day: date, fleets: str, plans: list[dict[str, Any]], unassigned_mandatory: int
) -> dict[str, Any]:
    """What a nightly planner of several fleets (a district's assessors, a provider's workers)
    answers for `day`: how many fleets (named `fleets`), and their candidates and planned
    stops summed over `plans`, each fleet's plan summary."""
    return {
        "plan_date": day.isoformat(),
        fleets: len(plans),
        "candidates": sum(p["candidates"] for p in plans),
        "planned": sum(p["planned"] for p in plans),
        "unassigned_mandatory": unassigned_mandatory,
    }


def reported(message: str, summary: dict[str, Any]) -> dict[str, Any]:
    """`summary` logged under `message`, and returned: what a scheduled run answers."""
    logger.info(message, extra=summary)
    return summary
