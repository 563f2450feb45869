"""API Gateway's route selection for an HTTP API: the template's routes, most specific first.

A request goes to the route API Gateway would pick: a path with more literal segments beats
one with parameters, `{proxy+}` comes after both, an exact method beats ANY, and `$default`
catches the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from careroute_local.template import FunctionSpec, HttpApiEvent, HttpApiSpec


@dataclass(frozen=True)
class Route:
    """One HttpApi event of a function, with its path compiled for matching."""

    spec: FunctionSpec
    event: HttpApiEvent
    api: HttpApiSpec
    pattern: re.Pattern[str] | None  # None for $default
    literal_segments: int
    greedy: bool

    @property
    def needs_token(self) -> bool:
        """Behind a JWT authorizer (its own, or the API's default one)."""
        authorizer = self.event.authorizer or self.api.default_authorizer
        return authorizer is not None and authorizer != "NONE"


def route(spec: FunctionSpec, event: HttpApiEvent, api: HttpApiSpec) -> Route:
    if event.path == "$default":
        return Route(spec, event, api, None, 0, True)
    regex, literals, greedy = "", 0, False
    for segment in event.path.strip("/").split("/"):
        if segment.startswith("{") and segment.endswith("+}"):
            regex += f"/(?P<{segment[1:-2]}>.+)"
            greedy = True
        elif segment.startswith("{") and segment.endswith("}"):
            regex += f"/(?P<{segment[1:-1]}>[^/]+)"
        elif segment:
            regex += "/" + re.escape(segment)
            literals += 1
    return Route(spec, event, api, re.compile((regex or "/") + "$"), literals, greedy)


def match_route(routes: list[Route], method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    """The route a request goes to, with its path parameters; None: no route (404)."""
    best: tuple[tuple[int, int, int, int], Route, dict[str, str]] | None = None
    for candidate in routes:
        if candidate.event.method not in (method, "ANY") and candidate.event.path != "$default":
            continue
        if candidate.pattern is None:
            params: dict[str, str] = {}
            rank = (0, 0, 0, 0)
        else:
            match = candidate.pattern.match(path)
            if match is None:
                continue
            params = {k: unquote(v) for k, v in match.groupdict().items()}
            rank = (1, int(not candidate.greedy), candidate.literal_segments,
                    int(candidate.event.method == method))  # fmt: skip
        if best is None or rank > best[0]:
            best = (rank, candidate, params)
    return None if best is None else (best[1], best[2])
