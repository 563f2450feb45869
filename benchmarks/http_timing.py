"""Timing HTTP requests against raw calls, for `api_latency.py`: each pair made alternately
(a burst of load from elsewhere falls on both sides of a ratio), a kept-alive client, the
table rows of the ratios, and requests per second with concurrent clients.

Imported by the benchmark scripts (run as `python benchmarks/<name>.py`, so this folder
is on sys.path); not a benchmark itself.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests
import urllib3

from careroute.domain.percentiles import percentile


def elapsed_ms(call: Callable[[int], None], i: int) -> float:
    start = time.perf_counter()
    call(i)
    return (time.perf_counter() - start) * 1000


def interleaved(
    n: int, http: Callable[[int], None], raw: Callable[[int], None]
) -> tuple[list[float], list[float]]:
    """`n` timings of each call, made alternately: (HTTP ms, raw ms)."""
    pairs = [(elapsed_ms(http, i), elapsed_ms(raw, i)) for i in range(n)]
    return [h for h, _ in pairs], [r for _, r in pairs]


def ratio_row(name: str, timings: tuple[list[float], list[float]]) -> str:
    """A table row: HTTP and raw p50 and p99 (ms) and their ratios."""
    http, raw = timings
    p50s = (percentile(http, 0.5) or 0.0, percentile(raw, 0.5) or 0.0)
    p99s = (percentile(http, 0.99) or 0.0, percentile(raw, 0.99) or 0.0)
    return (
        f"| {name} | {p50s[0]:.1f} | {p99s[0]:.1f} | {p50s[1]:.1f} | {p99s[1]:.1f} "
        f"| {p50s[0] / p50s[1]:.2f}x | {p99s[0] / p99s[1]:.2f}x |"
    )


def split_by(
    flags: list[bool], timings: tuple[list[float], list[float]]
) -> tuple[tuple[list[float], list[float]], tuple[list[float], list[float]]]:
    """Interleaved (HTTP, raw) timings split in two by `flags`: (flagged, the others)."""

    def part(wanted: bool) -> tuple[list[float], list[float]]:
        pairs = [(h, r) for flag, h, r in zip(flags, *timings, strict=True) if flag == wanted]
        return [h for h, _ in pairs], [r for _, r in pairs]

    return part(True), part(False)


def in_turn(n: int, calls: Mapping[str, Callable[[int], None]]) -> dict[str, list[float]]:
    """`n` timings (ms) of each call, the calls made one after the other in turn."""
    timings: dict[str, list[float]] = {name: [] for name in calls}
    for i in range(n):
        for name, call in calls.items():
            timings[name].append(elapsed_ms(call, i))
    return timings


class HttpClient:
    """The benchmark's HTTP client, keeping its connection alive: urllib3 (the HTTP library
    boto3 sends the raw calls with, so both sides of a ratio pay the same kind of client), or
    `requests` on top of it (`--client requests`, what earlier runs used: ~0.6 ms more CPU per
    request in this process, counted on the API's side only)."""

    def __init__(self, kind: str, headers: Mapping[str, str]) -> None:
        self.headers = dict(headers)
        self._requests = requests.Session() if kind == "requests" else None
        self._pool = urllib3.PoolManager(maxsize=1, retries=False, timeout=30.0)

    def call(
        self,
        method: str,
        url: str,
        body: dict[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[int, str]:
        """(status, text) of one request; `headers` on top of the client's own."""
        sent = {**self.headers, **(headers or {})}
        if self._requests is not None:
            answer = self._requests.request(method, url, json=body, headers=sent, timeout=30)
            return answer.status_code, answer.text
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            sent["content-type"] = "application/json"
        response = self._pool.request(method, url, body=data, headers=sent)
        return response.status, response.data.decode()

    def ok(self, method: str, url: str, **options: Any) -> None:
        status, text = self.call(method, url, **options)
        if status >= 300:
            raise AssertionError(f"{method} {url}: {status} {text[:200]}")

    def close(self) -> None:
        self._pool.clear()
        if self._requests is not None:
            self._requests.close()


def per_second(
    clients: int,
    total: int,
    call: Callable[[HttpClient, int], None],
    make_client: Callable[[], HttpClient],
) -> float:
    """Requests per second of `call` made by `clients` concurrent clients, `total` in all."""
    each = total // clients

    def client(c: int) -> None:
        own = make_client()
        try:
            for i in range(each):
                call(own, c * each + i)
        finally:
            own.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    return clients * each / (time.perf_counter() - started)
