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
"""

from __future__ import annotations

import gc
import os

gc.disable()
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


def loaded() -> None:
    """The function is set up: what it made stays for the container's life; collect again."""
    gc.freeze()
    gc.enable()
