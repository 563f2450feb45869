"""The notification log, memory against DynamoDB (the template's NotificationsTable on the
local stack): one claim wins, even among concurrent senders; a sent notice is never claimed
again, a failed one is; a claim is taken over only after the lease; the record keeps the
status, message id, attempts and reason, and no message text."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from careroute.adapters.dynamodb.notifications import DynamoNotificationLog
from careroute.adapters.memory_notifications import MemoryNotificationLog
from careroute.domain.notices import (
    SENDING_LEASE,
    DeliveryStatus,
    Notice,
    NoticeKind,
    Recipient,
)
from careroute.service_layer.ports import NotificationLog
from careroute_local.pump import EventPump
from tests.conftest import china_now

NOW = china_now().replace(microsecond=0)


@pytest.fixture(params=["memory", "dynamodb"])
def log(request: pytest.FixtureRequest) -> NotificationLog:
    if request.param == "memory":
        return MemoryNotificationLog()
    pump: EventPump = request.getfixturevalue("session_pump")
    pump.stack.reset()
    table = pump.stack.table_name("NotificationsTable")
    return DynamoNotificationLog(table, pump.stack.client("dynamodb"))


def a_notice(event: str, to: str = "street:S1") -> Notice:
    return Notice(
        NoticeKind.TICKET_OVERDUE, event, Recipient.parse(to), "overdue", "ticket tk-1 is overdue"
    )


def test_the_first_claim_wins_and_a_sent_notice_is_never_claimed_again(
    log: NotificationLog,
) -> None:
    notice = a_notice("tk-1#overdue:street")
    assert log.find(notice.notice_id) is None
    assert log.claim(notice, NOW)
    assert not log.claim(notice, NOW)
    log.record_sent(notice, "msg-1", NOW + timedelta(seconds=1))
    assert not log.claim(notice, NOW + timedelta(days=1))
    record = log.find(notice.notice_id)
    assert record is not None
    assert (record.status, record.message_id, record.sent_at, record.attempts) == (
        DeliveryStatus.SENT,
        "msg-1",
        NOW + timedelta(seconds=1),
        1,
    )
    assert (record.kind, record.event, record.recipient) == (
        NoticeKind.TICKET_OVERDUE,
        "tk-1#overdue:street",
        "street:S1",
    )
    assert log.claim(a_notice("tk-1#overdue:street", "steward:W1"), NOW)  # another recipient


def test_a_failed_notice_is_claimed_again_with_its_reason_kept(log: NotificationLog) -> None:
    notice = a_notice("tk-2#overdue:street")
    assert log.claim(notice, NOW)
    log.record_failed(notice, "SNS refused the notice: Throttling", NOW)
    failed = log.find(notice.notice_id)
    assert failed is not None
    assert (failed.status, failed.reason) == (
        DeliveryStatus.FAILED,
        "SNS refused the notice: Throttling",
    )
    assert log.claim(notice, NOW + timedelta(seconds=5))
    again = log.find(notice.notice_id)
    assert again is not None and (again.status, again.attempts) == (DeliveryStatus.SENDING, 2)


def test_a_claim_is_taken_over_only_once_the_lease_is_over(log: NotificationLog) -> None:
    notice = a_notice("tk-3#overdue:street")
    assert log.claim(notice, NOW)
    assert not log.claim(notice, NOW + SENDING_LEASE - timedelta(seconds=1))
    assert log.claim(notice, NOW + SENDING_LEASE)
    record = log.find(notice.notice_id)
    assert record is not None and (record.claimed_at, record.attempts) == (
        NOW + SENDING_LEASE,
        2,
    )


def test_of_eight_concurrent_senders_exactly_one_claims(log: NotificationLog) -> None:
    notice = a_notice("in-9#dispatched", "steward:W1")
    won: list[bool] = []
    start = threading.Barrier(8)

    def sender() -> None:
        start.wait()
        won.append(log.claim(notice, NOW))

    threads = [threading.Thread(target=sender) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(won) == [False] * 7 + [True]
