"""Every botocore session of the test process reads the SDK's JSON models once.

pynamodb gives each model's connection a botocore session of its own, and each new session
parses endpoints.json and the DynamoDB service model again (~0.25 s of CPU per client). A
Lambda container does that once per model at its cold start; the tests rebind the models for
every stack they restore (as a fresh container would), so they paid it again and again: ~40 %
of the CPU of tests/integration/test_api.py. Sharing one loader (botocore's own cache of
those files, read-only) leaves every request as it was.
"""

from __future__ import annotations

import functools

import botocore.loaders
import botocore.session


def share_one_loader() -> None:
    """Sessions created from now on take the process's one loader for their data path."""
    botocore.session.create_loader = functools.cache(botocore.loaders.create_loader)
