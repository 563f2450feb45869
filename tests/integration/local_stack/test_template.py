"""template.yaml is the single source of the local wiring: parsing it, and creating it in moto."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest

from careroute_local.stack import LocalStack
from careroute_local.template import (
    HttpApiEvent,
    ScheduleEvent,
    SqsEvent,
    StreamEvent,
    load_template,
    read_yaml,
)

REAL_TEMPLATE = Path(__file__).resolve().parents[3] / "template.yaml"
TABLES = {
    "CommunitiesTable",
    "StewardsTable",
    "EldersTable",
    "RoutesTable",
    "VisitsTable",
    "CoverageTable",
    "ElderHistoryTable",
    "TicketsTable",
}
QUEUES = {"PlanJobsQueue", "PlanJobsDLQ", "ProjectorDLQ", "ScheduleDLQ"}


def test_real_template_wiring() -> None:
    t = load_template(REAL_TEMPLATE)

    # the visit loop's resources (the other flows add their own; their tests check them)
    assert set(t.functions) >= {
        "PlannerFunction",
        "SolverFunction",
        "ApiFunction",
        "ProjectorFunction",
        "EscalatorFunction",
        "EligibilityFunction",
    }
    assert set(t.tables) >= TABLES
    assert set(t.queues) >= QUEUES

    (nightly,) = t.functions["PlannerFunction"].events
    assert isinstance(nightly, ScheduleEvent)
    assert (nightly.type, nightly.expression, nightly.timezone) == (
        "ScheduleV2",
        "cron(0 21 * * ? *)",
        "Asia/Shanghai",
    )
    assert nightly.input is not None and "<aws.scheduler.scheduled-time>" in nightly.input
    assert nightly.dlq_logical_id == "ScheduleDLQ"

    solver = t.functions["SolverFunction"]
    assert solver.events == (SqsEvent("PlanJobs", "PlanJobsQueue", 5, True, 1),)
    assert t.sqs_consumer("PlanJobsQueue")[0] is solver
    assert solver.timeout == 120 and solver.memory_size == 1024
    assert [d.name for d in solver.layer_dirs] == ["shared", "ortools"]  # Globals + own

    api = t.functions["ApiFunction"]
    assert all(isinstance(e, HttpApiEvent) for e in api.events)
    assert {e.route_key for e in api.http_events} == {
        "GET /stewards/{steward_id}/routes/{date}",
        "POST /visits",
        "POST /visits/batch",
        "GET /coverage",
        "GET /overdue",
        "GET /oversight/capacity",
        "GET /elders",
        "POST /elders",
        "PATCH /elders/{community_id}/{elder_id}",
        "GET /elders/{community_id}/{elder_id}/history",
        "GET /stewards/{steward_id}/leave",
        "PUT /stewards/{steward_id}/leave",
        "GET /audit/communities/{community_id}",
        "GET /policy",
        "PUT /policy",
        "GET /holidays",
        "PUT /holidays",
        "GET /hospitals",
        "GET /tickets",
        "POST /tickets/{ticket_id}/close",
        "GET /exports/coverage",
        "GET /exports/overdue",
        "GET /exports/tickets",
        "GET /exports/misses",
        "POST /exports/tickets",
        "GET /exports/jobs/{job_id}",
        "GET /openapi.json",
        "GET /docs",
    }
    assert t.http_apis["HttpApi"].stage_name == "v1"
    assert t.http_apis["HttpApi"].default_authorizer == "JwtAuthorizer"
    public = {e.path for e in api.http_events if e.authorizer == "NONE"}
    assert public == {"/openapi.json", "/docs"}

    (stream,) = t.functions["ProjectorFunction"].events
    assert isinstance(stream, StreamEvent)
    assert stream.table_logical_id == "VisitsTable"
    assert stream.on_failure_queue_logical_id == "ProjectorDLQ"
    assert (stream.batch_size, stream.bisect_on_error, stream.maximum_retry_attempts) == (
        100,
        True,
        5,
    )
    assert stream.report_batch_item_failures and stream.starting_position == "TRIM_HORIZON"

    # the export worker writes files into the template's bucket, named as S3 allows
    (exports,) = t.functions["ExportWorkerFunction"].events
    assert exports == SqsEvent("ExportJobs", "ExportJobsQueue", 1, True, 0)
    assert t.buckets["ExportFilesBucket"].name == "careroute-local-exportfilesbucket"
    assert api.environment["EXPORT_BUCKET"] == "careroute-local-exportfilesbucket"

    jobs = t.queues["PlanJobsQueue"]
    assert (jobs.dlq_logical_id, jobs.max_receive_count, jobs.visibility_timeout) == (
        "PlanJobsDLQ",
        3,
        720,
    )
    visits = t.tables["VisitsTable"]
    assert visits.name == "careroute-local-visits"
    assert visits.stream_view_type == "NEW_IMAGE"
    assert visits.global_secondary_indexes[0]["IndexName"] == "elder-index"
    assert t.tables["RoutesTable"].ttl_attribute == "expires_at"

    # Globals are merged into every function, references resolved like CloudFormation would.
    for function in t.functions.values():
        assert function.code_dir == REAL_TEMPLATE.parent / "functions" / function.code_dir.name
        assert function.handler_path.name == "app.py"
        assert function.environment["VISITS_TABLE"] == "careroute-local-visits"
        assert function.environment["POWERTOOLS_LOG_LEVEL"] == "INFO"
        assert function.environment["PLAN_JOBS_QUEUE_URL"].endswith(
            "/123456789012/careroute-local-plan-jobs"
        )


def test_intrinsic_functions_and_parameters(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(
        """
Parameters:
  Env: { Type: String, Default: dev }
  Names: { Type: CommaDelimitedList, Default: "a,b,c" }
Mappings:
  Sizes: { dev: { Memory: 256 }, prod: { Memory: 2048 } }
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  NotProd: !Not [!Condition IsProd]
Resources:
  Q:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Join ["-", [!Ref "AWS::StackName", !Select [1, !Ref Names], q]]
      VisibilityTimeout: !If [IsProd, 300, 30]
  ProdOnly:
    Type: AWS::SQS::Queue
    Condition: IsProd
  F:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: pkg.handlers.main
      MemorySize: !FindInMap [Sizes, !Ref Env, Memory]
      Environment:
        Variables:
          URL: !Ref Q
          NAME: !GetAtt Q.QueueName
          ARN: !Sub "${Q.Arn}|${AWS::Region}|${AWS::AccountId}|${AWS::Partition}|${!Lit}"
          GONE: !If [IsProd, yes, !Ref "AWS::NoValue"]
          SPLIT: !Select [2, !Split [",", "x,y,z"]]
          FLAG: !If [NotProd, true, false]
""",
        "utf-8",
    )
    dev = load_template(path, stack_name="s", region="eu-west-1", parameters={})
    bound = load_template(path, stack_name="s", endpoint_url="http://127.0.0.1:5555")
    prod = load_template(path, stack_name="s", parameters={"Env": "prod"})

    f = dev.functions["F"]
    assert (f.handler_module, f.handler_function) == ("pkg.handlers", "main")
    assert f.handler_path == tmp_path / "src" / "pkg" / "handlers.py"
    assert f.memory_size == 256 and f.timeout == 3  # SAM's default
    assert f.environment == {
        "URL": "https://sqs.eu-west-1.amazonaws.com/123456789012/s-b-q",
        "NAME": "s-b-q",
        "ARN": "arn:aws:sqs:eu-west-1:123456789012:s-b-q|eu-west-1|123456789012|aws|${Lit}",
        "SPLIT": "z",
        "FLAG": "true",
    }  # GONE: AWS::NoValue removed it
    assert set(dev.queues) == {"Q"} and dev.queues["Q"].visibility_timeout == 30
    assert bound.queues["Q"].url == "http://127.0.0.1:5555/123456789012/s-b-q"
    assert set(prod.queues) == {"Q", "ProdOnly"}
    assert prod.queues["Q"].visibility_timeout == 300
    assert prod.functions["F"].environment["GONE"] == "true"  # YAML `yes` is a boolean
    assert prod.functions["F"].memory_size == 2048


# ------------------------------------------------------------------------------ in moto


@pytest.fixture(scope="module")
def real_stack() -> Iterator[LocalStack]:
    with mock.patch.dict(os.environ), LocalStack(REAL_TEMPLATE) as stack:
        yield stack


def test_start_creates_the_real_templates_tables_and_queues(real_stack: LocalStack) -> None:
    dynamodb = real_stack.client("dynamodb")
    sqs = real_stack.client("sqs")

    declared = load_template(REAL_TEMPLATE)
    names = set(dynamodb.list_tables()["TableNames"])
    assert names == {real_stack.table_name(t) for t in declared.tables}
    visits = dynamodb.describe_table(TableName="careroute-local-visits")["Table"]
    assert visits["KeySchema"] == [{"AttributeName": "visit_id", "KeyType": "HASH"}]
    assert visits["GlobalSecondaryIndexes"][0]["IndexName"] == "elder-index"
    assert visits["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    assert visits["LatestStreamArn"] == real_stack.stream_arn("VisitsTable")
    ttl = dynamodb.describe_time_to_live(TableName="careroute-local-routes")
    assert ttl["TimeToLiveDescription"]["AttributeName"] == "expires_at"

    urls = sqs.list_queues()["QueueUrls"]
    assert sorted(urls) == sorted(real_stack.queue_url(q) for q in declared.queues)
    attributes = sqs.get_queue_attributes(
        QueueUrl=real_stack.queue_url("PlanJobsQueue"), AttributeNames=["All"]
    )["Attributes"]
    assert attributes["VisibilityTimeout"] == "720"
    assert json.loads(attributes["RedrivePolicy"]) == {
        "deadLetterTargetArn": "arn:aws:sqs:us-east-1:123456789012:careroute-local-plan-jobs-dlq",
        "maxReceiveCount": 3,
    }

    env = real_stack.environment()
    assert env["AWS_ENDPOINT_URL"] == real_stack.endpoint_url
    assert env["AWS_DEFAULT_REGION"] == "us-east-1"
    assert env["PLAN_JOBS_QUEUE_URL"] == real_stack.queue_url("PlanJobsQueue")
    assert env["VISITS_TABLE"] == "careroute-local-visits"
    assert real_stack.endpoint_url.startswith("http://127.0.0.1:")


def test_reset_empties_data_and_keeps_resources(real_stack: LocalStack) -> None:
    dynamodb = real_stack.client("dynamodb")
    dynamodb.put_item(TableName="careroute-local-visits", Item={"visit_id": {"S": "v1"}})
    real_stack.client("sqs").send_message(
        QueueUrl=real_stack.queue_url("PlanJobsQueue"), MessageBody="{}"
    )
    generation = real_stack.generation

    real_stack.reset()

    assert dynamodb.scan(TableName="careroute-local-visits")["Items"] == []
    assert real_stack.queue_depth("PlanJobsQueue")["visible"] == 0
    assert len(dynamodb.list_tables()["TableNames"]) == len(load_template(REAL_TEMPLATE).tables)
    assert real_stack.generation == generation + 1  # stream readers start again
    assert real_stack.stream_records("VisitsTable") == []


def test_the_export_bucket_is_private_encrypted_tls_only_and_deletes_files_after_a_day() -> None:
    resources = read_yaml(REAL_TEMPLATE)["Resources"]
    bucket = resources["ExportFilesBucket"]["Properties"]
    (rule,) = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "aws:kms",
        "KMSMasterKeyID": {"Fn::GetAtt": ["DataKey", "Arn"]},
    }
    assert set(bucket["PublicAccessBlockConfiguration"].values()) == {True}
    assert len(bucket["PublicAccessBlockConfiguration"]) == 4
    (expiry,) = bucket["LifecycleConfiguration"]["Rules"]
    assert (expiry["Status"], expiry["ExpirationInDays"]) == ("Enabled", 1)
    (tls,) = resources["ExportFilesBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert (tls["Effect"], tls["Condition"]) == ("Deny", {"Bool": {"aws:SecureTransport": False}})
    table = resources["ExportJobsTable"]["Properties"]
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
