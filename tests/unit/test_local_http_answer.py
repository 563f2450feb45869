"""The local HTTP API's answer and the pump's JSON copy of events and results.

The server writes the status line, the headers and the body in one write (a client woken
by the headers would otherwise wait for the body); `json_copy` gives what the JSON round
trip Lambda makes gives, without the text where the value is JSON's own types already."""

from __future__ import annotations

import enum
import json
import socket
import socketserver
from typing import Any

import pytest

from careroute_local.pump.function_runner import MAX_COPY_DEPTH, json_copy
from careroute_local.pump.http_events import HttpResponse
from careroute_local.pump.http_server import serve

BODY = json.dumps({"name": "张秀英", "stops": list(range(2000))}, ensure_ascii=False).encode()


def answer(
    method: str, path: str, headers: list[tuple[str, str]], query: str, body: bytes | None
) -> tuple[HttpResponse, list[str]]:
    return HttpResponse(200, {"content-type": "application/json"}, BODY), ["a=1", "b=2"]


def test_the_answer_is_one_write(monkeypatch: pytest.MonkeyPatch) -> None:
    """Given the local server, when a keep-alive client sends a GET, then the server writes
    the status line, every header (each cookie apart) and the whole body in one write."""
    writes: list[bytes] = []
    write = socketserver._SocketWriter.write

    def counted(self: socketserver._SocketWriter, data: Any) -> int:
        writes.append(bytes(data))
        return write(self, data)

    monkeypatch.setattr(socketserver._SocketWriter, "write", counted)
    server = serve(answer, "", "127.0.0.1", 0)
    try:
        with socket.create_connection(server.server_address, timeout=5) as client:
            client.sendall(b"GET /x HTTP/1.1\r\nHost: here\r\n\r\n")
            data = b""
            while len(data) < len(BODY) or b"\r\n\r\n" not in data:
                data += client.recv(1 << 20)
    finally:
        server.shutdown()

    assert writes == [data]
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    assert lines[0] == "HTTP/1.1 200 OK"
    assert f"content-length: {len(BODY)}" in lines
    assert {"set-cookie: a=1", "set-cookie: b=2", "content-type: application/json"} <= set(lines)
    assert "connection: close" not in lines
    assert body == BODY


def test_a_head_request_gets_the_headers_without_the_body() -> None:
    server = serve(answer, "", "127.0.0.1", 0)
    try:
        with socket.create_connection(server.server_address, timeout=5) as client:
            client.sendall(b"HEAD /x HTTP/1.1\r\nHost: here\r\nConnection: close\r\n\r\n")
            data = b"".join(iter(lambda: client.recv(1 << 16), b""))
    finally:
        server.shutdown()

    head, _, body = data.partition(b"\r\n\r\n")
    assert f"content-length: {len(BODY)}".encode() in head
    assert body == b""


class Tier(enum.IntEnum):
    A = 1


class Colour(enum.StrEnum):
    RED = "red"


@pytest.mark.parametrize(
    "value",
    [
        {"statusCode": 200, "headers": {"a": "b"}, "body": BODY.decode(), "cookies": []},
        {"list": [1, 2.5, True, None, "s", {"x": [[]]}], "nan": float("nan")},
        {"tuple": (1, {"k": (2,)}), 3: "int key", None: "none key"},
        {"enums": [Tier.A, Colour.RED]},
        [{"deep": 1}] * 3,
        "text",
        7,
        None,
    ],
)
def test_json_copy_is_the_json_round_trip(value: Any) -> None:
    expected = json.loads(json.dumps(value))

    copied = json_copy(value)

    assert repr(copied) == repr(expected)
    assert [type(v) for v in _leaves(copied)] == [type(v) for v in _leaves(expected)]


def test_json_copy_is_a_copy_and_refuses_what_json_refuses() -> None:
    nested: dict[str, Any] = {"inner": {"n": 1}}
    deep: Any = "end"
    for _ in range(MAX_COPY_DEPTH + 5):
        deep = {"d": deep}
    looped: dict[str, Any] = {}
    looped["self"] = looped

    copied = json_copy(nested)
    copied["inner"]["n"] = 2

    assert nested == {"inner": {"n": 1}}
    assert json_copy(deep) == deep
    with pytest.raises(ValueError):
        json_copy(looped)
    with pytest.raises(TypeError):
        json_copy({"x": object()})


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _leaves(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in _leaves(item)]
    return [value]
