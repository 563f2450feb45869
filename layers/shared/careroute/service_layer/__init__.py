"""Use cases: each function is one thing a handler or the CLI asks CareRoute to do."""
