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

Powertools' `event_handler` package imports every resolver in its `__init__` (AppSync's with
asyncio, Bedrock agents', VPC Lattice's, ...); the HTTP functions use API Gateway's. The
package is registered here without running its `__init__` (unless it is loaded already): its
submodules import as before, a name the package exports is read from `api_gateway` where it
is defined there, and any other name runs the real `__init__` first, so every import of the
package still works. ~33 M instructions (~6 ms) of each HTTP function's cold start.
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

EVENT_HANDLER = "aws_lambda_powertools.event_handler"


def _event_handler_package() -> ModuleType:
    """Powertools' event handler package, its `__init__` run only for a name that
    `api_gateway` does not define."""
    spec = find_spec(EVENT_HANDLER)
    if spec is None or spec.loader is None:
        raise ImportError(f"no module named {EVENT_HANDLER}")
    package = module_from_spec(spec)
    loader = spec.loader

    def exported(name: str) -> Any:
        if name.startswith("__") or find_spec(f"{EVENT_HANDLER}.{name}") is not None:
            raise AttributeError(name)  # a submodule: the import system loads it
        resolvers = importlib.import_module(f"{EVENT_HANDLER}.api_gateway")
        if hasattr(resolvers, name):
            return getattr(resolvers, name)
        del package.__getattr__  # the real __init__ defines every other name, once
        loader.exec_module(package)
        return getattr(package, name)

    package.__getattr__ = exported  # type: ignore[method-assign]
    return package


if EVENT_HANDLER not in sys.modules:
    sys.modules[EVENT_HANDLER] = _event_handler_package()


def loaded() -> None:
    """The function is set up: what it made stays for the container's life; collect again."""
    gc.freeze()
    gc.enable()
