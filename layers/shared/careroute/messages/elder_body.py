"""The start every request about one elder shares (an order, a bed, a day-care place, a
lunch): the elder and their community, checked as ids, and no field the route does not know."""

from __future__ import annotations

from pydantic import ConfigDict

from careroute.messages.base import Message
from careroute.messages.visits import Id


class ElderBody(Message):
    """A request body about one elder of a community; a subclass adds what is asked for them.
    An unknown field is refused (422), not silently dropped."""

    model_config = ConfigDict(extra="forbid")

    elder_id: Id
    community_id: Id
