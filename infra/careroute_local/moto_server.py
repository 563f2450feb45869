"""Entry point of the local moto server process: moto's own server, with moto_patches applied.

Run as `python -m careroute_local.moto_server -H 127.0.0.1 -p PORT` (same flags as moto.server).
With `--journal FILE` the server replays FILE before it answers and journals every change
to it (careroute_local.journal): the state outlives the process.

Requests pass a fault injector first (careroute_local.faults; no rules: no faults), then the
snapshot store (careroute_local.snapshots: tests restore a loaded stack in one request).
Connections stay open between requests (careroute_local.keep_alive).

The server exits when the process that started it dies (even by SIGKILL), so a killed
`careroute run` leaves no orphan server behind.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

from careroute_local import moto_patches


def _exit_with_parent(parent: int) -> None:
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _serve(host: str, port: int, journal_path: Path | None) -> None:
    """moto's server (as `moto.server.main` runs it) behind the fault injector and, with
    `journal_path`, the journal (replayed first)."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import run_simple

    from careroute_local import keep_alive
    from careroute_local.faults import Faults
    from careroute_local.journal import Journal
    from careroute_local.snapshots import Snapshots

    os.environ.setdefault("MOTO_PORT", str(port))
    app: Any = DomainDispatcherApplication(create_backend_app)
    if journal_path is not None:
        app = Journal(app, journal_path)
        replayed = app.replay()
        print(json.dumps({"journal_replayed": replayed}), file=sys.stderr, flush=True)
    keep_alive.apply()
    run_simple(
        host,
        port,
        Faults(Snapshots(app)),
        threaded=True,
        request_handler=keep_alive.KeepAliveRequestHandler,
    )


def main(argv: list[str] | None = None) -> None:
    moto_patches.apply()
    argv = list(argv if argv is not None else sys.argv[1:])
    _exit_with_parent(os.getppid())
    parser = argparse.ArgumentParser()
    parser.add_argument("--journal", type=Path)
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=5000)
    args = parser.parse_args(argv)
    _serve(args.host, args.port, args.journal)


if __name__ == "__main__":
    main()
