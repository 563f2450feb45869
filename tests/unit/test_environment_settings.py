"""Every function's settings come from the environment through one reader
(`entrypoints.config`), which names every variable missing at once."""

from __future__ import annotations

import pytest

from careroute.entrypoints.config import ConfigError, Settings
from careroute.entrypoints.export_setup import ExportSettings
from careroute.entrypoints.notification_setup import NotificationSettings

TABLES = ("COMMUNITIES_TABLE", "STEWARDS_TABLE", "ELDERS_TABLE", "ROUTES_TABLE", "VISITS_TABLE",
          "COVERAGE_TABLE", "ELDER_HISTORY_TABLE", "TICKETS_TABLE")  # fmt: skip
EXPORT = {"EXPORT_JOBS_TABLE": "jobs", "EXPORT_BUCKET": "files", "EXPORT_JOBS_QUEUE_URL": "q"}


def test_every_missing_variable_is_named_in_one_error(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in EXPORT:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("EXPORT_BUCKET", "files")
    with pytest.raises(ConfigError, match=r"not set: EXPORT_JOBS_TABLE, EXPORT_JOBS_QUEUE_URL$"):
        ExportSettings.from_env()


def test_an_empty_variable_counts_as_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOTIFICATIONS_TABLE", "")
    with pytest.raises(ConfigError, match="NOTIFICATIONS_TABLE"):
        NotificationSettings.from_env()


def test_settings_are_read_in_order_with_optional_ones_empty(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in EXPORT.items():
        monkeypatch.setenv(name, value)
    assert ExportSettings.from_env() == ExportSettings("jobs", "files", "q")
    monkeypatch.setenv("NOTIFICATIONS_TABLE", "log")
    monkeypatch.delenv("NOTIFICATIONS_TOPIC_ARN", raising=False)
    monkeypatch.setenv("NOTIFICATION_OUTBOX", "out.jsonl")
    assert NotificationSettings.from_env() == NotificationSettings("log", "", "out.jsonl")


def test_the_region_falls_back_to_the_default_region(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in TABLES:
        monkeypatch.setenv(name, name.lower())
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "cn-north-1")
    assert Settings.from_env().region == "cn-north-1"
    monkeypatch.delenv("COMMUNITIES_TABLE")
    monkeypatch.delenv("TICKETS_TABLE")
    with pytest.raises(ConfigError, match=r"not set: COMMUNITIES_TABLE, TICKETS_TABLE$"):
        Settings.from_env()
