"""A durable journal of the moto server's changes, replayed when the server starts again.

moto keeps everything in memory: without this, stopping `careroute run` (or a `kill -9`)
loses every visit. Runs inside the moto server process (see moto_server.py), as a WSGI
middleware around moto's own application:

- DynamoDB: each successful mutating request (PutItem, UpdateItem, TransactWriteItems, ...)
  is appended to the journal, with its headers and body, before moto's answer leaves the
  server. DynamoDB's state is a function of the ordered writes alone (every value comes from
  the client), so replaying them in order rebuilds the same items, and moto numbers stream
  records by position: the visits stream comes back with the same sequence numbers, and the
  event pump's saved positions stay valid.
- SQS: queue changes (CreateQueue, SetQueueAttributes, ...) are replayed as requests; messages
  are kept as a net list: each request's added and removed messages (a send, a delete, moto
  moving a message to its DLQ on receive) are journaled by message id. On replay every message
  not deleted is back in its queue, visible: messages that were in flight return to their
  queue, as after a visibility timeout.
- Stream reads (GetRecords) take the same lock as writes, so no reader sees a record that is
  not journaled yet (a checkpoint past an unjournaled record would skip a later one).

A write lands in the file with one os.write() on an O_APPEND descriptor before moto answers:
a killed server (even SIGKILL) keeps every acknowledged write; the operating system flushes it
to disk. CAREROUTE_JOURNAL_FSYNC=1 adds an fsync per write (power loss; costs throughput).
Failed requests (a failed condition, a validation error) changed nothing and are not kept.
"""

from __future__ import annotations

import io
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from werkzeug.test import EnvironBuilder

log = logging.getLogger("careroute_local.journal")

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

DYNAMODB_WRITES = frozenset(
    {
        "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems",
        "CreateTable", "UpdateTable", "DeleteTable", "UpdateTimeToLive",
        "UpdateContinuousBackups", "TagResource", "UntagResource",
        "ExecuteStatement", "BatchExecuteStatement", "ExecuteTransaction",
    }
)  # fmt: skip
SQS_QUEUE_CHANGES = frozenset(
    {"CreateQueue", "DeleteQueue", "SetQueueAttributes", "TagQueue", "UntagQueue"}
)
SQS_MESSAGE_CHANGES = frozenset(
    {
        "SendMessage", "SendMessageBatch", "ReceiveMessage", "DeleteMessage",
        "DeleteMessageBatch", "PurgeQueue", "StartMessageMoveTask",
    }
)  # fmt: skip
STREAM_READS = frozenset({"GetRecords"})
_HEADERS_KEPT = ("host", "content-type", "authorization", "x-amz-target", "x-amz-date")


def _target(environ: dict[str, Any]) -> tuple[str, str] | None:
    """("DynamoDB_20120810", "PutItem") from the X-Amz-Target header, None without one."""
    target = environ.get("HTTP_X_AMZ_TARGET")
    if not target or "." not in target:
        return None
    service, _, operation = target.partition(".")
    return service, operation


class Journal:
    """The middleware: journals changes of `app`, and replays a journal into it."""

    def __init__(self, app: WsgiApp, path: Path) -> None:
        self.app = app
        self.path = path
        self.lock = threading.RLock()
        self.fsync = os.environ.get("CAREROUTE_JOURNAL_FSYNC") == "1"
        path.parent.mkdir(parents=True, exist_ok=True)
        _drop_torn_tail(path)
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    # ------------------------------------------------------------------ serving

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("PATH_INFO") == "/moto-api/reset":
            with self.lock:
                result = list(self.app(environ, start_response))
                os.ftruncate(self._fd, 0)
                return result
        target = _target(environ)
        if target is None:
            return self.app(environ, start_response)
        service, operation = target
        if service.startswith("DynamoDBStreams"):
            if operation not in STREAM_READS:
                return self.app(environ, start_response)
            with self.lock:
                return list(self.app(environ, start_response))
        if service.startswith("DynamoDB") and operation in DYNAMODB_WRITES:
            return self._journaled_request(environ, start_response)
        if service == "AmazonSQS" and operation in SQS_QUEUE_CHANGES:
            return self._journaled_request(environ, start_response)
        if service == "AmazonSQS" and operation in SQS_MESSAGE_CHANGES:
            return self._journaled_messages(environ, start_response)
        return self.app(environ, start_response)

    def _journaled_request(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> list[bytes]:
        body = _read_body(environ)
        status: list[str] = []

        def capture(code: str, headers: Any, exc_info: Any = None) -> Any:
            status.append(code)
            return start_response(code, headers, exc_info)

        with self.lock:
            result = list(self.app(environ, capture))
            if status and status[0].startswith("2"):
                headers = {
                    name: environ[key]
                    for name in _HEADERS_KEPT
                    if (key := "HTTP_" + name.upper().replace("-", "_")) in environ
                    or (key := name.upper().replace("-", "_")) in environ
                }
                entry = {"r": {"p": environ.get("PATH_INFO", "/"), "h": headers,
                               "b": body.decode("utf-8")}}  # fmt: skip
                self._append([entry])
        return result

    def _journaled_messages(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> list[bytes]:
        with self.lock:
            before = _messages()
            result = list(self.app(environ, start_response))
            after = _messages()
            entries: list[dict[str, Any]] = [
                {"q-": [queue, message_id]} for (queue, message_id) in before.keys() - after.keys()
            ]
            entries.extend(
                {"q+": [queue, message_id, *after[(queue, message_id)]]}
                for (queue, message_id) in sorted(
                    after.keys() - before.keys(), key=lambda k: after[k][2]
                )
            )
            if entries:
                self._append(entries)
        return result

    def _append(self, entries: list[dict[str, Any]]) -> None:
        data = "".join(json.dumps(e, separators=(",", ":")) + "\n" for e in entries).encode()
        os.write(self._fd, data)
        if self.fsync:
            os.fsync(self._fd)

    # ------------------------------------------------------------------ replay

    def replay(self) -> dict[str, float]:
        """Apply the journal to the (empty) app; returns counts and seconds."""
        started = time.perf_counter()
        requests = 0
        messages: dict[tuple[str, str], list[Any]] = {}
        if self.path.exists():
            with self.path.open("rb") as handle:
                for number, line in enumerate(handle, 1):
                    try:
                        entry = json.loads(line)
                    except ValueError:
                        log.warning("journal line %d is incomplete; ignored", number)
                        continue
                    if "r" in entry:
                        self._apply(entry["r"])
                        requests += 1
                    elif "q+" in entry:
                        queue, message_id, *rest = entry["q+"]
                        messages[(queue, message_id)] = rest
                    elif "q-" in entry:
                        queue, message_id = entry["q-"]
                        messages.pop((queue, message_id), None)
        _restore_messages(messages)
        return {
            "requests": requests,
            "messages": len(messages),
            "seconds": round(time.perf_counter() - started, 3),
        }

    def _apply(self, request: dict[str, Any]) -> None:
        if _batch_write_directly(request):
            return
        builder = EnvironBuilder(
            path=request["p"], method="POST", headers=request["h"], data=request["b"]
        )
        status: list[str] = []

        def start_response(code: str, headers: Any, exc_info: Any = None) -> None:
            status.append(code)

        body = b"".join(self.app(builder.get_environ(), start_response))
        if not (status and status[0].startswith("2")):
            log.warning("journal replay: %s -> %s %s", request["h"].get("x-amz-target"),
                        status, body[:300])  # fmt: skip


def _drop_torn_tail(path: Path) -> None:
    """Cut a last line left incomplete by a write the kill interrupted (never acknowledged:
    moto answers after the write returns), so the next entry starts on a line of its own."""
    if not path.exists():
        return
    with path.open("rb+") as handle:
        size = handle.seek(0, os.SEEK_END)
        if size == 0:
            return
        handle.seek(size - 1)
        if handle.read(1) == b"\n":
            return
        keep = 0
        step = 1 << 16
        position = size
        while position > 0 and not keep:
            start = max(0, position - step)
            handle.seek(start)
            newline = handle.read(position - start).rfind(b"\n")
            if newline >= 0:
                keep = start + newline + 1
            position = start
        log.warning("journal: dropped an incomplete last entry (%d bytes)", size - keep)
        handle.truncate(keep)


def _batch_write_directly(request: dict[str, Any]) -> bool:
    """Replay a BatchWriteItem (a city load is thousands) on moto's backend, as moto's own
    handler does after parsing: puts in order, then deletes. The request succeeded once, so
    its checks pass again. Skips the HTTP parse (a third of the replay). False: not done."""
    headers = request["h"]
    body = request["b"]
    if not headers.get("x-amz-target", "").endswith(".BatchWriteItem") or '"B' in body:
        return False  # other operations, or binary values (the parser decodes those)
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    credential = headers.get("authorization", "").split("Credential=", 1)[-1].split("/")
    if len(credential) < 3:
        return False
    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][credential[2]]
    puts: list[tuple[str, Any]] = []
    deletes: list[tuple[str, Any]] = []
    for table_name, table_requests in json.loads(body)["RequestItems"].items():
        for table_request in table_requests:
            if "PutRequest" in table_request:
                puts.append((table_name, table_request["PutRequest"]["Item"]))
            else:
                deletes.append((table_name, table_request["DeleteRequest"]["Key"]))
    for table_name, item in puts:
        backend.put_item(table_name, item)
    for table_name, key in deletes:
        backend.delete_item(table_name, key)
    return True


def _read_body(environ: dict[str, Any]) -> bytes:
    """Read the request body and put it back for moto to read again."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return bytes(body)


def _sqs_queues() -> Iterable[Any]:
    from moto.sqs.models import sqs_backends

    for account in sqs_backends.values():
        for backend in account.values():
            yield from backend.queues.values()


def _messages() -> dict[tuple[str, str], tuple[str, Any, int]]:
    """Every message of every queue: (queue, id) -> (body, message attributes, sent at)."""
    return {
        (queue.name, m.id): (m.body, m.message_attributes, m.sent_timestamp or 0)
        for queue in _sqs_queues()
        for m in list(queue._messages)
    }


def _restore_messages(messages: dict[tuple[str, str], list[Any]]) -> None:
    """Put every surviving message back in its queue, visible, in the order it was sent."""
    from moto.sqs.models import Message

    queues = {queue.name: queue for queue in _sqs_queues()}
    for (queue_name, message_id), (body, attributes, _sent) in sorted(
        messages.items(), key=lambda item: item[1][2]
    ):
        queue = queues.get(queue_name)
        if queue is None:
            log.warning("journal replay: queue %s is gone; message %s dropped", queue_name,
                        message_id)  # fmt: skip
            continue
        message = Message(message_id, body)
        message.message_attributes = attributes or {}
        message.mark_sent(delay_seconds=0)
        queue.add_message(message)
