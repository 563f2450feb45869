"""Notices on the local stack, through the real handlers: the same urgent-events SQS record
delivered twice tells its responder once, and the minute escalator tells the street office
once however often it runs; an overdue ticket tells its steward and the street office once per
level; the benefit scan tells each approving office once per ticket. Each is listed per
recipient by `GET /local/outbox`, its delivery status stored in NotificationsTable, with no
elder's name or id in the message. And the SNS notifier on moto: one publish per notice, which
the topic's filter policies route to that recipient's subscriptions only."""

from __future__ import annotations

import json
from datetime import UTC, timedelta
from typing import Any

import pytest

from careroute.adapters.dynamodb import incidents as store
from careroute.adapters.dynamodb import tickets
from careroute.adapters.dynamodb.notifications import DynamoNotificationLog
from careroute.adapters.sns_notifier import SnsNotifier
from careroute.domain import clock
from careroute.domain.incidents import Incident, IncidentStatus, incident_id
from careroute.domain.notices import (
    DeliveryStatus,
    Notice,
    NoticeKind,
    Recipient,
    dispatch_notice,
    escalation_notice,
)
from careroute.domain.tickets import Level, TicketSource, ticket_id
from careroute.domain.vocabulary import (
    Finding,
    FindingCategory,
    Registry,
    Severity,
    Tier,
)
from careroute.service_layer.ports import DeliveryFailed
from careroute_local.pump import EventPump
from tests.builders import a_visit_to
from tests.integration.stored_visits import active_elders_of, project_visit
from tests.integration.urgent_city import NOW, belts, event_body, pump, send

__all__ = ["pump"]  # the module's stack: urgent_city.pump
pytestmark = pytest.mark.usefixtures("at_ten_on_the_plan_date")


def outbox(pump: EventPump, recipient: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """The local outbox page: messages per recipient (one recipient's when given)."""
    response = pump.invoke_http(
        "GET", "/local/outbox", query={"recipient": recipient} if recipient else {}
    )
    assert response.status == 200, response.text
    grouped: dict[str, list[dict[str, Any]]] = response.json()["recipients"]
    return grouped


def notification_log(pump: EventPump) -> DynamoNotificationLog:
    table = pump.stack.table_name("NotificationsTable")
    return DynamoNotificationLog(table, pump.stack.client("dynamodb"))


def a_fall(pump: EventPump, city: Registry, belt: int, event_id: str) -> Incident:
    """The incident a fall reported by the city's `belt`-th belt became, through the queue."""
    device, _ = belts(city)[belt]
    send(pump, event_body(event_id, device.device_id))
    assert pump.drain_queue("UrgentEventsQueue").succeeded == 1
    return store.get_incident(incident_id(event_id))


def received_once(pump: EventPump, queue_logical_id: str) -> dict[str, Any]:
    """One message taken off a queue as its event source mapping would take it: the SQS
    record of the event Lambda gets. The message is deleted at once, so it cannot come back
    into a later test's drain when its visibility timeout runs out on a slow machine."""
    sqs = pump.stack.client("sqs")
    url = pump.stack.queue_url(queue_logical_id)
    [message] = sqs.receive_message(
        QueueUrl=url,
        MaxNumberOfMessages=10,
        MessageSystemAttributeNames=["All"],
        MessageAttributeNames=["All"],
    )["Messages"]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return pump._sqs_record(message, pump.stack.template.queues[queue_logical_id].arn)


def test_the_same_urgent_record_delivered_twice_tells_the_responder_once(
    pump: EventPump, small_city: Registry
) -> None:
    device, elder = belts(small_city)[0]
    send(pump, event_body("notice-fall-1", device.device_id))
    record = received_once(pump, "UrgentEventsQueue")
    for _ in range(2):  # SQS redelivers the record (a lost delete, a visibility timeout)
        answer = pump.invoke("UrgentEventsFunction", {"Records": [record]})
        assert answer == {"batchItemFailures": []}
    incident = store.get_incident(incident_id("notice-fall-1"))
    assert incident.status is IncidentStatus.DISPATCHED
    to = Recipient.parse(f"steward:{incident.responder_id}").key
    [message] = outbox(pump, to)[to]
    notice = dispatch_notice(incident)
    assert (message["notice_id"], message["kind"]) == (notice.notice_id, "incident_dispatched")
    assert incident.incident_id in message["body"] and elder.community_id in message["body"]
    assert elder.elder_id not in message["body"] and elder.name not in message["body"]
    stored = notification_log(pump).find(notice.notice_id)
    assert stored is not None
    assert (stored.status, stored.message_id, stored.attempts) == (
        DeliveryStatus.SENT,
        message["message_id"],
        1,
    )


def test_an_unacknowledged_incident_tells_the_street_office_once_however_often_the_minute_runs(
    pump: EventPump, small_city: Registry
) -> None:
    incident = a_fall(pump, small_city, 1, "notice-fall-2")
    elder = belts(small_city)[1][1]
    late = (incident.ack_due_at + timedelta(minutes=1)).astimezone(UTC)
    with clock.use(lambda: late):
        for _ in range(2):
            pump.fire_schedule("IncidentEscalatorFunction", late)
    raised = store.get_incident(incident.incident_id)
    assert raised.level is Level.STREET
    street = f"street:{elder.street_id}"
    [message] = [  # the office may hear of the other tests' incidents too
        m for m in outbox(pump, street)[street] if m["event"].startswith(raised.incident_id)
    ]
    assert message["notice_id"] == escalation_notice(raised).notice_id
    assert "not acknowledged by its responder" in message["body"]


def test_an_overdue_ticket_tells_its_steward_and_the_street_office_once(
    pump: EventPump, small_city: Registry
) -> None:
    steward = small_city.stewards[1]
    elder = active_elders_of(small_city, steward)[0]
    visited = NOW - timedelta(hours=1)
    need = Finding(FindingCategory.HEALTH, Severity.URGENT, "chest pain, blood pressure 180")
    record = a_visit_to(
        elder, "v-notice-1", visited, steward_id=steward.steward_id, tier=Tier.T2, findings=(need,)
    )
    project_visit(pump, record)
    later = (visited + timedelta(hours=25)).astimezone(UTC)
    with clock.use(lambda: later):
        for _ in range(2):  # the hourly tick retried: nobody is told twice
            pump.fire_schedule("EscalatorFunction", later)
    tid = ticket_id("v-notice-1", 0)
    told = {
        key: [m for m in messages if tid in m["body"]]
        for key, messages in outbox(pump).items()
        if any(tid in m["body"] for m in messages)
    }
    assert {key: len(found) for key, found in told.items()} == {
        f"steward:{steward.steward_id}": 1,
        f"street:{elder.street_id}": 1,
    }
    for [message] in told.values():
        assert message["kind"] == "ticket_overdue" and "blood pressure" not in message["body"]


def test_the_benefit_scan_tells_each_approving_office_once_for_all_its_tickets(
    pump: EventPump, small_city: Registry
) -> None:
    at = NOW.astimezone(UTC)
    first = pump.fire_schedule("EligibilityFunction", at)  # the backlog: everyone qualifying
    again = pump.fire_schedule("EligibilityFunction", at)  # a retried tick
    assert first["notified"] > 0 and again["notified"] == 0
    digests = {
        key: [m for m in messages if m["kind"] == NoticeKind.BENEFIT_TO_APPROVE.value]
        for key, messages in outbox(pump).items()
    }
    opened = [
        t
        for c in small_city.communities
        for t in tickets.of_community(c.community_id)
        if t.source is TicketSource.BENEFIT
    ]
    assert len(opened) == first["notified"]
    streets = {t.street_id for t in opened}
    assert {key for key, found in digests.items() if found} == {f"street:{s}" for s in streets}
    names = {e.name for e in small_city.elders}
    for street_id in streets:
        [digest] = digests[f"street:{street_id}"]
        theirs = [t for t in opened if t.street_id == street_id]
        assert f"{len(theirs)} newly qualifying in street {street_id}" in digest["body"]
        assert min(t.ticket_id for t in theirs) in digest["body"]
        assert not any(name in digest["body"] for name in names)


# ---------------------------------------------------------------------- SNS on moto


def a_notice(to: str) -> Notice:
    return Notice(
        NoticeKind.TICKET_OVERDUE,
        "tk-sns#overdue:street",
        Recipient.parse(to),
        "CareRoute: overdue ticket",
        f"ticket tk-sns is overdue ({to})",
    )


def test_sns_publishes_each_notice_once_to_its_recipients_subscriptions_only(
    session_pump: EventPump,
) -> None:
    """Given the notifications topic with a queue subscribed per recipient (standing in for a
    phone or a mailbox: moto keeps no SMS or e-mail sent through a topic) and an SMS and an
    e-mail subscription with the same filter policies, each notice reaches its recipient's
    queue only, with its subject and body."""
    stack = session_pump.stack
    sns, sqs = stack.client("sns"), stack.client("sqs")
    topic = sns.create_topic(Name="careroute-local-notifications-test")["TopicArn"]
    inboxes = {}
    for key in ("street:S-SNS-1", "steward:W-SNS-1"):
        url = sqs.create_queue(QueueName=f"inbox-{key.replace(':', '-')}")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
        policy = json.dumps({"recipient": [key]})
        attributes = {"FilterPolicy": policy, "RawMessageDelivery": "true"}
        endpoint = arn["Attributes"]["QueueArn"]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=endpoint, Attributes=attributes)
        inboxes[key] = url
    for protocol, endpoint in (("sms", "+8613800000000"), ("email", "street-office@example.cn")):
        sns.subscribe(
            TopicArn=topic,
            Protocol=protocol,
            Endpoint=endpoint,
            Attributes={"FilterPolicy": json.dumps({"recipient": ["street:S-SNS-1"]})},
        )
    notifier = SnsNotifier(topic, sns)
    ids = [notifier.send(a_notice(key)) for key in inboxes]
    assert len(set(ids)) == 2

    for key, url in inboxes.items():
        messages = sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]
        ).get("Messages", [])
        assert [m["Body"] for m in messages] == [f"ticket tk-sns is overdue ({key})"]
        attributes = messages[0]["MessageAttributes"]
        assert attributes["recipient"]["StringValue"] == key
        assert attributes["notice_kind"]["StringValue"] == "ticket_overdue"

    gone = SnsNotifier(topic.replace("notifications-test", "no-such-topic"), sns)
    with pytest.raises(DeliveryFailed, match="SNS refused the notice"):
        gone.send(a_notice("street:S-SNS-1"))


def test_the_outbox_page_shows_a_browser_each_recipients_notices(
    pump: EventPump, small_city: Registry
) -> None:
    responder = a_fall(pump, small_city, 2, "notice-fall-3").responder_id
    page = pump.invoke_http("GET", "/local/outbox", headers={"accept": "text/html"})
    assert page.status == 200 and page.headers["content-type"].startswith("text/html")
    grouped = outbox(pump)
    assert f"steward:{responder}" in grouped
    for key, messages in grouped.items():
        assert f"<h2>{key} ({len(messages)})</h2>" in page.text
