"""The shared logger never writes personal data, whatever a log call passes it."""

from __future__ import annotations

import io
import json
from typing import Any

from careroute.observability import PERSONAL_KEYS, REDACTED, logger

PERSONAL_VALUES = {
    "name": "Wang Xiuying",
    "address": "12 Zhongshan Road, Flat 3-401",
    "phone": "+86 139 0000 1234",
    "guardian": "Zhang Ming (son)",
    "guardian_phone": "+86 138 0000 5678",
    "national_id": "210102194501011234",
    "id_number": "210102194501015678",
    "notes": "knee pain, lives alone",
    "note": "smelled of gas",
    "birth_date": "1945-01-01",
    "lat": 41.79613579,
    "lng": 123.40124681,
    "location": "41.79613579,123.40124681",
}
IDS = {"elder_id": "E000123", "steward_id": "W0001", "community_id": "HP-01"}


def written(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def assert_no_personal_values(text: str) -> None:
    for key, value in PERSONAL_VALUES.items():
        assert str(value) not in text, f"{key} leaked: {text}"


def test_the_personal_keys_are_the_ones_the_issue_names() -> None:
    assert set(PERSONAL_VALUES) == PERSONAL_KEYS


def test_personal_fields_in_extra_are_redacted_and_ids_survive(handler_logs: io.StringIO) -> None:
    # At the top level the stdlib refuses an extra "name" and Powertools drops an extra
    # "location" (both LogRecord attributes); nested ones are redacted, tested below.
    flat = {k: v for k, v in PERSONAL_VALUES.items() if k not in ("name", "location")}
    logger.info("visit recorded", extra={**flat, "location": PERSONAL_VALUES["location"], **IDS})
    (line,) = written(handler_logs)
    assert_no_personal_values(handler_logs.getvalue())
    for key in flat:
        assert line[key] == REDACTED
    for key, value in IDS.items():
        assert line[key] == value
    assert line["message"] == "visit recorded"


def test_personal_fields_nested_in_dicts_and_lists_are_redacted(handler_logs: io.StringIO) -> None:
    """Given an elder, a visit and findings nested several levels deep in `extra`."""
    elder = {**IDS, **PERSONAL_VALUES, "contact": {"phone": PERSONAL_VALUES["phone"]}}
    visit = {
        "elder": elder,
        "findings": [{"category": "health", "note": PERSONAL_VALUES["note"]}],
        "stops": [[{"name": PERSONAL_VALUES["name"], "elder_id": "E000123"}]],
    }
    logger.warning("nested", extra={"visit": visit})
    (line,) = written(handler_logs)
    assert_no_personal_values(handler_logs.getvalue())
    assert line["visit"]["elder"]["name"] == REDACTED
    assert line["visit"]["elder"]["contact"]["phone"] == REDACTED
    assert line["visit"]["elder"]["elder_id"] == "E000123"
    assert line["visit"]["findings"] == [{"category": "health", "note": REDACTED}]
    assert line["visit"]["stops"] == [[{"name": REDACTED, "elder_id": "E000123"}]]


def test_a_dict_message_appended_keys_and_json_strings_are_redacted_too(
    handler_logs: io.StringIO,
) -> None:
    logger.append_keys(phone=PERSONAL_VALUES["phone"])
    try:
        logger.info({"Name": PERSONAL_VALUES["name"], "steward_id": "W0001"})
        logger.info("event", extra={"body": json.dumps({"notes": PERSONAL_VALUES["notes"]})})
    finally:
        logger.remove_keys(["phone"])
    first, second = written(handler_logs)
    assert_no_personal_values(handler_logs.getvalue())
    assert first["message"] == {"Name": REDACTED, "steward_id": "W0001"}
    assert first["phone"] == REDACTED
    assert json.loads(second["body"]) == {"notes": REDACTED}


def test_the_source_location_of_a_log_call_is_kept(handler_logs: io.StringIO) -> None:
    logger.info("plain")
    (line,) = written(handler_logs)
    assert "test_the_source_location_of_a_log_call_is_kept" in line["location"]


def test_an_exception_message_is_not_logged_but_its_type_and_frames_are(
    handler_logs: io.StringIO,
) -> None:
    """An error quoting an elder, raised from another that quotes an address."""
    try:
        try:
            raise KeyError(PERSONAL_VALUES["address"])
        except KeyError as exc:
            raise ValueError(f"bad record for {PERSONAL_VALUES['name']}") from exc
    except ValueError:
        logger.exception("storage failure", extra={"elder_id": "E000123"})
    (line,) = written(handler_logs)
    assert_no_personal_values(handler_logs.getvalue())
    assert line["exception_name"] == "ValueError"
    assert "builtins.KeyError: [redacted]" in line["exception"]
    assert "builtins.ValueError: [redacted]" in line["exception"]
    assert line["stack_trace"]["type"] == "ValueError"
    assert line["stack_trace"]["value"] == REDACTED
    assert line["stack_trace"]["frames"]
    assert line["elder_id"] == "E000123"
