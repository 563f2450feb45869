"""The command line the replay benchmarks share: a first step that runs `careroute simulate`
and records what it wants to replay into FILE, and a second that replays FILE on this tree,
`--rounds` times (horizon_replay.py, route_replay.py)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path


def replay_main(
    doc: str,
    steps: tuple[str, str],
    record: Callable[[Path, list[str]], None],
    replay: Callable[[Path, int], None],
    rounds: int,
    before: Callable[[], None] | None = None,
) -> None:
    """Parse `STEP FILE [--rounds N] [-- simulate options]` and run the step named: the first
    of `steps` records (with the options after `--`), the second replays. `before` runs first
    (e.g. lifting the searches' time caps)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("step", choices=steps)
    parser.add_argument("file", type=Path)
    parser.add_argument("--rounds", type=int, default=rounds)
    parser.add_argument(
        "simulate", nargs=argparse.REMAINDER, help=f"{steps[0]}: -- and its options"
    )
    args = parser.parse_args()
    if before is not None:
        before()
    if args.step == steps[0]:
        record(args.file, [a for a in args.simulate if a != "--"])
    else:
        replay(args.file, args.rounds)
