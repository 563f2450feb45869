"""Fault injection at the local moto server: real AWS error answers on the wire.

Tests ask the server (POST /careroute/faults) to answer some requests with an error instead of
serving them: throttling (ProvisionedThroughputExceededException, ThrottlingException) or a
transient server error (InternalServerError, 500). Every client in every handler (pynamodb,
boto3, powertools) then meets the error through its own botocore stack, with its real retry
behaviour. A refused request never reaches moto (nor the journal): it changed nothing.

A rule: {"service": "DynamoDB", "operations": ["TransactWriteItems"] (absent: all),
"table": "careroute-local-visits" (absent: any; a request naming it), "code":
"ThrottlingException", "status": 400, "every": 2 (every 2nd match), "skip": 0 (first matches
served), "times": 10 (at most; absent: no limit)}. GET returns how many each rule
injected; DELETE clears the rules.
"""

from __future__ import annotations

import io
import json
import threading
import urllib.request
from collections.abc import Callable, Iterable
from typing import Any

PATH = "/careroute/faults"
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
SERVER_ERRORS = {"InternalServerError": 500, "ServiceUnavailable": 503}
JSON_PROTOCOLS = {"DynamoDB": "com.amazonaws.dynamodb.v20120810", "AmazonSQS": "com.amazonaws.sqs"}


class Faults:
    """WSGI middleware that refuses requests matching the configured rules."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app
        self.rules: list[dict[str, Any]] = []
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("PATH_INFO") == PATH:
            return self._control(environ, start_response)
        if self.rules:
            body = _peek_body(environ) if any("table" in r for r in self.rules) else b""
            rule = self._match(environ.get("HTTP_X_AMZ_TARGET") or "", body)
            if rule is not None:
                return _error(rule, start_response)
        return self.app(environ, start_response)

    def _match(self, target: str, body: bytes) -> dict[str, Any] | None:
        service, _, operation = target.partition(".")
        service = service.split("_", 1)[0]  # DynamoDB_20120810 -> DynamoDB
        with self.lock:
            for rule in self.rules:
                if rule.get("service", "DynamoDB") != service:
                    continue
                if rule.get("operations") and operation not in rule["operations"]:
                    continue
                if "table" in rule and f'"{rule["table"]}"'.encode() not in body:
                    continue
                rule["_seen"] = rule.get("_seen", 0) + 1
                seen = rule["_seen"] - int(rule.get("skip", 0))
                if seen <= 0 or seen % int(rule.get("every", 1)) != 0:
                    continue
                if rule.get("times") is not None and rule.get("_injected", 0) >= rule["times"]:
                    continue
                rule["_injected"] = rule.get("_injected", 0) + 1
                return rule
        return None

    def _control(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        method = environ.get("REQUEST_METHOD")
        with self.lock:
            if method == "POST":
                length = int(environ.get("CONTENT_LENGTH") or 0)
                self.rules = list(json.loads(environ["wsgi.input"].read(length) or b"[]"))
            elif method == "DELETE":
                self.rules = []
            body = json.dumps([r.get("_injected", 0) for r in self.rules]).encode()
        start_response("200 OK", [("Content-Type", "application/json")])
        return [body]


def _peek_body(environ: dict[str, Any]) -> bytes:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body: bytes = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def _error(rule: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    code = rule.get("code", "ThrottlingException")
    status = int(rule.get("status", SERVER_ERRORS.get(code, 400)))
    prefix = JSON_PROTOCOLS.get(rule.get("service", "DynamoDB"), "")
    body = json.dumps({"__type": f"{prefix}#{code}", "message": f"injected fault: {code}"})
    headers = [
        ("Content-Type", "application/x-amz-json-1.0"),
        ("x-amzn-query-error", f"{code};Sender"),
    ]
    start_response(f"{status} Injected", headers)
    return [body.encode()]


def _call(endpoint_url: str, method: str, rules: list[dict[str, Any]] | None = None) -> list[int]:
    data = None if rules is None else json.dumps(rules).encode()
    request = urllib.request.Request(f"{endpoint_url}{PATH}", data=data, method=method)
    with _OPENER.open(request, timeout=10) as response:
        injected: list[int] = json.loads(response.read())
        return injected


def inject(endpoint_url: str, rules: list[dict[str, Any]]) -> None:
    """Replace the server's fault rules."""
    _call(endpoint_url, "POST", rules)


def injected(endpoint_url: str) -> list[int]:
    """How many requests each current rule refused."""
    return _call(endpoint_url, "GET")


def clear(endpoint_url: str) -> list[int]:
    """Remove every rule (returns what they had injected)."""
    counts = injected(endpoint_url)
    _call(endpoint_url, "DELETE")
    return counts
