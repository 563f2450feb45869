"""The local HTTP server's request headers read as plain pairs give what the standard
library's email parse of the same lines gives, and a head too large is refused as it is."""

from __future__ import annotations

import http.client
import io
import socket

import pytest

from careroute_local.pump.http_events import HttpResponse
from careroute_local.pump.http_head import MAX_HEADERS, MAX_LINE, HeadTooLarge, read_head
from careroute_local.pump.http_server import serve

HEADS = [
    b"Host: here\r\nAuthorization: Bearer abc.def\r\nContent-Length: 12\r\n\r\n",
    b"X-A: 1\r\nx-a: 2\r\nEmpty:\r\nSpaced:   v  \r\nColon: a:b\r\n\r\n",
    b"Folded: first\r\n second line\r\nAfter: x\r\n\r\n",
    b"Bad Name: x\r\nGood: y\r\n\r\n",
    b"no colon here\r\nGood: y\r\n\r\n",
    b"Latin: caf\xe9\r\nN\xe4me: z\r\n\r\n",
    b"Unix: line\nEnds: too\n\n",
    b"Cut: short\r\n",
]


@pytest.mark.parametrize("head", HEADS)
def test_the_pairs_are_the_email_parse(head: bytes) -> None:
    expected = list(http.client.parse_headers(io.BytesIO(head)).items())

    assert read_head(io.BytesIO(head)) == [(name, str(value)) for name, value in expected]


def test_a_head_too_large_is_refused_where_the_standard_library_refuses_it() -> None:
    many = b"".join(b"X-%d: v\r\n" % i for i in range(MAX_HEADERS)) + b"\r\n"
    fewer = b"".join(b"X-%d: v\r\n" % i for i in range(MAX_HEADERS - 1)) + b"\r\n"
    long_line = b"X: " + b"v" * MAX_LINE + b"\r\n\r\n"

    for refused in (many, long_line):
        with pytest.raises(http.client.HTTPException):
            http.client.parse_headers(io.BytesIO(refused))
        with pytest.raises(HeadTooLarge):
            read_head(io.BytesIO(refused))
    assert len(read_head(io.BytesIO(fewer))) == MAX_HEADERS - 1


def echo(
    method: str, path: str, headers: list[tuple[str, str]], query: str, body: bytes | None
) -> tuple[HttpResponse, list[str]]:
    text = repr((method, path, headers, query, body)).encode()
    return HttpResponse(200, {"content-type": "text/plain"}, text), []


def exchange(request: bytes) -> bytes:
    """What the local server answers `request` with, read until it closes the connection."""
    server = serve(echo, "", "127.0.0.1", 0)
    try:
        with socket.create_connection(server.server_address, timeout=5) as client:
            client.sendall(request)
            return b"".join(iter(lambda: client.recv(1 << 16), b""))
    finally:
        server.shutdown()


def test_requests_reach_the_pump_with_their_headers_and_body() -> None:
    """Given HTTP/1.1 with `Connection: close`, an `Expect: 100-continue` and a body, then the
    server says 100 Continue, hands over the headers and body, and closes as asked."""
    answer = exchange(
        b"POST //visits?a=1 HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n"
        b"Content-Length: 4\r\nConnection: close\r\n\r\nbody"
    )

    assert answer.startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n")
    assert b"connection: close" in answer
    assert answer.endswith(
        repr(
            (
                "POST",
                "/visits",
                [("Host", "h"), ("Expect", "100-continue"), ("Content-Length", "4"),
                 ("Connection", "close")],
                "a=1",
                b"body",
            )
        ).encode()
    )  # fmt: skip


def test_other_request_lines_are_read_as_the_standard_library_reads_them() -> None:
    """HTTP/1.0 closes after the answer; a bad version is 400 and HTTP/2 505, as before (the
    standard library answers these two as to HTTP/0.9: the error page alone)."""
    assert b"HTTP/1.1 200 OK" in exchange(b"GET /x HTTP/1.0\r\nHost: h\r\n\r\n")
    assert b"Error code: 400" in exchange(b"GET /x HTTP/1.x\r\n\r\n")
    assert b"Error code: 505" in exchange(b"GET /x HTTP/2.0\r\n\r\n")
    assert exchange(b"GET /x HTTP/1.1\r\n" + b"X: 1\r\n" * MAX_HEADERS + b"\r\n").startswith(
        b"HTTP/1.1 431"
    )
