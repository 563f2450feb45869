"""The notifier on Amazon SNS: each notice published once to the notifications topic with its
recipient as a message attribute.

The topic's subscriptions are the address book: an operator subscribes a person's phone (SMS)
or an office's mailbox (e-mail) with a filter policy on `recipient` ('street:st-001'), so
phone numbers and addresses live in SNS, never in CareRoute's tables or logs. SNS answers with
a message id once it has taken the message; each endpoint's delivery is in SNS's delivery
status logs (docs/notifications.md).
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from careroute.adapters.aws_client import AwsClient
from careroute.domain.notices import Notice
from careroute.observability import logger
from careroute.service_layer.ports import DeliveryFailed


def _text(value: str) -> dict[str, str]:
    return {"DataType": "String", "StringValue": value}


class SnsNotifier(AwsClient):
    service = "sns"

    def __init__(self, topic_arn: str, client: Any = None) -> None:
        super().__init__(client)
        self.topic_arn = topic_arn

    def send(self, notice: Notice) -> str:
        try:
            answer = self._client.publish(
                TopicArn=self.topic_arn,
                Subject=notice.subject,
                Message=notice.body,
                MessageAttributes={
                    "recipient": _text(notice.recipient.key),
                    "recipient_kind": _text(notice.recipient.kind.value),
                    "notice_kind": _text(notice.kind.value),
                },
            )
        except ClientError as exc:
            code = exc.response["Error"]["Code"]
            logger.warning(
                "notice not published", extra={"notice_id": notice.notice_id, "code": code}
            )
            raise DeliveryFailed(f"SNS refused the notice: {code}") from exc
        except BotoCoreError as exc:
            logger.warning("notice not published", extra={"notice_id": notice.notice_id})
            raise DeliveryFailed(f"SNS unreachable: {type(exc).__name__}") from exc
        message_id: str = answer["MessageId"]
        return message_id
