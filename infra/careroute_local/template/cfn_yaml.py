"""template.yaml as plain data: YAML with CloudFormation's short tags (`!Ref`, `!Sub`, ...).

PyYAML's SafeLoader rejects unknown tags; this loader turns each short tag into the long form
CloudFormation defines (`{"Ref": x}`, `{"Fn::Sub": s}`), which the resolver then evaluates.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


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
