"""`careroute`: the command line of the local stack and of data import/export.

careroute run                      main job: stack, synthetic city, tomorrow's plan, API
careroute plan --date D --export F plan one date on a fresh local stack, write JSON
careroute data generate --out DIR  write a synthetic Shenyang as CSV
careroute data import --dir DIR    validate CSVs, load them into the running stack
careroute data export --dir DIR    write the running stack's registry as CSV
careroute token --role R --scope S print a dev bearer token for the local HTTP API
careroute outbox [--recipient KEY] the notices the running stack would have sent, per recipient
careroute simulate --month YYYY-MM  a month through the real pipeline; report and exit code
careroute reset [--yes]            delete the `run` stack's stored data (asks first)
careroute capacity --month YYYY-MM  the month's capacity forecast of the running stack

One module per command group (`run_commands`, `data_commands`, `stack_commands`,
`circle_command`, `capacity_command`, `simulate_command`, `outbox_command`); `parser` holds
the whole grammar and `main` below picks the command.
"""

from __future__ import annotations

import contextlib
import sys

from careroute.domain import clock
from careroute_local.cli.capacity_command import cmd_capacity
from careroute_local.cli.circle_command import cmd_circle
from careroute_local.cli.console import console
from careroute_local.cli.data_commands import cmd_export, cmd_generate, cmd_import
from careroute_local.cli.outbox_command import cmd_outbox
from careroute_local.cli.parser import build_parser
from careroute_local.cli.run_commands import cmd_plan, cmd_run
from careroute_local.cli.simulate_command import cmd_simulate
from careroute_local.cli.stack_commands import cmd_coverage, cmd_redrive, cmd_reset, cmd_token

__all__ = ["build_parser", "main"]


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    handlers = {
        ("run", None): cmd_run,
        ("plan", None): cmd_plan,
        ("data", "generate"): cmd_generate,
        ("data", "import"): cmd_import,
        ("data", "export"): cmd_export,
        ("token", None): cmd_token,
        ("outbox", None): cmd_outbox,
        ("coverage", None): cmd_coverage,
        ("redrive", None): cmd_redrive,
        ("reset", None): cmd_reset,
        ("simulate", None): cmd_simulate,
        ("circle", None): cmd_circle,
        ("capacity", None): cmd_capacity,
    }
    handler = handlers[(args.command, getattr(args, "data_command", None))]
    running = clock.use(clock.RunningClock(args.now)) if args.now else contextlib.nullcontext()
    try:
        with running:
            handler(args)
    except KeyboardInterrupt:
        console.print("stopped")
        sys.exit(130)
