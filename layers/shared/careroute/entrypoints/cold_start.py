"""What a function's cold start should not pay, set up by the first import of every handler
(`# isort: split` keeps it first).

The cyclic garbage collector is paused while the function's modules load. Importing them
creates hundreds of thousands of objects that live as long as the container, and each
collection the import triggers walks all of them again: 25-45 ms of the HTTP functions'
~330 ms of CPU at cold start. `loaded()`, called once the handler is set up, moves everything
made so far to the collector's permanent generation (`gc.freeze`: never walked again, as it
would never be freed) and resumes collecting what the requests make. A handler whose import
fails leaves the collector paused in that process: Lambda then discards the process; the local
stack and the tests only do without cyclic collection.

pydantic looks for plugins (the `pydantic` entry-point group) when it builds its first model,
by reading the metadata of every installed distribution; CareRoute uses none, so the search is
switched off (`PYDANTIC_DISABLE_PLUGINS`, unless the environment already sets it). The HTTP
functions build a model at import (Powertools' request-error model), where the search was
~10 ms of CPU locally (117 distributions in the virtualenv); the others at their first event.

Two Powertools packages import all their modules in their `__init__`: `event_handler` every
resolver (AppSync's with asyncio, Bedrock agents', VPC Lattice's, ...; the HTTP functions use
API Gateway's), `utilities.data_classes` every event source's class (the queue and stream
functions use SQS's or DynamoDB's, ~12 ms). Each is registered here without running its
`__init__` (unless it is loaded already): its submodules import as before, a name the
`__init__` imports from one of its modules is read from that module alone, and any other name
(`__all__`, say) runs the real `__init__` first, so every import of the package still works.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from importlib.util import find_spec, module_from_spec
from types import ModuleType
from typing import Any

gc.disable()
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

LAZY_PACKAGES = (
    "aws_lambda_powertools.event_handler",
    "aws_lambda_powertools.utilities.data_classes",
)


def _defined_in(package: str, source: str) -> dict[str, str]:
    """Each name the package's `__init__` imports from one of its own modules: the module."""
    import ast  # loaded by the functions anyway (inspect imports it)

    found: dict[str, str] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.ImportFrom) and node.module and node.level in (0, 1):
            module = node.module if node.level == 0 else f"{package}.{node.module}"
            if module.startswith(f"{package}."):
                found.update({alias.asname or alias.name: module for alias in node.names})
    return found


def _without_init(name: str) -> ModuleType | None:
    """Package `name`, its `__init__` run only for a name not imported from one of its
    modules; None when its source is not there to say where its names come from."""
    spec = find_spec(name)
    if spec is None or spec.loader is None or not hasattr(spec.loader, "get_source"):
        return None
    loader = spec.loader
    package = module_from_spec(spec)
    where: dict[str, str] = {}

    def exported(attribute: str) -> Any:
        if attribute.startswith("__") and attribute != "__all__":
            raise AttributeError(attribute)
        if not where:
            where.update(_defined_in(name, loader.get_source(name) or ""))
        if attribute in where:
            value = getattr(importlib.import_module(where[attribute]), attribute)
            # Bound as the `__init__` binds it: over a submodule of the same name, which
            # the import just set on the package (`event_source`, the decorator).
            setattr(package, attribute, value)
            return value
        if attribute != "__all__" and find_spec(f"{name}.{attribute}") is not None:
            raise AttributeError(attribute)  # a submodule: the import system loads it
        del package.__getattr__  # the real __init__ defines every other name, once
        loader.exec_module(package)
        return getattr(package, attribute)

    package.__getattr__ = exported  # type: ignore[method-assign]
    return package


for _name in LAZY_PACKAGES:
    if _name not in sys.modules and (_package := _without_init(_name)) is not None:
        sys.modules[_name] = _package


def loaded() -> None:
    """The function is set up: what it made stays for the container's life; collect again."""
    gc.freeze()
    gc.enable()
