"""Reading template.yaml into a `Template`: each resource the local stack needs, as its spec.

SAM's Globals are merged into each function and HTTP API as SAM merges them; tables, queues
(with their redrive), buckets, HTTP APIs (the implicit one included) and functions (code
directory, handler, environment, layers, event sources) become specs with every reference
resolved.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from careroute_local.template.cfn_yaml import read_yaml
from careroute_local.template.event_sources import function_event
from careroute_local.template.intrinsics import (
    ACCOUNT_ID,
    BUCKET_TYPE,
    FUNCTION_TYPES,
    HTTP_API_TYPE,
    QUEUE_TYPE,
    TABLE_TYPES,
    Resolver,
    target_logical_id,
)
from careroute_local.template.specs import (
    BucketSpec,
    FunctionSpec,
    HttpApiSpec,
    QueueSpec,
    TableSpec,
    Template,
)

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
    r = Resolver(
        doc, stack_name, region, account_id, parameters or {}, endpoint_url, stream_arns or {}
    )
    included = [lid for lid in r.resources if r.resource_included(lid)]
    by_type: dict[str, list[str]] = {}
    for lid in included:
        by_type.setdefault(r.resources[lid].get("Type", ""), []).append(lid)

    tables = {lid: _table(r, lid) for t in TABLE_TYPES for lid in by_type.get(t, [])}
    queues = {lid: _queue(r, lid) for lid in by_type.get(QUEUE_TYPE, [])}
    buckets = {lid: BucketSpec(lid, r.physical_name(lid)) for lid in by_type.get(BUCKET_TYPE, [])}
    globals_ = doc.get("Globals") or {}
    http_apis = {
        lid: _http_api(r, lid, globals_.get("HttpApi") or {})
        for lid in by_type.get(HTTP_API_TYPE, [])
    }
    functions = {
        lid: _function(r, lid, path.parent, globals_.get("Function") or {})
        for t in sorted(FUNCTION_TYPES)
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
        buckets=buckets,
    )


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


def _props(r: Resolver, logical_id: str) -> dict[str, Any]:
    return dict(r.resources[logical_id].get("Properties") or {})


def _table(r: Resolver, logical_id: str) -> TableSpec:
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


def _queue(r: Resolver, logical_id: str) -> QueueSpec:
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
        dlq_id = target_logical_id(r, raw_redrive["deadLetterTargetArn"], QUEUE_TYPE)
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


def _http_api(r: Resolver, logical_id: str, global_props: Mapping[str, Any]) -> HttpApiSpec:
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


def _function(
    r: Resolver, logical_id: str, base_dir: Path, global_props: Mapping[str, Any]
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
    log_group = (props.get("LoggingConfig") or {}).get("LogGroup") or f"/aws/lambda/{name}"
    dead_letter = raw.get("DeadLetterQueue") or {}
    retries = (props.get("EventInvokeConfig") or {}).get("MaximumRetryAttempts", 2)
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
            if (event := function_event(r, logical_id, name, ev_name, ev)) is not None
        ),
        log_group=str(log_group),
        dead_letter_queue_logical_id=(
            target_logical_id(r, dead_letter["TargetArn"], QUEUE_TYPE) if dead_letter else None
        ),
        async_retry_attempts=int(retries),
    )


def _env_str(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _layer_dirs(r: Resolver, layers: list[Any], base_dir: Path) -> tuple[Path, ...]:
    dirs = []
    for layer in layers:
        if isinstance(layer, dict) and "Ref" in layer and layer["Ref"] in r.resources:
            content = (r.resources[layer["Ref"]].get("Properties") or {}).get("ContentUri")
            if isinstance(content, str) and (base_dir / content).is_dir():
                dirs.append((base_dir / content).resolve())
    return tuple(dirs)
