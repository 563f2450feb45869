"""What a function that tells people builds at cold start: the notification log on its table,
and the channel its configuration names. Handlers never ask where they run: the local stack
sets NOTIFICATION_OUTBOX (a file), the cloud sets NOTIFICATIONS_TOPIC_ARN (SNS)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from careroute.adapters.dynamodb.notifications import DynamoNotificationLog
from careroute.adapters.outbox_file import OutboxFile
from careroute.adapters.sns_notifier import SnsNotifier
from careroute.entrypoints.config import ConfigError, optional_env, required_env
from careroute.service_layer.notifications import Notices
from careroute.service_layer.ports import Notifier


@dataclass(frozen=True)
class NotificationSettings:
    table: str
    """NOTIFICATIONS_TABLE: the log of notices (one per event and recipient)."""
    topic_arn: str = ""
    """NOTIFICATIONS_TOPIC_ARN: the SNS topic whose subscriptions reach people."""
    outbox: str = ""
    """NOTIFICATION_OUTBOX: a JSONL file written instead of SNS (the local stack sets it)."""

    @classmethod
    def from_env(cls) -> NotificationSettings:
        (table,) = required_env("NOTIFICATIONS_TABLE")
        return cls(
            table, optional_env("NOTIFICATIONS_TOPIC_ARN"), optional_env("NOTIFICATION_OUTBOX")
        )

    def channel(self) -> Notifier:
        """The outbox file when one is named, else the SNS topic."""
        if self.outbox:
            return OutboxFile(Path(self.outbox))
        if self.topic_arn:
            return SnsNotifier(self.topic_arn)
        raise ConfigError("set NOTIFICATIONS_TOPIC_ARN (SNS) or NOTIFICATION_OUTBOX (a file)")


def notices() -> Notices:
    """The function's notices, from its environment."""
    settings = NotificationSettings.from_env()
    return Notices(DynamoNotificationLog(settings.table), settings.channel())
