"""Build the HTTP API's one OpenAPI document from every function that serves a route.

`python -m careroute_local.openapi_build` (`make openapi`) imports each function named by an
HttpApi event in template.yaml, exactly as the local stack loads it, takes its resolver's
document and merges them (careroute.entrypoints.openapi_doc) into
layers/shared/careroute/entrypoints/openapi.json,
which the ApiFunction serves at /openapi.json. Importing a function touches no AWS: the
template's environment (local table names) is set only while it is imported.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from unittest import mock

from careroute.entrypoints.openapi_doc import DOCUMENT_FILE, merge, render
from careroute_local.paths import TEMPLATE_PATH
from careroute_local.pump import load_module
from careroute_local.template import FunctionSpec, load_template


def function_document(spec: FunctionSpec) -> dict[str, Any]:
    """One function's resolver's own OpenAPI document."""
    with mock.patch.dict(os.environ, {"AWS_DEFAULT_REGION": "us-east-1", **spec.environment}):
        app = load_module(spec).app
    document: dict[str, Any] = json.loads(app.get_openapi_json_schema())
    return document


def build_document(template_path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    """The merged document of every HttpApi function in the template."""
    template = load_template(template_path)
    specs = {spec.logical_id: spec for spec, _ in template.http_routes()}
    return merge({name: function_document(spec) for name, spec in sorted(specs.items())})


def main() -> None:
    text = render(build_document())
    changed = not DOCUMENT_FILE.exists() or DOCUMENT_FILE.read_text("utf-8") != text
    DOCUMENT_FILE.write_text(text, "utf-8")
    print(f"{DOCUMENT_FILE}: {'written' if changed else 'unchanged'}")


if __name__ == "__main__":
    main()
