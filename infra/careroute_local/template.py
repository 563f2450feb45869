"""Read template.yaml into plain dataclasses: the single source of the local wiring.

The local stack and the event pump must wire things exactly as `sam deploy` would, so they
never hand-list tables, queues or triggers: they ask this module. It understands the
CloudFormation short tags (!Ref, !GetAtt, !Sub, ...), Parameters defaults, Conditions, the SAM
Globals section (merged into each function like SAM does), and the event sources the local
pump can drive (ScheduleV2/Schedule, SQS, DynamoDB streams, HttpApi). References are resolved
to what CloudFormation would give: a table's name, a queue's URL, ARNs in account
123456789012. Runtime-only values (queue URLs on the local endpoint, stream ARNs, which
contain a creation timestamp) are bound by `load_template(..., endpoint_url, stream_arns)`
once the stack exists.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml

__all__ = [
    "ACCOUNT_ID",
    "FunctionSpec",
    "HttpApiEvent",
    "HttpApiSpec",
    "QueueSpec",
    "ScheduleEvent",
    "SqsEvent",
    "StreamEvent",
    "TableSpec",
    "Template",
    "load_template",
]

ACCOUNT_ID = "123456789012"
PARTITION = "aws"
URL_SUFFIX = "amazonaws.com"

_TABLE_TYPES = {"AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable"}
_QUEUE_TYPE = "AWS::SQS::Queue"
_FUNCTION_TYPES = {"AWS::Serverless::Function", "AWS::Lambda::Function"}
_HTTP_API_TYPE = "AWS::Serverless::HttpApi"
_LAYER_TYPES = {"AWS::Serverless::LayerVersion", "AWS::Lambda::LayerVersion"}
# SQS attributes that mean something locally (KMS and policies do not).
_QUEUE_ATTRIBUTES = (
    "DelaySeconds",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "VisibilityTimeout",
    "FifoQueue",
    "ContentBasedDeduplication",
    "DeduplicationScope",
    "FifoThroughputLimit",
)
_NO_VALUE = object()  # AWS::NoValue: the key disappears
_T = TypeVar("_T")


# ---------------------------------------------------------------------------- specs


@dataclass(frozen=True)
class TableSpec:
    logical_id: str
    name: str
    arn: str
    key_schema: tuple[dict[str, str], ...]
    attribute_definitions: tuple[dict[str, str], ...]
    billing_mode: str = "PAY_PER_REQUEST"
    provisioned_throughput: dict[str, int] | None = None
    global_secondary_indexes: tuple[dict[str, Any], ...] = ()
    local_secondary_indexes: tuple[dict[str, Any], ...] = ()
    stream_view_type: str | None = None
    ttl_attribute: str | None = None

    @property
    def hash_key(self) -> str:
        return next(k["AttributeName"] for k in self.key_schema if k["KeyType"] == "HASH")

    @property
    def range_key(self) -> str | None:
        return next((k["AttributeName"] for k in self.key_schema if k["KeyType"] == "RANGE"), None)


@dataclass(frozen=True)
class QueueSpec:
    logical_id: str
    name: str
    arn: str
    url: str
    visibility_timeout: int = 30
    fifo: bool = False
    attributes: dict[str, str] = field(default_factory=dict)  # create_queue attributes
    dlq_logical_id: str | None = None
    max_receive_count: int | None = None


@dataclass(frozen=True)
class HttpApiSpec:
    logical_id: str
    api_id: str
    stage_name: str = "$default"
    default_authorizer: str | None = None  # Auth.DefaultAuthorizer (a JWT authorizer's name)


@dataclass(frozen=True)
class ScheduleEvent:
    name: str
    type: str  # "ScheduleV2" (EventBridge Scheduler) or "Schedule" (EventBridge rule)
    expression: str  # cron(...), rate(...) or at(...)
    timezone: str = "UTC"
    input: str | None = None
    enabled: bool = True
    schedule_name: str = ""
    dlq_logical_id: str | None = None


@dataclass(frozen=True)
class SqsEvent:
    name: str
    queue_logical_id: str
    batch_size: int = 10
    report_batch_item_failures: bool = False
    maximum_batching_window: int = 0
    enabled: bool = True


@dataclass(frozen=True)
class StreamEvent:
    name: str
    table_logical_id: str
    batch_size: int = 100
    starting_position: str = "TRIM_HORIZON"
    bisect_on_error: bool = False
    maximum_retry_attempts: int = -1  # -1: until the record expires (AWS default)
    on_failure_queue_logical_id: str | None = None
    report_batch_item_failures: bool = False
    enabled: bool = True


@dataclass(frozen=True)
class HttpApiEvent:
    name: str
    method: str  # upper case; "ANY" matches every method
    path: str  # "/stewards/{steward_id}/routes/{date}", or "$default"
    api_logical_id: str = "ServerlessHttpApi"
    payload_format_version: str = "2.0"
    authorizer: str | None = None  # Auth.Authorizer; "NONE" opts out of the API's default

    @property
    def route_key(self) -> str:
        return "$default" if self.path == "$default" else f"{self.method} {self.path}"


Event = ScheduleEvent | SqsEvent | StreamEvent | HttpApiEvent


@dataclass(frozen=True)
class FunctionSpec:
    logical_id: str
    name: str
    arn: str
    code_dir: Path
    handler_module: str  # "app" (or "pkg.module")
    handler_function: str  # "lambda_handler"
    timeout: int = 3
    memory_size: int = 128
    runtime: str = "python3.12"
    environment: dict[str, str] = field(default_factory=dict)
    layer_dirs: tuple[Path, ...] = ()
    events: tuple[Event, ...] = ()

    @property
    def handler_path(self) -> Path:
        return self.code_dir / (self.handler_module.replace(".", "/") + ".py")

    @property
    def schedules(self) -> list[ScheduleEvent]:
        return [e for e in self.events if isinstance(e, ScheduleEvent)]

    @property
    def sqs_events(self) -> list[SqsEvent]:
        return [e for e in self.events if isinstance(e, SqsEvent)]

    @property
    def stream_events(self) -> list[StreamEvent]:
        return [e for e in self.events if isinstance(e, StreamEvent)]

    @property
    def http_events(self) -> list[HttpApiEvent]:
        return [e for e in self.events if isinstance(e, HttpApiEvent)]


@dataclass(frozen=True)
class Template:
    path: Path
    stack_name: str
    region: str
    account_id: str
    parameters: dict[str, Any]
    tables: dict[str, TableSpec]
    queues: dict[str, QueueSpec]
    functions: dict[str, FunctionSpec]
    http_apis: dict[str, HttpApiSpec]

    def sqs_consumer(self, queue_logical_id: str) -> tuple[FunctionSpec, SqsEvent]:
        """The function (and its event) that consumes a queue; ValueError if none or many."""
        found = [
            (f, e)
            for f in self.functions.values()
            for e in f.sqs_events
            if e.queue_logical_id == queue_logical_id and e.enabled
        ]
        return _exactly_one(found, f"SQS consumer of {queue_logical_id}")

    def stream_consumer(self, table_logical_id: str) -> tuple[FunctionSpec, StreamEvent]:
        """The function (and its event) that consumes a table's stream."""
        found = [
            (f, e)
            for f in self.functions.values()
            for e in f.stream_events
            if e.table_logical_id == table_logical_id and e.enabled
        ]
        return _exactly_one(found, f"stream consumer of {table_logical_id}")

    def http_routes(self) -> list[tuple[FunctionSpec, HttpApiEvent]]:
        return [(f, e) for f in self.functions.values() for e in f.http_events]


def _exactly_one(found: list[_T], what: str) -> _T:
    if len(found) != 1:
        raise ValueError(f"expected exactly one {what} in the template, found {len(found)}")
    return found[0]


# ---------------------------------------------------------------------------- YAML


class _CfnLoader(yaml.SafeLoader):
    """SafeLoader that turns `!Ref x` into {"Ref": x} and `!Sub s` into {"Fn::Sub": s}."""


def _construct_short_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "Condition":
        return {"Condition": value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{suffix}": value}


_CfnLoader.add_multi_constructor("!", _construct_short_tag)


def read_yaml(path: Path) -> dict[str, Any]:
    """Parse a CloudFormation/SAM YAML file, short tags included, into plain data."""
    with path.open(encoding="utf-8") as f:
        data = yaml.load(f, Loader=_CfnLoader)  # a SafeLoader: no arbitrary objects
    if not isinstance(data, dict):
        raise ValueError(f"{path}: not a CloudFormation template")
    return data


# ---------------------------------------------------------------------------- resolving


class _Resolver:
    """Evaluates intrinsic functions against parameters, pseudo parameters and resources."""

    def __init__(
        self,
        doc: dict[str, Any],
        stack_name: str,
        region: str,
        account_id: str,
        parameters: Mapping[str, Any],
        endpoint_url: str | None,
        stream_arns: Mapping[str, str],
    ) -> None:
        self.doc = doc
        self.resources: dict[str, dict[str, Any]] = doc.get("Resources") or {}
        self.stack_name = stack_name
        self.region = region
        self.account_id = account_id
        self.endpoint_url = endpoint_url.rstrip("/") if endpoint_url else None
        self.stream_arns = dict(stream_arns)
        self.parameters = self._parameters(parameters)
        self._conditions: dict[str, bool] = {}
        self._names: dict[str, str] = {}

    def _parameters(self, overrides: Mapping[str, Any]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, spec in (self.doc.get("Parameters") or {}).items():
            value = overrides.get(name, spec.get("Default"))
            if value is None:
                raise ValueError(f"parameter {name} has no Default and no value was given")
            if spec.get("Type") == "CommaDelimitedList" and isinstance(value, str):
                value = [v.strip() for v in value.split(",")]
            values[name] = value if isinstance(value, list) else str(value)
        return values

    def pseudo(self, name: str) -> Any:
        pseudo: dict[str, Any] = {
            "AWS::StackName": self.stack_name,
            "AWS::Region": self.region,
            "AWS::AccountId": self.account_id,
            "AWS::Partition": PARTITION,
            "AWS::URLSuffix": URL_SUFFIX,
            "AWS::StackId": (
                f"arn:{PARTITION}:cloudformation:{self.region}:{self.account_id}:"
                f"stack/{self.stack_name}/{uuid.uuid5(uuid.NAMESPACE_URL, self.stack_name)}"
            ),
            "AWS::NotificationARNs": [],
        }
        if name == "AWS::NoValue":
            return _NO_VALUE
        if name not in pseudo:
            raise ValueError(f"unknown pseudo parameter {name}")
        return pseudo[name]

    def condition(self, name: str) -> bool:
        if name not in self._conditions:
            expr = (self.doc.get("Conditions") or {}).get(name)
            if expr is None:
                raise ValueError(f"unknown condition {name}")
            self._conditions[name] = bool(self.resolve(expr))
        return self._conditions[name]

    def resource_included(self, logical_id: str) -> bool:
        cond = self.resources[logical_id].get("Condition")
        return True if cond is None else self.condition(cond)

    # -- physical names and attributes

    def _arn(self, service: str, rest: str) -> str:
        return f"arn:{PARTITION}:{service}:{self.region}:{self.account_id}:{rest}"

    def physical_name(self, logical_id: str) -> str:
        if logical_id in self._names:
            return self._names[logical_id]
        resource = self.resources[logical_id]
        props = resource.get("Properties") or {}
        rtype = resource.get("Type", "")
        name_prop = {
            "AWS::DynamoDB::Table": "TableName",
            "AWS::SQS::Queue": "QueueName",
            "AWS::Serverless::Function": "FunctionName",
            "AWS::Lambda::Function": "FunctionName",
            "AWS::Serverless::LayerVersion": "LayerName",
            "AWS::Lambda::LayerVersion": "LayerName",
        }.get(rtype)
        self._names[logical_id] = f"<resolving {logical_id}>"  # breaks reference cycles
        name = None
        if name_prop and props.get(name_prop) is not None:
            name = str(self.resolve(props[name_prop]))
        if name is None:
            name = f"{self.stack_name}-{logical_id}"
            if rtype == _QUEUE_TYPE and str(props.get("FifoQueue", "")).lower() == "true":
                name += ".fifo"
        self._names[logical_id] = name
        return name

    def ref(self, logical_id: str) -> Any:
        if logical_id in self.parameters:
            return self.parameters[logical_id]
        if logical_id.startswith("AWS::"):
            return self.pseudo(logical_id)
        if logical_id not in self.resources:
            raise ValueError(f"!Ref to unknown resource or parameter {logical_id}")
        rtype = self.resources[logical_id].get("Type", "")
        if rtype in _TABLE_TYPES or rtype in _FUNCTION_TYPES:
            return self.physical_name(logical_id)
        if rtype == _QUEUE_TYPE:
            return self.queue_url(logical_id)
        if rtype in _LAYER_TYPES:
            return self._arn("lambda", f"layer:{self.physical_name(logical_id)}:1")
        if rtype == "AWS::KMS::Key":
            return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.stack_name}/{logical_id}"))
        if rtype == _HTTP_API_TYPE:
            return self.api_id(logical_id)
        if rtype == "AWS::SNS::Topic":
            return self._arn("sns", self.physical_name(logical_id))
        return logical_id

    def api_id(self, logical_id: str) -> str:
        digest = hashlib.sha1(f"{self.stack_name}/{logical_id}".encode()).hexdigest()
        return digest[:10]

    def queue_url(self, logical_id: str) -> str:
        name = self.physical_name(logical_id)
        if self.endpoint_url:
            return f"{self.endpoint_url}/{self.account_id}/{name}"
        return f"https://sqs.{self.region}.{URL_SUFFIX}/{self.account_id}/{name}"

    def get_att(self, logical_id: str, attribute: str) -> Any:
        if logical_id not in self.resources:
            raise ValueError(f"!GetAtt of unknown resource {logical_id}")
        rtype = self.resources[logical_id].get("Type", "")
        if rtype in _TABLE_TYPES:
            name = self.physical_name(logical_id)
            if attribute == "Arn":
                return self._arn("dynamodb", f"table/{name}")
            if attribute == "StreamArn":
                # Real stream ARNs end in a creation timestamp: bound after the table exists.
                return self.stream_arns.get(
                    logical_id, self._arn("dynamodb", f"table/{name}/stream/not-created-yet")
                )
        if rtype == _QUEUE_TYPE:
            if attribute == "Arn":
                return self._arn("sqs", self.physical_name(logical_id))
            if attribute == "QueueName":
                return self.physical_name(logical_id)
            if attribute == "QueueUrl":
                return self.queue_url(logical_id)
        if rtype in _FUNCTION_TYPES and attribute == "Arn":
            return self._arn("lambda", f"function:{self.physical_name(logical_id)}")
        if rtype == "AWS::KMS::Key":
            key_id = self.ref(logical_id)
            return self._arn("kms", f"key/{key_id}") if attribute == "Arn" else key_id
        if rtype == "AWS::SNS::Topic" and attribute == "TopicArn":
            return self.ref(logical_id)
        if attribute == "Arn":
            return self._arn("local", logical_id)
        return f"{logical_id}.{attribute}"

    # -- intrinsic functions

    def resolve(self, value: Any) -> Any:
        """Resolve every intrinsic function inside `value` (recursively)."""
        if isinstance(value, list):
            items = [self.resolve(v) for v in value]
            return [v for v in items if v is not _NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, arg),) = value.items()
            if key == "Ref":
                return self.ref(arg)
            if key == "Condition" and isinstance(arg, str):
                return self.condition(arg)
            if key.startswith("Fn::"):
                return self._function(key[4:], arg)
        out = {k: self.resolve(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v is not _NO_VALUE}

    def _function(self, name: str, arg: Any) -> Any:
        if name == "GetAtt":
            logical_id, attribute = arg if isinstance(arg, list) else str(arg).split(".", 1)
            return self.get_att(logical_id, self.resolve(attribute))
        if name == "Sub":
            return self._sub(arg)
        if name == "Join":
            sep, items = arg
            return str(self.resolve(sep)).join(str(i) for i in self.resolve(items))
        if name == "Select":
            index, items = arg
            return self.resolve(items)[int(self.resolve(index))]
        if name == "Split":
            sep, text = arg
            return str(self.resolve(text)).split(str(self.resolve(sep)))
        if name == "If":
            cond, if_true, if_false = arg
            return self.resolve(if_true if self.condition(cond) else if_false)
        if name == "Equals":
            left, right = (self.resolve(a) for a in arg)
            return str(left) == str(right)
        if name == "Not":
            return not self._truth(arg[0])
        if name == "And":
            return all(self._truth(a) for a in arg)
        if name == "Or":
            return any(self._truth(a) for a in arg)
        if name == "FindInMap":
            mapping, top, second = (self.resolve(a) for a in arg[:3])
            return self.doc["Mappings"][mapping][top][second]
        if name == "Base64":
            return base64.b64encode(str(self.resolve(arg)).encode()).decode()
        if name == "GetAZs":
            return [f"{self.region}{z}" for z in "abc"]
        if name == "ToJsonString":
            return json.dumps(self.resolve(arg), separators=(",", ":"))
        raise ValueError(f"Fn::{name} is not supported by the local stack")

    def _truth(self, value: Any) -> bool:
        if isinstance(value, dict) and set(value) == {"Condition"}:
            return self.condition(value["Condition"])
        return bool(self.resolve(value))

    def _sub(self, arg: Any) -> str:
        text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])
        local = {k: self.resolve(v) for k, v in variables.items()}

        def replace(match: re.Match[str]) -> str:
            token = match.group(1)
            if token.startswith("!"):
                return "${" + token[1:] + "}"
            if token in local:
                return str(local[token])
            if "." in token and token.split(".", 1)[0] in self.resources:
                logical_id, attribute = token.split(".", 1)
                return str(self.get_att(logical_id, attribute))
            return str(self.ref(token))

        return re.sub(r"\$\{([^}]+)\}", replace, text)


# ---------------------------------------------------------------------------- globals


def _merge_globals(global_props: Mapping[str, Any], props: Mapping[str, Any]) -> dict[str, Any]:
    """SAM's merge: maps merge (resource wins), lists concatenate (globals first)."""
    merged: dict[str, Any] = dict(global_props)
    for key, value in props.items():
        base = merged.get(key)
        if isinstance(base, dict) and isinstance(value, dict):
            merged[key] = _merge_globals(base, value)
        elif isinstance(base, list) and isinstance(value, list):
            merged[key] = base + value
        else:
            merged[key] = value
    return merged


# ---------------------------------------------------------------------------- loading


def load_template(
    path: Path | str,
    *,
    stack_name: str = "careroute-local",
    region: str = "us-east-1",
    account_id: str = ACCOUNT_ID,
    parameters: Mapping[str, Any] | None = None,
    endpoint_url: str | None = None,
    stream_arns: Mapping[str, str] | None = None,
) -> Template:
    """Read a SAM template into specs. `endpoint_url`/`stream_arns` bind runtime values."""
    path = Path(path).resolve()
    doc = read_yaml(path)
    r = _Resolver(
        doc, stack_name, region, account_id, parameters or {}, endpoint_url, stream_arns or {}
    )
    included = [lid for lid in r.resources if r.resource_included(lid)]
    by_type: dict[str, list[str]] = {}
    for lid in included:
        by_type.setdefault(r.resources[lid].get("Type", ""), []).append(lid)

    tables = {lid: _table(r, lid) for t in _TABLE_TYPES for lid in by_type.get(t, [])}
    queues = {lid: _queue(r, lid) for lid in by_type.get(_QUEUE_TYPE, [])}
    globals_ = doc.get("Globals") or {}
    http_apis = {
        lid: _http_api(r, lid, globals_.get("HttpApi") or {})
        for lid in by_type.get(_HTTP_API_TYPE, [])
    }
    functions = {
        lid: _function(r, lid, path.parent, globals_.get("Function") or {})
        for t in sorted(_FUNCTION_TYPES)
        for lid in by_type.get(t, [])
    }
    implicit_api = any(
        e.api_logical_id == "ServerlessHttpApi" for f in functions.values() for e in f.http_events
    )
    if implicit_api and "ServerlessHttpApi" not in http_apis:
        stage = (globals_.get("HttpApi") or {}).get("StageName", "$default")
        http_apis["ServerlessHttpApi"] = HttpApiSpec(
            "ServerlessHttpApi", r.api_id("ServerlessHttpApi"), str(r.resolve(stage))
        )
    return Template(
        path=path,
        stack_name=stack_name,
        region=region,
        account_id=account_id,
        parameters=r.parameters,
        tables=tables,
        queues=queues,
        functions=functions,
        http_apis=http_apis,
    )


def _props(r: _Resolver, logical_id: str) -> dict[str, Any]:
    return dict(r.resources[logical_id].get("Properties") or {})


def _table(r: _Resolver, logical_id: str) -> TableSpec:
    props = r.resolve(_props(r, logical_id))
    if r.resources[logical_id]["Type"] == "AWS::Serverless::SimpleTable":
        pk = props.get("PrimaryKey") or {"Name": "id", "Type": "String"}
        attr_type = {"String": "S", "Number": "N", "Binary": "B"}[pk["Type"]]
        provisioned = bool(props.get("ProvisionedThroughput"))
        props = {
            "KeySchema": [{"AttributeName": pk["Name"], "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": pk["Name"], "AttributeType": attr_type}],
            "BillingMode": "PROVISIONED" if provisioned else "PAY_PER_REQUEST",
            **props,
        }
    stream = props.get("StreamSpecification") or {}
    ttl = props.get("TimeToLiveSpecification") or {}
    throughput = props.get("ProvisionedThroughput")
    return TableSpec(
        logical_id=logical_id,
        name=r.physical_name(logical_id),
        arn=r.get_att(logical_id, "Arn"),
        key_schema=tuple(props["KeySchema"]),
        attribute_definitions=tuple(props["AttributeDefinitions"]),
        billing_mode=props.get("BillingMode", "PROVISIONED" if throughput else "PAY_PER_REQUEST"),
        provisioned_throughput=({k: int(v) for k, v in throughput.items()} if throughput else None),
        global_secondary_indexes=tuple(props.get("GlobalSecondaryIndexes") or ()),
        local_secondary_indexes=tuple(props.get("LocalSecondaryIndexes") or ()),
        stream_view_type=stream.get("StreamViewType"),
        ttl_attribute=(
            ttl.get("AttributeName") if str(ttl.get("Enabled", "")).lower() == "true" else None
        ),
    )


def _queue(r: _Resolver, logical_id: str) -> QueueSpec:
    props = r.resolve(_props(r, logical_id))
    attributes = {
        k: (str(v).lower() if isinstance(v, bool) else str(v))
        for k, v in props.items()
        if k in _QUEUE_ATTRIBUTES
    }
    raw_redrive = _props(r, logical_id).get("RedrivePolicy") or {}
    if isinstance(raw_redrive, str):  # CloudFormation also accepts a JSON string
        raw_redrive = json.loads(raw_redrive)
    redrive = r.resolve(raw_redrive)
    dlq_id = None
    if redrive:
        dlq_id = _target_logical_id(r, raw_redrive["deadLetterTargetArn"], _QUEUE_TYPE)
    return QueueSpec(
        logical_id=logical_id,
        name=r.physical_name(logical_id),
        arn=r.get_att(logical_id, "Arn"),
        url=r.queue_url(logical_id),
        visibility_timeout=int(props.get("VisibilityTimeout", 30)),
        fifo=str(props.get("FifoQueue", "")).lower() == "true",
        attributes=attributes,
        dlq_logical_id=dlq_id,
        max_receive_count=int(redrive["maxReceiveCount"]) if redrive else None,
    )


def _http_api(r: _Resolver, logical_id: str, global_props: Mapping[str, Any]) -> HttpApiSpec:
    merged = _merge_globals(global_props, _props(r, logical_id))
    auth = merged.get("Auth") or {}
    props = r.resolve({k: v for k, v in merged.items() if k != "Auth"})
    default = auth.get("DefaultAuthorizer")
    return HttpApiSpec(
        logical_id,
        r.api_id(logical_id),
        str(props.get("StageName", "$default")),
        str(default) if default else None,
    )


def _target_logical_id(r: _Resolver, value: Any, resource_type: str | set[str]) -> str:
    """Which resource a Ref/GetAtt/ARN/URL/name points at (e.g. an event's `Queue:`)."""
    types = {resource_type} if isinstance(resource_type, str) else resource_type
    if isinstance(value, dict) and "Ref" in value:
        return str(value["Ref"])
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        arg = value["Fn::GetAtt"]
        return str(arg[0] if isinstance(arg, list) else str(arg).split(".", 1)[0])
    text = str(r.resolve(value))
    for lid, res in r.resources.items():
        if res.get("Type") not in types:
            continue
        name = r.physical_name(lid)
        if text == name or text.endswith(f":{name}") or f"/{name}/" in text + "/":
            return lid
    raise ValueError(f"cannot tell which resource {value!r} refers to")


def _function(
    r: _Resolver, logical_id: str, base_dir: Path, global_props: Mapping[str, Any]
) -> FunctionSpec:
    raw = _props(r, logical_id)
    if r.resources[logical_id]["Type"] == "AWS::Serverless::Function":
        raw = _merge_globals(global_props, raw)
    events_raw = raw.pop("Events", None) or {}
    props = r.resolve({k: v for k, v in raw.items() if k != "Policies"})
    handler = str(props.get("Handler", "app.lambda_handler"))
    module, _, function_name = handler.rpartition(".")
    code_uri = props.get("CodeUri", ".")
    if not isinstance(code_uri, str):
        raise ValueError(f"{logical_id}: only a local CodeUri directory is supported")
    env = (props.get("Environment") or {}).get("Variables") or {}
    environment = {k: _env_str(v) for k, v in env.items()}
    name = r.physical_name(logical_id)
    return FunctionSpec(
        logical_id=logical_id,
        name=name,
        arn=r.get_att(logical_id, "Arn"),
        code_dir=(base_dir / code_uri).resolve(),
        handler_module=module,
        handler_function=function_name,
        timeout=int(props.get("Timeout", 3)),
        memory_size=int(props.get("MemorySize", 128)),
        runtime=str(props.get("Runtime", "python3.12")),
        environment=environment,
        layer_dirs=_layer_dirs(r, raw.get("Layers") or [], base_dir),
        events=tuple(
            event
            for ev_name, ev in events_raw.items()
            if (event := _event(r, logical_id, name, ev_name, ev)) is not None
        ),
    )


def _env_str(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _layer_dirs(r: _Resolver, layers: list[Any], base_dir: Path) -> tuple[Path, ...]:
    dirs = []
    for layer in layers:
        if isinstance(layer, dict) and "Ref" in layer and layer["Ref"] in r.resources:
            content = (r.resources[layer["Ref"]].get("Properties") or {}).get("ContentUri")
            if isinstance(content, str) and (base_dir / content).is_dir():
                dirs.append((base_dir / content).resolve())
    return tuple(dirs)


def _event(
    r: _Resolver, fn_logical_id: str, fn_name: str, name: str, event: Mapping[str, Any]
) -> Event | None:
    etype = event.get("Type")
    raw = dict(event.get("Properties") or {})
    if etype in ("ScheduleV2", "Schedule"):
        props = r.resolve(raw)
        dlq_arn = (raw.get("DeadLetterConfig") or {}).get("Arn")
        state = str(props.get("State", "ENABLED")).upper()
        enabled = bool(props.get("Enabled", True)) and state == "ENABLED"
        return ScheduleEvent(
            name=name,
            type=etype,
            expression=str(props["ScheduleExpression"]),
            timezone=str(props.get("ScheduleExpressionTimezone", "UTC")),
            input=None if props.get("Input") is None else str(props["Input"]),
            enabled=enabled,
            schedule_name=str(props.get("Name") or f"{fn_logical_id}{name}"),
            dlq_logical_id=_target_logical_id(r, dlq_arn, _QUEUE_TYPE) if dlq_arn else None,
        )
    if etype == "SQS":
        props = r.resolve({k: v for k, v in raw.items() if k != "Queue"})
        return SqsEvent(
            name=name,
            queue_logical_id=_target_logical_id(r, raw["Queue"], _QUEUE_TYPE),
            batch_size=int(props.get("BatchSize", 10)),
            report_batch_item_failures="ReportBatchItemFailures"
            in (props.get("FunctionResponseTypes") or []),
            maximum_batching_window=int(props.get("MaximumBatchingWindowInSeconds", 0)),
            enabled=bool(props.get("Enabled", True)),
        )
    if etype == "DynamoDB":
        props = r.resolve({k: v for k, v in raw.items() if k not in ("Stream",)})
        on_failure_raw = ((raw.get("DestinationConfig") or {}).get("OnFailure") or {}).get(
            "Destination"
        )
        on_failure = None
        if on_failure_raw is not None:
            on_failure = _target_logical_id(r, on_failure_raw, _QUEUE_TYPE)
        return StreamEvent(
            name=name,
            table_logical_id=_target_logical_id(r, raw["Stream"], _TABLE_TYPES),
            batch_size=int(props.get("BatchSize", 100)),
            starting_position=str(props.get("StartingPosition", "TRIM_HORIZON")),
            bisect_on_error=bool(props.get("BisectBatchOnFunctionError", False)),
            maximum_retry_attempts=int(props.get("MaximumRetryAttempts", -1)),
            on_failure_queue_logical_id=on_failure,
            report_batch_item_failures="ReportBatchItemFailures"
            in (props.get("FunctionResponseTypes") or []),
            enabled=bool(props.get("Enabled", True)),
        )
    if etype == "HttpApi":
        props = r.resolve({k: v for k, v in raw.items() if k not in ("ApiId", "Auth")})
        api = raw.get("ApiId")
        authorizer = (raw.get("Auth") or {}).get("Authorizer")
        return HttpApiEvent(
            name=name,
            method=str(props.get("Method", "ANY")).upper(),
            path=str(props.get("Path", "$default")),
            api_logical_id=(
                _target_logical_id(r, api, _HTTP_API_TYPE) if api else "ServerlessHttpApi"
            ),
            payload_format_version=str(props.get("PayloadFormatVersion", "2.0")),
            authorizer=str(authorizer) if authorizer else None,
        )
    return None  # event types the local pump does not drive (Api, S3, SNS, ...)
