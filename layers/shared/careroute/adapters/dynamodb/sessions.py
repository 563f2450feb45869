"""The botocore sessions pynamodb makes, sharing one loader of botocore's data files.

pynamodb gives every model's connection its own botocore session (one per thread: creating
a client is not thread-safe), and each session's first client loads and parses the same
JSON files (the DynamoDB service model, endpoints, partitions, the endpoint rule set): some
60-90 ms of CPU for every table a function touches, on its first call after a cold start,
and for every table `careroute run` loads. The sessions made here are as many and as
separate, but read those files through one loader, which keeps what it parsed: only the
first client of the process pays for them (a later one ~4 ms).
"""

from __future__ import annotations

import threading

import botocore.session
import pynamodb.connection.base

_loader_guard = threading.Lock()
_loader: object | None = None
"""The first session's data loader, given to every later session."""


def session_sharing_loader() -> botocore.session.Session:
    """A new botocore session whose data loader is the process's one."""
    global _loader
    session = botocore.session.get_session()
    with _loader_guard:
        if _loader is None:
            _loader = session.get_component("data_loader")
        else:
            session.register_component("data_loader", _loader)
    return session


def share_loader() -> None:
    """Make pynamodb's connections take their sessions from `session_sharing_loader`."""
    setattr(pynamodb.connection.base, "get_session", session_sharing_loader)  # noqa: B010
