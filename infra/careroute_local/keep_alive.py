"""Keep the local moto server's connections open between requests (HTTP/1.1 keep-alive).

werkzeug's development server, which moto's server runs on, closes every connection after one
answer: after answering it drains whatever the client sent beyond the body, and a next request
on the same connection would be drained with it. So every request of every client (each
handler's botocore, the pump) opened a TCP connection and the server started a thread for it:
~10 % of both sides' CPU while a city was loaded. Here a request whose body has a length is
read whole before moto sees it, so nothing is left to drain; the answer keeps the connection
open, and the connection's thread serves the client's next request, as AWS's endpoints do. A
chunked request body is left to werkzeug's own way (drained, then closed).
"""

from __future__ import annotations

import io
import selectors
import threading
from typing import Any

import werkzeug.serving
from moto.moto_server.werkzeug_app import MotoRequestHandler

_request = threading.local()
"""Per server thread: was the current request's body read whole (nothing to drain)?"""


class _NothingLeft:
    """A selector over a connection whose request body was read whole: nothing to drain."""

    def register(self, *args: Any) -> None:
        pass

    def select(self, timeout: float | None = None) -> list[Any]:
        return []

    def close(self) -> None:
        pass


class _Selectors:
    """`selectors` as werkzeug.serving sees it: its drain finds nothing left on a connection
    whose request was read whole; otherwise the real module's selector."""

    EVENT_READ = selectors.EVENT_READ

    @staticmethod
    def DefaultSelector() -> Any:
        return (
            _NothingLeft()
            if getattr(_request, "read_whole", False)
            else selectors.DefaultSelector()
        )


class KeepAliveRequestHandler(MotoRequestHandler):
    """moto's request handler, answering without closing a connection whose request body
    had a length (read whole before moto parses it)."""

    read_whole = False
    disable_nagle_algorithm = True
    """An answer's headers and body go out in two writes: on a kept connection the body would
    wait for the client's delayed acknowledgement of the headers (~40 ms) without TCP_NODELAY."""

    def run_wsgi(self) -> None:
        chunked = "chunked" in self.headers.get("Transfer-Encoding", "").lower()
        self.read_whole = _request.read_whole = not chunked
        try:
            super().run_wsgi()
        finally:
            _request.read_whole = False

    def make_environ(self) -> dict[str, Any]:
        environ = super().make_environ()
        if self.read_whole:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            environ["wsgi.input"] = io.BytesIO(self.rfile.read(length) if length > 0 else b"")
        return environ

    def send_header(self, keyword: str, value: str) -> None:
        if self.read_whole and keyword.lower() == "connection" and value.lower() == "close":
            return  # the connection stays open for the client's next request
        super().send_header(keyword, value)


def apply() -> None:
    """Let werkzeug's drain see a whole-read request's connection as empty (idempotent)."""
    werkzeug.serving.selectors = _Selectors  # type: ignore[attr-defined, assignment]
