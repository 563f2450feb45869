"""The boto3 client of an adapter that talks to AWS directly (not through pynamodb), made on
first use, not at cold start: with boto3, the first client is ~70 ms of CPU."""

from __future__ import annotations

from functools import cached_property
from typing import Any, ClassVar


class AwsClient:
    """Gives a subclass `self._client`, the boto3 client of its `service` (or the one given)."""

    service: ClassVar[str]
    """The boto3 service name, e.g. "sns"."""

    def __init__(self, client: Any = None) -> None:
        self._given_client: Any = client

    @cached_property
    def _client(self) -> Any:
        import boto3

        return self._given_client or boto3.client(self.service)
