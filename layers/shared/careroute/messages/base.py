"""The base of every message model: pydantic builds a model's validator and serializer when
the model is first used, not when its module is imported.

A function imports the shapes of every route and use case it serves, and a request uses one
or two of them: building them all at import was ~30-50 ms of each cold start."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Message(BaseModel):
    """A shape crossing an edge; subclasses add their own config (merged with this one)."""

    model_config = ConfigDict(defer_build=True)
