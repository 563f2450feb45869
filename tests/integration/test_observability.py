"""What the operators see: the metrics the alarms watch, the correlation ids in the
logs, and a template where every dead-letter queue and function has its alarms."""

from __future__ import annotations

import io
import json
from datetime import datetime, time, timedelta
from typing import Any

import pytest

from careroute.adapters.china_calendar import PACKAGE_HOLIDAYS, PACKAGE_WORKDAYS
from careroute.adapters.dynamodb.coverage import read_coverage
from careroute.domain.coverage import Scope
from careroute.domain.pace import working_days
from careroute.domain.vocabulary import CHINA_TZ, Registry
from careroute.service_layer import container_cache
from careroute_local.paths import TEMPLATE_PATH
from careroute_local.pump import EventPump
from careroute_local.template import read_yaml
from tests.conftest import TODAY, bearer, china_now, nightly_tick_time
from tests.integration.stored_visits import active_elders_of


def emf(stdout: str, name: str) -> list[float]:
    """The values of metric `name` in the CloudWatch embedded-metric lines on stdout."""
    values: list[float] = []
    for line in stdout.splitlines():
        if '"_aws"' not in line:
            continue
        document = json.loads(line)
        if name in document:
            value = document[name]
            values.extend(value if isinstance(value, list) else [value])
    return values


def post_visit(pump: EventPump, steward_id: str, elder_id: str, key: str, **extra: Any) -> None:
    body = {
        "elder_id": elder_id,
        "outcome": "visited",
        "visited_at": china_now().replace(microsecond=0).isoformat(),
        **extra,
    }
    response = pump.invoke_http(
        "POST",
        "/visits",
        headers={"idempotency-key": key, **bearer(pump, "steward", steward_id)},
        body=json.dumps(body),
    )
    assert response.status == 201, response.text


def visit_three(pump: EventPump, city: Registry) -> str:
    steward = city.stewards[0]
    for i, elder in enumerate(active_elders_of(city, steward)[:3]):
        post_visit(pump, steward.steward_id, elder.elder_id, f"obs-visit-{i:03d}")
    assert pump.drain_stream("VisitsTable").failed == 0
    return steward.steward_id


def test_the_daily_pace_figure_is_the_city_counters_against_the_working_days(
    loaded_stack: EventPump, small_city: Registry, capfd: pytest.CaptureFixture[str]
) -> None:
    """Given three elders visited today, when the 18:00 pace tick fires, then it reports the
    city's due and visited elders and this month's working days, and emits the lag the
    CoverageBehindPace alarm watches; a holiday the bureau adds moves the month back a day."""
    pump = loaded_stack
    visit_three(pump, small_city)
    city_all = read_coverage(TODAY.strftime("%Y-%m"), Scope.parse("city"))[-1]
    assert city_all["elders_visited"] == 3
    capfd.readouterr()

    evening = datetime.combine(TODAY, time(18), CHINA_TZ)
    summary = pump.fire_schedule("PaceFunction", evening)
    days = working_days(TODAY.strftime("%Y-%m"), PACKAGE_HOLIDAYS, PACKAGE_WORKDAYS)
    assert summary["elders_due"] == city_all["elders_due"] > 3
    assert summary["elders_visited"] == 3
    assert summary["working_days"] == len(days)
    assert summary["working_days_done"] == sum(1 for d in days if d <= TODAY)
    expected_lag = round(
        100 * (summary["working_days_done"] / len(days) - 3 / summary["elders_due"]), 1
    )
    assert summary["lag_points"] == expected_lag
    assert emf(capfd.readouterr().out, "CoverageLagPoints") == [expected_lag]

    holiday = days[0]
    calendar = {"holidays": [{"date": holiday.isoformat(), "name": "test holiday"}]}
    saved = pump.invoke_http(
        "PUT", "/holidays", headers=bearer(pump, "city_admin"), body=json.dumps(calendar)
    )
    assert saved.status == 200, saved.text
    container_cache.forget_all()
    again = pump.fire_schedule("PaceFunction", evening)
    assert again["working_days"] == summary["working_days"] - 1
    assert again["working_days_done"] == summary["working_days_done"] - 1


def test_the_escalator_reports_the_tickets_still_overdue(
    loaded_stack: EventPump, small_city: Registry, capfd: pytest.CaptureFixture[str]
) -> None:
    """Given a visit with an urgent finding (one ticket), when the hourly escalator runs a
    month later, then the ticket is overdue and counted in TicketsOverdue, each run."""
    pump = loaded_stack
    steward = small_city.stewards[0]
    elder = active_elders_of(small_city, steward)[0]
    finding = {"category": "safety_hazard", "severity": "urgent", "note": "loose wiring"}
    post_visit(pump, steward.steward_id, elder.elder_id, "obs-finding-1", findings=[finding])
    assert pump.drain_stream("VisitsTable").failed == 0
    capfd.readouterr()

    later = china_now() + timedelta(days=30)
    assert pump.fire_schedule("EscalatorFunction", later)["overdue"] == 1
    assert pump.fire_schedule("EscalatorFunction", later)["overdue"] == 1
    assert emf(capfd.readouterr().out, "TicketsOverdue") == [1.0, 1.0]
    now = china_now()
    assert pump.fire_schedule("EscalatorFunction", now)["overdue"] == 0


def test_each_solved_community_counts_as_a_plan_and_logs_under_the_nights_run_id(
    loaded_stack: EventPump,
    plan_date: Any,
    handler_logs: io.StringIO,
    capfd: pytest.CaptureFixture[str],
) -> None:
    """Given the nightly tick, when the solver works the jobs, then PlansCompleted adds up to
    the jobs sent, and each community's log line carries its SQS message id and the run id
    the planner logged (the correlation id of the night)."""
    pump = loaded_stack
    capfd.readouterr()
    fan_out = pump.fire_schedule("PlannerFunction", nightly_tick_time(plan_date))
    stats = pump.drain_queue("PlanJobsQueue")
    assert stats.failed == 0
    out = capfd.readouterr().out
    assert sum(emf(out, "PlansCompleted")) == fan_out["jobs"] > 0
    assert emf(out, "PlanJobsSent") == [fan_out["jobs"]]

    lines = [json.loads(line) for line in handler_logs.getvalue().splitlines() if line]
    planned = [line for line in lines if line.get("message") == "community planned"]
    assert len(planned) == fan_out["jobs"]
    assert {line["correlation_id"] for line in planned} == {fan_out["run_id"]}
    assert len({line["message_id"] for line in planned}) == len(planned)
    sent = next(line for line in lines if line.get("message") == "plan jobs sent")
    assert sent["correlation_id"] == fan_out["run_id"]


# ---------------------------------------------------------------------------- the template


def template() -> dict[str, Any]:
    return read_yaml(TEMPLATE_PATH)["Resources"]


def logical_id(ref: Any) -> str | None:
    """The resource a {"Fn::GetAtt": [id, ...]} or {"Ref": id} points at."""
    if isinstance(ref, dict) and "Fn::GetAtt" in ref:
        return str(ref["Fn::GetAtt"][0])
    if isinstance(ref, dict) and "Ref" in ref:
        return str(ref["Ref"])
    return None


def dead_letter_queues(resources: dict[str, Any]) -> set[str]:
    """Queues that receive what failed: redrive targets, stream on-failure destinations,
    schedule dead-letter configs and function dead-letter queues."""
    found: set[str] = set()
    for resource in resources.values():
        props = resource.get("Properties") or {}
        found.add(logical_id((props.get("RedrivePolicy") or {}).get("deadLetterTargetArn")) or "")
        found.add(logical_id((props.get("DeadLetterQueue") or {}).get("TargetArn")) or "")
        for event in (props.get("Events") or {}).values():
            event_props = event.get("Properties") or {}
            on_failure = (event_props.get("DestinationConfig") or {}).get("OnFailure") or {}
            found.add(logical_id(on_failure.get("Destination")) or "")
            found.add(logical_id((event_props.get("DeadLetterConfig") or {}).get("Arn")) or "")
    return {q for q in found if q and resources[q]["Type"] == "AWS::SQS::Queue"}


def alarmed(resources: dict[str, Any], namespace: str, metric: str) -> set[str]:
    """Resources with an alarm on `metric` (by the dimension that names them)."""
    names: set[str] = set()
    for resource in resources.values():
        props = resource.get("Properties") or {}
        if resource["Type"] != "AWS::CloudWatch::Alarm" or props.get("MetricName") != metric:
            continue
        if props.get("Namespace") == namespace:
            names |= {logical_id(d["Value"]) or "" for d in props.get("Dimensions", [])}
    if not all(resource.get("Properties", {}).get("AlarmActions") for resource in
               resources.values() if resource["Type"] == "AWS::CloudWatch::Alarm"):  # fmt: skip
        raise AssertionError("an alarm notifies nobody (AlarmActions: [!Ref AlarmTopic])")
    return names


def test_every_dead_letter_queue_has_a_depth_alarm() -> None:
    resources = template()
    queues = dead_letter_queues(resources)
    assert {"PlanJobsDLQ", "ProjectorDLQ", "ScheduleDLQ"} <= queues
    missing = queues - alarmed(resources, "AWS/SQS", "ApproximateNumberOfMessagesVisible")
    assert not missing, f"add a depth alarm to template.yaml for {sorted(missing)}"


def test_every_function_has_an_errors_and_a_throttles_alarm() -> None:
    resources = template()
    functions = {k for k, v in resources.items() if v["Type"] == "AWS::Serverless::Function"}
    for metric in ("Errors", "Throttles"):
        missing = functions - alarmed(resources, "AWS/Lambda", metric)
        assert not missing, f"add a {metric} alarm to template.yaml for {sorted(missing)}"


def test_every_table_and_queue_is_encrypted_with_the_data_key_and_tables_have_pitr() -> None:
    for name, resource in template().items():
        props = resource.get("Properties") or {}
        if resource["Type"] == "AWS::DynamoDB::Table":
            assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"], name
            assert props["SSESpecification"]["KMSMasterKeyId"] == {"Ref": "DataKey"}, name
        if resource["Type"] in ("AWS::SQS::Queue", "AWS::SNS::Topic"):
            key = props.get("KmsMasterKeyId")
            assert key == {"Ref": "DataKey"}, f"{name} is not encrypted with the data key"
