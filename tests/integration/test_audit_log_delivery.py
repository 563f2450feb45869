"""The audit of a route read leaves the request as a log line; the log group's subscription
hands it to the audit writer, which stores each read once, retried, then dead-lettered."""

from __future__ import annotations

import base64
import gzip
import json
from datetime import datetime

from careroute.domain.vocabulary import Registry
from careroute.messages.audit import AUDIT_KEY, READ_LOGGED, LoggedRead
from careroute_local.pump import EventPump
from careroute_local.template import LogSubscriptionEvent
from tests.conftest import china_now
from tests.integration.planned_day import plan_the_day, read_audit_log, read_route


def route_reads(pump: EventPump, community_id: str) -> list[dict[str, object]]:
    log = read_audit_log(pump, community_id, limit=500)
    assert log.status == 200, log.text
    return [read for read in log.json()["reads"] if read["what"] == "route"]


def awslogs(*messages: str) -> dict[str, object]:
    """A CloudWatch Logs subscription event carrying `messages`."""
    data = {
        "messageType": "DATA_MESSAGE",
        "logGroup": "/careroute/test/functions",
        "logStream": "2026/01/01/api[$LATEST]test",
        "subscriptionFilters": ["AuditWriterFunctionAuditLines"],
        "logEvents": [{"id": str(i), "timestamp": 0, "message": m} for i, m in enumerate(messages)],
    }
    return {
        "awslogs": {"data": base64.b64encode(gzip.compress(json.dumps(data).encode())).decode()}
    }


def audit_line(read: LoggedRead) -> str:
    return json.dumps({"message": READ_LOGGED, AUDIT_KEY: read.model_dump(mode="json")})


def test_the_writer_subscribes_to_the_log_group_the_api_logs_to(loaded_stack: EventPump) -> None:
    template = loaded_stack.stack.template
    writer = template.functions["AuditWriterFunction"]
    (lines,) = writer.events_of(LogSubscriptionEvent)
    assert lines.log_group == template.functions["ApiFunction"].log_group
    assert writer.dead_letter_queue_logical_id == "AuditDLQ"


def test_a_route_read_is_stored_once_the_line_is_delivered(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    plan_the_day(loaded_stack)
    steward = small_city.stewards[0]
    assert read_route(loaded_stack, steward.steward_id).status == 200
    assert route_reads(loaded_stack, steward.community_id) == []  # not written by the request
    assert loaded_stack.pending_log_lines() == 1

    delivered = loaded_stack.deliver_logs()

    assert (delivered.succeeded, delivered.failed, loaded_stack.pending_log_lines()) == (1, 0, 0)
    (read,) = route_reads(loaded_stack, steward.community_id)
    assert read["actor_role"] == "steward" and steward.steward_id in str(read["actor_sub"])


def test_a_line_delivered_again_stores_nothing_new(loaded_stack: EventPump) -> None:
    at = datetime.fromisoformat(china_now().isoformat())
    read = LoggedRead(
        read_id="r1",
        community_id="C0001",
        at=at,
        actor_sub="W0001",
        actor_role="steward",
        what="route",
        elder_ids=["E1", "E2"],
    )
    other = read.model_copy(update={"read_id": "r2"})
    answer = loaded_stack.invoke("AuditWriterFunction", awslogs(audit_line(read), audit_line(read)))
    assert answer["stored"] == 1
    loaded_stack.invoke("AuditWriterFunction", awslogs(audit_line(read), audit_line(other)))
    assert len(route_reads(loaded_stack, "C0001")) == 2


def test_a_line_that_is_no_read_fails_every_retry_and_is_dead_lettered(
    loaded_stack: EventPump,
) -> None:
    api = loaded_stack.stack.template.functions["ApiFunction"]
    loaded_stack.capture_line(api, 0.0, json.dumps({"message": READ_LOGGED, "audit": {}}))
    loaded_stack.capture_line(api, 0.0, json.dumps({"message": "not an audit line"}))

    delivered = loaded_stack.deliver_logs()

    assert (delivered.batches, delivered.failed, delivered.dead_lettered) == (3, 3, 1)
    sqs = loaded_stack.stack.client("sqs")
    url = loaded_stack.stack.queue_url("AuditDLQ")
    (parked,) = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert json.loads(parked["Body"])["awslogs"]["data"]


def test_lines_captured_before_a_reset_are_not_delivered_after_it(
    loaded_stack: EventPump,
) -> None:
    api = loaded_stack.stack.template.functions["ApiFunction"]
    loaded_stack.capture_line(api, 0.0, json.dumps({"message": READ_LOGGED}))
    loaded_stack.stack.reset()
    assert loaded_stack.pending_log_lines() == 0
    assert loaded_stack.deliver_logs().batches == 0
