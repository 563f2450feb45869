"""Read template.yaml into plain dataclasses: the single source of the local wiring.

The local stack and the event pump must wire things exactly as `sam deploy` would, so they
never hand-list tables, queues or triggers: they ask this package. It understands the
CloudFormation short tags (`cfn_yaml`), Parameters defaults, Conditions and the intrinsic
functions (`intrinsics`), the SAM Globals section (merged into each function like SAM does,
`loading`), and the event sources the local pump can drive (`event_sources`: ScheduleV2/Schedule,
SQS, DynamoDB streams, HttpApi, CloudWatchLogs). References are resolved to what CloudFormation
would give: a table's name, a queue's URL, ARNs in account 123456789012. Runtime-only values
(queue URLs on the local endpoint, stream ARNs, which contain a creation timestamp) are bound
by `load_template(..., endpoint_url, stream_arns)` once the stack exists.

The template is read here, not through aws-sam-translator: the translator only rewrites SAM
into CloudFormation and would still leave every Ref, GetAtt and Sub to resolve, whereas the few
intrinsics and SAM features template.yaml uses are resolved by hand in a few hundred lines.
tests/integration/local_stack/test_template.py checks this reading against the real template.
"""

from careroute_local.template.cfn_yaml import read_yaml
from careroute_local.template.intrinsics import ACCOUNT_ID
from careroute_local.template.loading import load_template
from careroute_local.template.specs import (
    BucketSpec,
    FunctionSpec,
    HttpApiEvent,
    HttpApiSpec,
    LogSubscriptionEvent,
    QueueSpec,
    ScheduleEvent,
    SqsEvent,
    StreamEvent,
    TableSpec,
    Template,
)

__all__ = [
    "ACCOUNT_ID",
    "BucketSpec",
    "FunctionSpec",
    "HttpApiEvent",
    "HttpApiSpec",
    "LogSubscriptionEvent",
    "QueueSpec",
    "ScheduleEvent",
    "SqsEvent",
    "StreamEvent",
    "TableSpec",
    "Template",
    "load_template",
    "read_yaml",
]
