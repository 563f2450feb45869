"""CloudFormation's intrinsic functions and references, resolved as a deployed stack would.

`!Ref`, `!GetAtt`, `!Sub`, `!Join`, `!If` and the rest evaluate against the template's
Parameters (defaults or overrides), its Conditions, the pseudo parameters and its resources'
physical names and ARNs in the local account; runtime-only values (queue URLs on the local
endpoint, stream ARNs) come from the stack once it exists.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import uuid
from collections.abc import Mapping
from typing import Any

ACCOUNT_ID = "123456789012"
PARTITION = "aws"
URL_SUFFIX = "amazonaws.com"

TABLE_TYPES = {"AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable"}
QUEUE_TYPE = "AWS::SQS::Queue"
FUNCTION_TYPES = {"AWS::Serverless::Function", "AWS::Lambda::Function"}
HTTP_API_TYPE = "AWS::Serverless::HttpApi"
BUCKET_TYPE = "AWS::S3::Bucket"
LOG_GROUP_TYPE = "AWS::Logs::LogGroup"
LAYER_TYPES = {"AWS::Serverless::LayerVersion", "AWS::Lambda::LayerVersion"}
_NO_VALUE = object()  # AWS::NoValue: the key disappears


class Resolver:
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
            LOG_GROUP_TYPE: "LogGroupName",
            BUCKET_TYPE: "BucketName",
        }.get(rtype)
        self._names[logical_id] = f"<resolving {logical_id}>"  # breaks reference cycles
        name = None
        if name_prop and props.get(name_prop) is not None:
            name = str(self.resolve(props[name_prop]))
        if name is None:
            name = f"{self.stack_name}-{logical_id}"
            if rtype == QUEUE_TYPE and str(props.get("FifoQueue", "")).lower() == "true":
                name += ".fifo"
            if rtype == BUCKET_TYPE:  # S3 takes lower case only
                name = name.lower()
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
        if (
            rtype in TABLE_TYPES
            or rtype in FUNCTION_TYPES
            or rtype in (LOG_GROUP_TYPE, BUCKET_TYPE)
        ):
            return self.physical_name(logical_id)
        if rtype == QUEUE_TYPE:
            return self.queue_url(logical_id)
        if rtype in LAYER_TYPES:
            return self._arn("lambda", f"layer:{self.physical_name(logical_id)}:1")
        if rtype == "AWS::KMS::Key":
            return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.stack_name}/{logical_id}"))
        if rtype == HTTP_API_TYPE:
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
        if rtype in TABLE_TYPES:
            name = self.physical_name(logical_id)
            if attribute == "Arn":
                return self._arn("dynamodb", f"table/{name}")
            if attribute == "StreamArn":
                # Real stream ARNs end in a creation timestamp: bound after the table exists.
                return self.stream_arns.get(
                    logical_id, self._arn("dynamodb", f"table/{name}/stream/not-created-yet")
                )
        if rtype == QUEUE_TYPE:
            if attribute == "Arn":
                return self._arn("sqs", self.physical_name(logical_id))
            if attribute == "QueueName":
                return self.physical_name(logical_id)
            if attribute == "QueueUrl":
                return self.queue_url(logical_id)
        if rtype == BUCKET_TYPE and attribute == "Arn":
            return f"arn:{PARTITION}:s3:::{self.physical_name(logical_id)}"
        if rtype in FUNCTION_TYPES and attribute == "Arn":
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


def target_logical_id(r: Resolver, value: Any, resource_type: str | set[str]) -> str:
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
