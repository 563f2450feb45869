"""Commands on a running or stored local stack: a dev token for its API, its coverage counters
checked (or rebuilt), its dead letters replayed, and its data folder deleted.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import TYPE_CHECKING

from careroute_local.cli.attached_stack import attached_settings
from careroute_local.cli.console import EXIT_BAD_INPUT, console
from careroute_local.paths import STATE_DIR

if TYPE_CHECKING:
    from careroute.entrypoints.config import Settings


def cmd_token(args: argparse.Namespace) -> None:
    """A token signed by the local dev key (var/dev-jwt-key.json); never valid in the cloud."""
    from careroute_local.dev_auth import DevIssuer

    if args.role != "city_admin" and not args.scope:
        raise SystemExit(f"careroute token: --scope is required for --role {args.role}")
    print(DevIssuer().token(args.role, args.scope, ttl_seconds=int(args.hours * 3600)))


def cmd_coverage(args: argparse.Namespace) -> None:
    """Exit 0 when the counters equal the visit records, 1 on drift (after listing it)."""
    from careroute.adapters.dynamodb.oversight_repositories import coverage_checking
    from careroute.domain.policy import load_policy
    from careroute.entrypoints.policy_in_force import current_policy
    from careroute.service_layer.coverage_check import check_month, rebuild_month

    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", args.month):
        console.print(f"[red]--month must be YYYY-MM, got {args.month!r}")
        raise SystemExit(EXIT_BAD_INPUT)
    settings = attached_settings()
    policy = current_policy(load_policy(settings.policy_file))
    ports = coverage_checking(policy.contacts.count_toward_monthly)
    drift = check_month(args.month, ports)
    for row in drift[:50]:
        console.print(f"  drift: {row}")
    if drift and args.rebuild:
        written = rebuild_month(args.month, ports)
        drift = check_month(args.month, ports)
        console.print(f"Rebuilt {written} counters from the visit records.")
    if drift:
        console.print(f"[red]{len(drift)} counters differ from the visit records for {args.month}")
        raise SystemExit(1)
    console.print(f"Coverage for {args.month} equals the visit records.")


def cmd_redrive(args: argparse.Namespace) -> None:
    from careroute.adapters.dynamodb.dead_letters import dead_letter_queue_of, redrive

    settings = attached_settings()
    dlq = dead_letter_queue_of(settings.plan_jobs_queue_url)
    result = redrive(dlq, settings.plan_jobs_queue_url, args.limit)
    console.print(f"Moved {result.moved} plan jobs back to their queue; {result.left} left.")
    _redrive_projector(settings, args.limit)


def _redrive_projector(settings: Settings, limit: int | None) -> None:
    """Replay the visit-stream batches the projector gave up on (safe to repeat)."""
    from careroute.adapters.dynamodb.dead_letters import queue_beside
    from careroute.adapters.dynamodb.redrive_repositories import projector_redrive
    from careroute.domain.policy import load_policy
    from careroute.entrypoints.policy_in_force import current_policy
    from careroute.service_layer.stream_redrive import redrive_projector

    dlq = queue_beside(settings.plan_jobs_queue_url, "plan-jobs", "projector-dlq")
    policy = current_policy(load_policy(settings.policy_file))
    result = redrive_projector(policy, projector_redrive(dlq), limit)
    console.print(
        f"Replayed {result.moved} failed visit-stream batches; {result.left} left"
        + (" (older than the stream's 24 h? `careroute coverage --rebuild`)." if result.left
           else ".")
    )  # fmt: skip


def cmd_reset(args: argparse.Namespace) -> None:
    """Delete STATE_DIR: only with --yes or a typed "yes", never while a run uses it."""
    from careroute_local.run_state import StateInUse, clear

    if not STATE_DIR.exists():
        console.print(f"Nothing to reset: {STATE_DIR} does not exist.")
        return
    if not args.yes:
        if not sys.stdin.isatty():
            console.print(f"[red]This deletes every visit, plan and counter in {STATE_DIR}.[/] "
                          "Run `careroute reset --yes` to confirm.")  # fmt: skip
            raise SystemExit(EXIT_BAD_INPUT)
        answer = console.input(
            f"Delete every visit, plan and counter stored in {STATE_DIR}? Type 'yes': "
        )
        if answer.strip().lower() != "yes":
            console.print("Nothing deleted.")
            raise SystemExit(1)
    try:
        clear(STATE_DIR)
    except StateInUse as exc:
        console.print(f"[red]{exc}:[/] stop it first.")
        raise SystemExit(EXIT_BAD_INPUT) from exc
    console.print(f"Deleted {STATE_DIR}; the next `careroute run` starts afresh.")
