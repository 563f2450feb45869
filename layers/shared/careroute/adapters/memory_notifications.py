"""Notifications in memory: the log of notices with the DynamoDB log's claim rule
(`tests/contract/` checks both), and an outbox list standing in for the channel."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime

from careroute.domain.notices import DeliveryStatus, Notice, NoticeRecord, may_claim
from careroute.service_layer.ports import DeliveryFailed


class MemoryNotificationLog:
    def __init__(self) -> None:
        self._records: dict[str, NoticeRecord] = {}
        self._lock = threading.Lock()  # a claim reads and writes as one conditional write

    def claim(self, notice: Notice, now: datetime) -> bool:
        with self._lock:
            record = self._records.get(notice.notice_id)
            if not may_claim(record, now):
                return False
            self._records[notice.notice_id] = NoticeRecord(
                notice_id=notice.notice_id,
                kind=notice.kind,
                event=notice.event,
                recipient=notice.recipient.key,
                status=DeliveryStatus.SENDING,
                claimed_at=now,
                attempts=(record.attempts if record else 0) + 1,
                reason=record.reason if record else "",
            )
            return True

    def record_sent(self, notice: Notice, message_id: str, now: datetime) -> None:
        with self._lock:
            record = self._records[notice.notice_id]
            self._records[notice.notice_id] = replace(
                record, status=DeliveryStatus.SENT, message_id=message_id, sent_at=now
            )

    def record_failed(self, notice: Notice, reason: str, now: datetime) -> None:
        with self._lock:
            record = self._records[notice.notice_id]
            self._records[notice.notice_id] = replace(
                record, status=DeliveryStatus.FAILED, reason=reason
            )

    def find(self, notice_id: str) -> NoticeRecord | None:
        with self._lock:
            return self._records.get(notice_id)


class MemoryOutbox:
    """The channel as a list: every notice handed over, in order. `refusing` makes it refuse
    (a channel that is down)."""

    def __init__(self) -> None:
        self.sent: list[Notice] = []
        self.refusing = False

    def send(self, notice: Notice) -> str:
        if self.refusing:
            raise DeliveryFailed("the channel is refusing messages")
        self.sent.append(notice)
        return f"memory-{len(self.sent)}"

    def to(self, recipient_key: str) -> list[Notice]:
        """The notices sent to one recipient ('street:st-001'), in order."""
        return [n for n in self.sent if n.recipient.key == recipient_key]
