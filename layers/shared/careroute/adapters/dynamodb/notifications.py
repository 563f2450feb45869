"""The notification log on DynamoDB: one item per notice (its id), bound to the table it is
given, holding ids and a delivery status, never a message (no personal data).

The claim is one UpdateItem conditional on the stored status (the rule of
`careroute.domain.notices.may_claim`), so two deliveries of one event cannot both send. Items
expire a year after their last claim (TTL): long enough to answer "was the office told?".
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from careroute.adapters.aws_client import AwsClient
from careroute.adapters.dynamodb.errors import BOTO_ERRORS, CONDITION_FAILED, storage_errors
from careroute.domain.notices import (
    SENDING_LEASE,
    DeliveryStatus,
    Notice,
    NoticeKind,
    NoticeRecord,
)

KEPT_FOR = timedelta(days=366)


def _stamp(moment: datetime) -> str:
    """UTC, fixed width: stamps compare in time order as strings (the claim's condition)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _moment(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


class DynamoNotificationLog(AwsClient):
    service = "dynamodb"

    def __init__(self, table_name: str, client: Any = None) -> None:
        super().__init__(client)
        self.table_name = table_name

    def claim(self, notice: Notice, now: datetime) -> bool:
        with storage_errors("claim a notice", BOTO_ERRORS):
            try:
                self._client.update_item(
                    TableName=self.table_name,
                    Key={"notice_id": {"S": notice.notice_id}},
                    UpdateExpression=(
                        "SET #status = :sending, claimed_at = :now, #kind = :kind, "
                        "#event = :event, recipient = :recipient, expires_at = :expires "
                        "ADD attempts :one"
                    ),
                    ConditionExpression=(
                        "attribute_not_exists(notice_id) OR #status = :failed "
                        "OR (#status = :sending AND claimed_at <= :stale)"
                    ),
                    ExpressionAttributeNames={
                        "#status": "status",
                        "#kind": "kind",
                        "#event": "event",
                    },
                    ExpressionAttributeValues={
                        ":sending": {"S": DeliveryStatus.SENDING.value},
                        ":failed": {"S": DeliveryStatus.FAILED.value},
                        ":now": {"S": _stamp(now)},
                        ":stale": {"S": _stamp(now - SENDING_LEASE)},
                        ":kind": {"S": notice.kind.value},
                        ":event": {"S": notice.event},
                        ":recipient": {"S": notice.recipient.key},
                        ":expires": {"N": str(int((now + KEPT_FOR).timestamp()))},
                        ":one": {"N": "1"},
                    },
                )
            except ClientError as exc:
                if exc.response["Error"]["Code"] == CONDITION_FAILED:
                    return False  # sent, or being sent by another delivery
                raise
        return True

    def _set(self, notice: Notice, action: str, values: dict[str, dict[str, str]]) -> None:
        names = {f"#{key}": key for key in values}
        with storage_errors(action, BOTO_ERRORS):
            self._client.update_item(
                TableName=self.table_name,
                Key={"notice_id": {"S": notice.notice_id}},
                UpdateExpression="SET " + ", ".join(f"#{key} = :{key}" for key in values),
                ExpressionAttributeNames=names,
                ExpressionAttributeValues={f":{key}": value for key, value in values.items()},
            )

    def record_sent(self, notice: Notice, message_id: str, now: datetime) -> None:
        self._set(
            notice,
            "record a notice sent",
            {
                "status": {"S": DeliveryStatus.SENT.value},
                "message_id": {"S": message_id},
                "sent_at": {"S": _stamp(now)},
            },
        )

    def record_failed(self, notice: Notice, reason: str, now: datetime) -> None:
        self._set(
            notice,
            "record a notice failed",
            {"status": {"S": DeliveryStatus.FAILED.value}, "reason": {"S": reason[:500]}},
        )

    def find(self, notice_id: str) -> NoticeRecord | None:
        with storage_errors("read a notice", BOTO_ERRORS):
            item = self._client.get_item(
                TableName=self.table_name,
                Key={"notice_id": {"S": notice_id}},
                ConsistentRead=True,
            ).get("Item")
        if item is None:
            return None
        sent_at = item.get("sent_at", {}).get("S")
        return NoticeRecord(
            notice_id=item["notice_id"]["S"],
            kind=NoticeKind(item["kind"]["S"]),
            event=item["event"]["S"],
            recipient=item["recipient"]["S"],
            status=DeliveryStatus(item["status"]["S"]),
            claimed_at=_moment(item["claimed_at"]["S"]),
            attempts=int(item["attempts"]["N"]),
            message_id=item.get("message_id", {}).get("S", ""),
            sent_at=_moment(sent_at) if sent_at else None,
            reason=item.get("reason", {}).get("S", ""),
        )
