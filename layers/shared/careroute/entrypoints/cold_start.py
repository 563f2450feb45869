"""The cyclic garbage collector paused while a function's modules load, imported first by a
handler for that reason (`# isort: split` keeps it first).

Importing a function's modules creates hundreds of thousands of objects that live as long as
the container, and each collection the import triggers walks all of them again: 25-45 ms of
the HTTP functions' ~330 ms of CPU at cold start. Importing this module pauses the collector;
`loaded()`, called once the handler is set up, moves everything made so far to the
collector's permanent generation (`gc.freeze`: never walked again, as it would never be freed)
and resumes collecting what the requests make. A handler whose import fails leaves the
collector paused in that process: Lambda then discards the process; the local stack and the
tests only do without cyclic collection.
"""

from __future__ import annotations

import gc

gc.disable()


def loaded() -> None:
    """The function is set up: what it made stays for the container's life; collect again."""
    gc.freeze()
    gc.enable()
