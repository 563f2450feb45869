"""The web pages' static shell (HTML, CSS, JS, images) served byte for byte with the headers that
keep the pages to their own scripts: the shell holds no data, so it needs no token."""

import base64
import json
from http import HTTPStatus
from pathlib import Path
from typing import Any

from aws_lambda_powertools.event_handler import Response

from careroute.entrypoints.http_errors import error

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    ".png": "image/png",
}


def shell_headers(token_origin: str | None) -> dict[str, str]:
    """The pages run only their own scripts (and their service worker) and talk only to this API
    and the sign-in's token endpoint; images may come from https for the optional base-map
    tiles."""
    connect = " ".join(filter(None, ["'self'", token_origin]))
    csp = (
        f"default-src 'self'; script-src 'self'; connect-src {connect}; "
        "img-src 'self' data: https:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; "
        "base-uri 'none'; form-action 'none'; worker-src 'self'"
    )
    return {
        "Cache-Control": "no-cache",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Content-Security-Policy": csp,
    }


class StaticShell:
    """The shell's files under one folder, listed once: a request names one or gets 404."""

    def __init__(self, root: Path, token_origin: str | None) -> None:
        self.files = {
            p.relative_to(root).as_posix(): p for p in root.rglob("*") if p.suffix in TYPES
        }
        self.headers = shell_headers(token_origin)

    def json(self, body: Any) -> Response[str]:
        return Response(200, TYPES[".json"], json.dumps(body), headers=self.headers)

    def file(self, path: str) -> Response[str]:
        """A file of the shell, byte for byte (line ends kept); an image goes base64-encoded, as
        API Gateway passes binary."""
        found = self.files.get(path)
        if found is None:
            return error(HTTPStatus.NOT_FOUND, "not_found", "no such page")
        if found.suffix == ".png":
            body = base64.b64encode(found.read_bytes()).decode("ascii")
            response = Response(200, TYPES[".png"], body, headers=self.headers)
            response.base64_encoded = True
            return response
        text = found.read_bytes().decode("utf-8")
        return Response(200, TYPES[found.suffix], text, headers=self.headers)
