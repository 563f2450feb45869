"""A small SAM app (template + tiny handlers) to test the local stack and the event pump.

The real CareRoute handlers change while these tests are written, so the pump is proven on
handlers whose behaviour the tests choose: an SQS worker that fails chosen messages, a stream
consumer that raises or reports chosen records, an HTTP echo and a scheduled function. They log
what they receive to LOG_DIR (one JSON line per record) so the tests can see every delivery.
"""

from __future__ import annotations

import json
import os
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from careroute_local.pump import EventPump
from careroute_local.stack import LocalStack

TEST_TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  LogDir:
    Type: String
  TickExpression:
    Type: String
    Default: cron(0 21 * * ? *)
Conditions:
  IsPumpTest: !Equals [!Ref "AWS::StackName", pump-test]
Globals:
  Function:
    Runtime: python3.12
    Timeout: 10
    MemorySize: 256
    Environment:
      Variables:
        LOG_DIR: !Ref LogDir
        ITEMS_TABLE: !Ref ItemsTable
        JOBS_QUEUE_URL: !Ref JobsQueue
        MODE: !If [IsPumpTest, test, other]
Resources:
  ItemsTable:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: !Sub ${AWS::StackName}-items
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions:
        - { AttributeName: id, AttributeType: S }
        - { AttributeName: kind, AttributeType: S }
      KeySchema:
        - { AttributeName: id, KeyType: HASH }
      GlobalSecondaryIndexes:
        - IndexName: kind-index
          KeySchema:
            - { AttributeName: kind, KeyType: HASH }
          Projection: { ProjectionType: ALL }
      StreamSpecification: { StreamViewType: NEW_AND_OLD_IMAGES }
      TimeToLiveSpecification: { AttributeName: expires_at, Enabled: true }
  JobsQueue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub ${AWS::StackName}-jobs
      VisibilityTimeout: 60
      RedrivePolicy:
        deadLetterTargetArn: !GetAtt JobsDLQ.Arn
        maxReceiveCount: 2
  JobsDLQ:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub ${AWS::StackName}-jobs-dlq
  StreamFailures:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub ${AWS::StackName}-stream-failures
  Api:
    Type: AWS::Serverless::HttpApi
    Properties:
      StageName: v1
  WorkerFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/worker/
      Handler: app.handler
      Events:
        Jobs:
          Type: SQS
          Properties:
            Queue: !GetAtt JobsQueue.Arn
            BatchSize: 4
            FunctionResponseTypes: [ReportBatchItemFailures]
  ProjectorFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/projector/
      Handler: app.handler
      Events:
        Items:
          Type: DynamoDB
          Properties:
            Stream: !GetAtt ItemsTable.StreamArn
            StartingPosition: TRIM_HORIZON
            BatchSize: 4
            BisectBatchOnFunctionError: true
            MaximumRetryAttempts: 2
            FunctionResponseTypes: [ReportBatchItemFailures]
            DestinationConfig:
              OnFailure:
                Type: SQS
                Destination: !GetAtt StreamFailures.Arn
  EchoFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/echo/
      Handler: app.handler
      Timeout: 29
      Events:
        GetPart:
          Type: HttpApi
          Properties: { ApiId: !Ref Api, Method: GET, Path: "/things/{thing_id}/parts/{part}" }
        PostThing:
          Type: HttpApi
          Properties: { ApiId: !Ref Api, Method: POST, Path: /things }
        GetThingsFixed:
          Type: HttpApi
          Properties: { ApiId: !Ref Api, Method: GET, Path: /things/fixed/parts/one }
        Bare:
          Type: HttpApi
          Properties: { ApiId: !Ref Api, Method: GET, Path: /bare }
        Text:
          Type: HttpApi
          Properties: { ApiId: !Ref Api, Method: GET, Path: /text }
        Boom:
          Type: HttpApi
          Properties: { ApiId: !Ref Api, Method: GET, Path: /boom }
        Files:
          Type: HttpApi
          Properties: { ApiId: !Ref Api, Method: ANY, Path: "/files/{path+}" }
  TickFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/tick/
      Handler: app.handler
      Events:
        Nightly:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: !Ref TickExpression
            ScheduleExpressionTimezone: Asia/Shanghai
            Input: >-
              {"job": "tick", "scheduled_time": "<aws.scheduler.scheduled-time>",
              "attempt": "<aws.scheduler.attempt-number>",
              "execution": "<aws.scheduler.execution-id>",
              "arn": "<aws.scheduler.schedule-arn>"}
"""

_LOG = """
import json
import os


def log(name, entry):
    path = os.path.join(os.environ["LOG_DIR"], name + ".jsonl")
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(entry) + "\\n")
"""

HANDLERS = {
    "worker": _LOG
    + """
import time


def handler(event, context):
    failures = []
    for record in event["Records"]:
        body = json.loads(record["body"])
        log("worker", {"id": body["id"], "pid": os.getpid(), "record": record})
        time.sleep(body.get("sleep", 0))
        if body.get("crash"):
            os._exit(3)  # the runtime dies mid-batch
        if body.get("fail"):
            failures.append({"itemIdentifier": record["messageId"]})
    if any(json.loads(r["body"]).get("raise") for r in event["Records"]):
        raise RuntimeError("this batch raises")
    return {"batchItemFailures": failures}
""",
    "projector": _LOG
    + """

def handler(event, context):
    failures = []
    for record in event["Records"]:
        change = record["dynamodb"]
        item_id = change["Keys"]["id"]["S"]
        log("projector", {"id": item_id, "batch": context.aws_request_id, "record": record})
        image = change.get("NewImage", {})
        if "raise" in image:
            raise RuntimeError("poison " + item_id)
        if "report" in image:
            failures.append({"itemIdentifier": change["SequenceNumber"]})
    return {"batchItemFailures": failures}
""",
    "echo": """
import json


def handler(event, context):
    route = event["routeKey"]
    if route == "GET /bare":
        return {"hello": "world"}
    if route == "GET /text":
        return "plain text"
    if route == "GET /boom":
        raise RuntimeError("boom")
    status = 201 if event["requestContext"]["http"]["method"] == "POST" else 200
    body = {
        "event": event,
        "function": context.function_name,
        "remaining_ms": context.get_remaining_time_in_millis(),
    }
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json", "X-Echo": "yes"},
        "cookies": ["a=1", "b=2"],
        "body": json.dumps(body),
    }
""",
    "tick": """
import os


def handler(event, context):
    return {"event": event, "function": context.function_name, "mode": os.environ["MODE"]}
""",
}


def write_test_app(root: Path) -> Path:
    """Write the test template and handlers under `root`; returns the template's path."""
    for name, source in HANDLERS.items():
        code_dir = root / "functions" / name
        code_dir.mkdir(parents=True, exist_ok=True)
        (code_dir / "app.py").write_text(textwrap.dedent(source), "utf-8")
    (root / "logs").mkdir(exist_ok=True)
    path = root / "template.yaml"
    path.write_text(TEST_TEMPLATE, "utf-8")
    return path


@pytest.fixture(scope="module")
def isolated_process_state() -> Iterator[None]:
    """Leave os.environ and sys.path as they were: the pump sets AWS_ENDPOINT_URL & co."""
    saved_path = list(sys.path)
    with mock.patch.dict(os.environ):
        yield
    sys.path[:] = saved_path


@pytest.fixture(scope="module")
def test_app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_test_app(tmp_path_factory.mktemp("app"))


@pytest.fixture(scope="module")
def stack(test_app: Path, isolated_process_state: None) -> Iterator[LocalStack]:
    """One moto server for the whole module; tests reset() it."""
    log_dir = test_app.parent / "logs"
    with LocalStack(test_app, stack_name="pump-test", parameters={"LogDir": str(log_dir)}) as s:
        yield s


@pytest.fixture(scope="module")
def module_pump(stack: LocalStack) -> Iterator[EventPump]:
    with EventPump(stack) as pump:
        yield pump


@pytest.fixture
def log_dir(test_app: Path) -> Path:
    return test_app.parent / "logs"


@pytest.fixture
def read_log(log_dir: Path) -> Callable[[str], list[dict[str, Any]]]:
    """read_log("worker"): what the test handler `worker` logged, one dict per record."""

    def read(name: str) -> list[dict[str, Any]]:
        path = log_dir / f"{name}.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text("utf-8").splitlines()]

    return read


@pytest.fixture
def pump(module_pump: EventPump, stack: LocalStack, log_dir: Path) -> EventPump:
    """The module's pump on an empty stack (data reset, logs cleared)."""
    stack.reset()
    for path in log_dir.glob("*.jsonl"):
        path.unlink()
    return module_pump


@pytest.fixture
def empty_careroute(session_pump: EventPump) -> LocalStack:
    """The session's CareRoute stack with every table and queue emptied."""
    session_pump.stack.reset()
    return session_pump.stack
