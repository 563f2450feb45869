"""Commands that work on the running `careroute run` stack find its tables here: the
connection file it leaves in the data folder, unless the environment names a deployed stack.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING

from careroute_local.cli.console import EXIT_BAD_INPUT, console
from careroute_local.paths import STACK_FILE

if TYPE_CHECKING:
    from careroute.entrypoints.config import Settings


def attach() -> None:
    """Use the running `careroute run` stack, unless the environment already names tables."""
    if os.environ.get("COMMUNITIES_TABLE"):
        return
    if not STACK_FILE.exists():
        console.print(
            "[red]No stack to talk to.[/] Start one with `make run` (or `careroute run`) in "
            "another terminal, or set AWS credentials and the table variables "
            "(COMMUNITIES_TABLE, STEWARDS_TABLE, ...) for a deployed stack."
        )
        raise SystemExit(EXIT_BAD_INPUT)
    environment = json.loads(STACK_FILE.read_text("utf-8"))["environment"]
    os.environ.update(environment)


def attached_settings() -> Settings:
    from careroute.adapters.dynamodb import bind_tables
    from careroute.entrypoints.config import Settings

    attach()
    settings = Settings.from_env()
    bind_tables(settings)
    return settings
