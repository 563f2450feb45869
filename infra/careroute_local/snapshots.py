"""Snapshots of the local moto server's data: save a loaded stack once, restore it in one request.

The integration tests start hundreds of times from the same small city. Importing it through
DynamoDB calls costs seconds each time; a restore costs a deep copy inside the server process.
A snapshot keeps a copy of moto's DynamoDB backends (tables, indexes, items, TTL settings and
stream records). A restore puts a fresh copy of them back, so every table holds exactly the
items and stream records it held when the snapshot was taken, and empties every queue and
forgets every stream iterator (as a reset does); `LocalStack.restore` re-creates the queues.

POST /careroute/snapshots/<name>/save and POST /careroute/snapshots/<name>/restore; a restore of
a name never saved answers 404. Test infrastructure only: a journaled stack refuses restores
(`LocalStack.restore`), because a restore bypasses the journal.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Callable, Iterable
from typing import Any

PATH_PREFIX = "/careroute/snapshots/"
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
RegionBackends = dict[tuple[str, str], Any]
"""(account id, region) -> moto's DynamoDB backend of that region."""


class Snapshots:
    """WSGI middleware that saves and restores moto's DynamoDB state by name."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app
        self.saved: dict[str, RegionBackends] = {}
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        path = environ.get("PATH_INFO") or ""
        if not path.startswith(PATH_PREFIX) or environ.get("REQUEST_METHOD") != "POST":
            return self.app(environ, start_response)
        name, _, action = path.removeprefix(PATH_PREFIX).partition("/")
        with self.lock:
            if action == "save":
                self.saved[name] = copy.deepcopy(_dynamodb_backends())
                return _answer(start_response, "200 OK", {"saved": name})
            if action == "restore" and name in self.saved:
                _install(copy.deepcopy(self.saved[name]))
                return _answer(start_response, "200 OK", {"restored": name})
            if action == "restore":
                return _answer(start_response, "404 Not Found", {"error": f"no snapshot {name!r}"})
        return _answer(start_response, "400 Bad Request", {"error": f"unknown action {action!r}"})


def _dynamodb_backends() -> RegionBackends:
    from moto.dynamodb.models import dynamodb_backends

    return {
        (account, region): backend
        for account, regions in dynamodb_backends.items()
        for region, backend in regions.items()
    }


def _install(backends: RegionBackends) -> None:
    """Put `backends` in place of moto's DynamoDB backends; empty the queues and forget the
    stream iterators (their shards are the old tables')."""
    from moto.dynamodb.models import dynamodb_backends
    from moto.dynamodbstreams.models import dynamodbstreams_backends
    from moto.sqs.models import sqs_backends

    for regions in dynamodb_backends.values():
        regions.clear()
    for (account, region), backend in backends.items():
        dynamodb_backends[account][region] = backend
    for stream_regions in dynamodbstreams_backends.values():
        for streams in stream_regions.values():
            streams.reset()
    for queue_regions in sqs_backends.values():
        for queues in queue_regions.values():
            queues.reset()


def _answer(start_response: Callable[..., Any], status: str, body: dict[str, Any]) -> list[bytes]:
    start_response(status, [("Content-Type", "application/json")])
    return [json.dumps(body).encode()]
