"""Notifications' ports: the channel that reaches a person (the Notifier), and the log that
makes each notice go out once and keeps its delivery status."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from careroute.domain.notices import Notice, NoticeRecord


class DeliveryFailed(Exception):
    """The channel refused or could not take the notice (throttled, unreachable); the reason
    names no person."""


class Notifier(Protocol):
    """A channel to people: Amazon SNS in the cloud (SMS and e-mail), the outbox file on the
    local stack, a list in memory."""

    def send(self, notice: Notice) -> str:
        """Hand the notice to the channel for its recipient; the channel's message id.
        DeliveryFailed when the channel did not take it."""
        ...


class NotificationLog(Protocol):
    """One record per notice (its id): who claimed it, whether it went out, when."""

    def claim(self, notice: Notice, now: datetime) -> bool:
        """Mark the notice as being sent, by a write conditional on its record: True when this
        caller may send it (`careroute.domain.notices.may_claim`: no record yet, its last try
        failed, or a claim older than the sending lease); False when it was sent or is being
        sent."""
        ...

    def find(self, notice_id: str) -> NoticeRecord | None:
        """The notice's record (read consistently), or None when it was never claimed."""
        ...

    def record_sent(self, notice: Notice, message_id: str, now: datetime) -> None:
        """The channel took the notice under `message_id`."""
        ...

    def record_failed(self, notice: Notice, reason: str, now: datetime) -> None:
        """The channel refused the notice; a later claim may try again."""
        ...
