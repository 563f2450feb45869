"""API Gateway (HTTP API) for the local stack: requests routed to the template's functions.

One request at a time per function, payload format 2.0. Routes behind a JWT authorizer need
`Authorization: Bearer <token>` from the local dev issuer (careroute_local.dev_auth): missing,
forged or expired -> 401 {"message":"Unauthorized"}; the verified claims reach the handler in
requestContext.authorizer.jwt.claims. `GET /local/outbox` lists the notices the handlers wrote
(careroute_local.pump.outbox_route): the local stack's own page, needing no token. Under
`/local/auth/` the dev issuer plays Cognito's hosted sign-in (careroute_local.pump.signin_route).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from careroute_local.dev_auth import DevIssuer
from careroute_local.dev_signin import DevSignIn
from careroute_local.pump.function_runner import FunctionRunner, last_line
from careroute_local.pump.http_events import (
    Headers,
    HttpResponse,
    Query,
    api_error,
    header,
    http_result,
    request_event,
)
from careroute_local.pump.http_routes import Route, match_route, route
from careroute_local.pump.http_server import LocalHttpServer, serve
from careroute_local.pump.outbox_route import OUTBOX_ROUTE, outbox_answer
from careroute_local.pump.signin_route import SIGN_IN_PREFIX, sign_in_answer
from careroute_local.stack import LocalStack
from careroute_local.template import Template

log = logging.getLogger("careroute_local")

MATCHES_KEPT = 4_096
"""(method, path) pairs whose route is kept: matching walks every route's pattern (~0.05 ms
of Python per request), work API Gateway does outside any function."""


Matched = tuple[Route, dict[str, str]] | None
"""A request's route and its path parameters; None: no route (404)."""


class HttpApi(FunctionRunner):
    """Answers HTTP requests with the functions the template routes them to."""

    def __init__(self, stack: LocalStack) -> None:
        super().__init__(stack)
        self._route_table: tuple[Template, list[Route]] | None = None
        self._matches: tuple[list[Route], dict[tuple[str, str], Matched]] = ([], {})
        self._issuer: DevIssuer | None = None
        self._sign_in: DevSignIn | None = None

    @property
    def issuer(self) -> DevIssuer:
        """The local JWT issuer whose tokens the HTTP API accepts (dev keys, see dev_auth)."""
        if self._issuer is None:
            self._issuer = DevIssuer()
        return self._issuer

    @property
    def sign_in(self) -> DevSignIn:
        """The pages' sign-in on the local issuer (code flow with PKCE, refresh)."""
        if self._sign_in is None:
            self._sign_in = DevSignIn(self.issuer)
        return self._sign_in

    def verify_token(self, authorization: str | None) -> dict[str, Any] | None:
        return self.issuer.verify(authorization)

    def invoke_http(
        self,
        method: str,
        path: str,
        *,
        headers: Headers = None,
        query: Query = None,
        body: str | bytes | None = None,
        jwt_claims: Mapping[str, Any] | None = None,
    ) -> HttpResponse:
        """One request through the HTTP API. `path` excludes the stage ("/visits")."""
        response, cookies = self._http(method, path, headers, query, body, jwt_claims)
        if cookies:
            response.headers["set-cookie"] = ", ".join(cookies)
        return response

    def _http(
        self,
        method: str,
        path: str,
        headers: Headers,
        query: Query,
        body: str | bytes | None,
        jwt_claims: Mapping[str, Any] | None,
    ) -> tuple[HttpResponse, list[str]]:
        method = method.upper()
        path, _, path_query = path.partition("?")
        if query is None:
            raw_query = path_query
        elif isinstance(query, str):
            raw_query = query
        else:
            raw_query = urlencode(query, doseq=True)
        if method == "GET" and path == OUTBOX_ROUTE:
            accept = header(headers, "accept")
            return outbox_answer(self.stack.outbox_path, raw_query, accept), []
        if path.startswith(SIGN_IN_PREFIX):
            return sign_in_answer(self.sign_in, method, path, raw_query, body), []
        matched = self._match(method, path)
        if matched is None:
            return api_error(404, "Not Found"), []
        matched_route, path_params = matched
        if jwt_claims is None and matched_route.needs_token:
            # API Gateway's JWT authorizer: no valid token, no invocation.
            jwt_claims = self.verify_token(header(headers, "authorization"))
            if jwt_claims is None:
                return api_error(401, "Unauthorized"), []
        if matched_route.event.payload_format_version != "2.0":
            raise NotImplementedError(f"{matched_route.event.route_key}: only payload format 2.0")
        event = request_event(
            matched_route,
            region=self.stack.region,
            account_id=self.stack.template.account_id,
            method=method,
            path=path,
            raw_query=raw_query,
            headers=headers,
            body=body,
            path_params=path_params,
            jwt_claims=jwt_claims,
        )
        ok, result = self._invoke_safely(matched_route.spec, event)
        if not ok:
            log.warning("%s failed: %s", matched_route.event.route_key, last_line(result))
            return api_error(500, "Internal Server Error"), []
        return http_result(result)

    def _routes(self) -> list[Route]:
        template = self.stack.template  # replaced by start() and reset(): rebuild then
        if self._route_table is None or self._route_table[0] is not template:
            apis = template.http_apis
            routes = [route(f, e, apis[e.api_logical_id]) for f, e in template.http_routes()]
            self._route_table = (template, routes)
        return self._route_table[1]

    def _match(self, method: str, path: str) -> Matched:
        """The route of (method, path) and its path parameters, kept (`MATCHES_KEPT`) until
        the template is replaced."""
        routes = self._routes()
        if self._matches[0] is not routes:
            self._matches = (routes, {})
        kept = self._matches[1]
        key = (method, path)
        if key not in kept:
            if len(kept) >= MATCHES_KEPT:
                kept.clear()
            kept[key] = match_route(routes, method, path)
        found = kept[key]
        return None if found is None else (found[0], dict(found[1]))

    def serve_http(self, host: str = "127.0.0.1", port: int = 0) -> tuple[LocalHttpServer, str]:
        """Serve the HTTP API on 127.0.0.1 in a daemon thread; returns (server, base URL)."""
        if host not in ("127.0.0.1", "localhost"):
            raise ValueError("the local HTTP API listens on 127.0.0.1 only")
        stages = {api.stage_name for api in self.stack.template.http_apis.values()}
        stage = stages.pop() if len(stages) == 1 else "$default"
        prefix = "" if stage == "$default" else f"/{stage}"

        def respond(
            method: str, path: str, headers: Headers, query: str, body: bytes | None
        ) -> tuple[HttpResponse, list[str]]:
            return self._http(method, path, headers, query, body, None)

        server = serve(respond, prefix, host, port)
        return server, f"http://{host}:{server.server_address[1]}{prefix}"
