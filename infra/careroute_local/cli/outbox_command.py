"""`careroute outbox`: the notices the running stack's handlers would have sent (responders,
street and district offices), per recipient, from its outbox file."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from careroute.adapters.outbox_file import by_recipient, read_outbox
from careroute_local.cli.console import console
from careroute_local.paths import STACK_FILE, STATE_DIR


def running_outbox() -> Path:
    """The outbox file of the running `careroute run` stack (its connection file names it),
    else where that stack keeps it."""
    if STACK_FILE.exists():
        environment = json.loads(STACK_FILE.read_text("utf-8"))["environment"]
        if environment.get("NOTIFICATION_OUTBOX"):
            return Path(environment["NOTIFICATION_OUTBOX"])
    return STATE_DIR / "outbox.jsonl"


def cmd_outbox(args: argparse.Namespace) -> None:
    from rich.table import Table

    path = running_outbox()
    messages = read_outbox(path, args.recipient)
    if not messages:
        console.print(
            f"No notices in {path}" + (f" for {args.recipient}" if args.recipient else "")
        )
        return
    for recipient, theirs in by_recipient(messages).items():
        table = Table(title=f"{recipient}: {len(theirs)} notice(s)", title_justify="left")
        for column in ("at", "kind", "message"):
            table.add_column(column)
        for message in theirs[-args.last :]:
            table.add_row(message["at"][:19], message["kind"], message["body"])
        console.print(table)
