"""The local HTTP API on a socket: a threaded server in front of the pump's API Gateway.

Browsers, curl and the web tests talk to real HTTP; this module reads each request (refusing
bodies over API Gateway's payload limit with 413), hands it to the pump and writes the answer.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from careroute_local.pump.http_events import HttpResponse, api_error
from careroute_local.pump.http_head import HeadTooLarge, Pairs, read_head

log = logging.getLogger("careroute_local")

MAX_HTTP_BODY = 1024 * 1024  # the brief's approximation of API Gateway's payload limit

Respond = Callable[
    [str, str, list[tuple[str, str]], str, bytes | None], tuple[HttpResponse, list[str]]
]
"""(method, path without the stage, headers, raw query, body) -> (response, cookies)."""


class LocalHttpServer(ThreadingHTTPServer):
    """The local HTTP API. `shutdown()` stops it and closes its socket."""

    daemon_threads = True

    def shutdown(self) -> None:
        super().shutdown()
        self.server_close()


def serve(respond: Respond, prefix: str, host: str, port: int) -> LocalHttpServer:
    """Serve in a daemon thread; paths must start with `prefix` (the stage, or '')."""

    class RequestHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # With Nagle on, a keep-alive client's delayed ACK can stall an answer ~40 ms
        # after a short write. API Gateway answers without that stall.
        disable_nagle_algorithm = True

        raw_requestline: bytes  # set by the standard library, before `parse_request`
        head: Pairs
        """The request's headers (`parse_request`)."""

        def parse_request(self) -> bool:
            """An HTTP/1.0 or 1.1 request line and its headers, read as the standard library
            reads them (the same keep-alive, `Expect: 100-continue` and 431 answers), the
            headers as plain pairs (`http_head`); any other request line as the standard
            library reads it, errors and all."""
            requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
            words = requestline.split()
            if len(words) != 3 or words[2] not in ("HTTP/1.0", "HTTP/1.1"):
                if not super().parse_request():
                    return False
                self.head = [(name, str(value)) for name, value in self.headers.items()]
                return True
            command, path, version = words
            self.requestline, self.command, self.request_version = requestline, command, version
            self.path = "/" + path.lstrip("/") if path.startswith("//") else path
            try:
                self.head = read_head(self.rfile)
            except HeadTooLarge as too_large:
                self.close_connection = True
                self.send_error(431, str(too_large))
                return False
            connection = (self._header("connection") or "").lower()
            self.close_connection = version == "HTTP/1.0" or connection == "close"
            if connection == "keep-alive":
                self.close_connection = False
            expect = (self._header("expect") or "").lower()
            if expect == "100-continue" and version == "HTTP/1.1":
                return self.handle_expect_100()
            return True

        def _header(self, name: str) -> str | None:
            """The first value of a request header (`name` in lower case)."""
            return next((value for key, value in self.head if key.lower() == name), None)

        def _handle(self) -> None:
            length = int(self._header("content-length") or 0)
            if length > MAX_HTTP_BODY:
                # Read what the client sends (up to a bound) before answering: closing on
                # an unread body resets the connection and the client never sees the 413.
                remaining = min(length, 16 * MAX_HTTP_BODY)
                while remaining > 0:
                    chunk = self.rfile.read(min(remaining, 1 << 16))
                    if not chunk:
                        break
                    remaining -= len(chunk)
                self.close_connection = True
                self._send(api_error(413, "Request Entity Too Large"), [])
                return
            body = self.rfile.read(length) if length else None
            path, _, query = self.path.partition("?")
            if prefix and not (path == prefix or path.startswith(prefix + "/")):
                self._send(api_error(404, "Not Found"), [])
                return
            response, cookies = respond(
                self.command, path[len(prefix) :] or "/", self.head, query, body
            )
            self._send(response, cookies)

        def _send(self, response: HttpResponse, cookies: list[str]) -> None:
            """The status line, the headers and the body in one write: in two, the client
            woken by the headers waits for the body (and, in one process with this server,
            for the GIL the server needs to send it): two more wake-ups per request."""
            self.log_request(response.status)
            reason = self.responses.get(response.status, ("",))[0]
            lines = [
                f"{self.protocol_version} {response.status} {reason}",
                f"Server: {self.version_string()}",
                f"Date: {self.date_time_string()}",
            ]
            lines += [
                f"{name}: {value}"
                for name, value in response.headers.items()
                if name not in ("content-length", "connection")
            ]
            lines += [f"set-cookie: {cookie}" for cookie in cookies]
            lines.append(f"content-length: {len(response.body)}")
            if self.close_connection:
                lines.append("connection: close")
            head = "".join(f"{line}\r\n" for line in lines) + "\r\n"
            body = b"" if self.command == "HEAD" else response.body
            self.wfile.write(head.encode("latin-1") + body)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _handle

        def log_message(self, format: str, *args: Any) -> None:
            log.debug("http " + format, *args)  # formatted only when debug is on

    server = LocalHttpServer((host, port), RequestHandler)
    thread = threading.Thread(target=server.serve_forever, name="careroute-http", daemon=True)
    thread.start()
    return server
