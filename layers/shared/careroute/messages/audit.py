"""A read of personal data as one log line: what the API logs and the audit writer stores.

A request that shows elders' names or addresses does not wait for the audit table: it logs
one line carrying a `LoggedRead` (ids only, never the values shown), and the log group's
subscription filter hands the line to the audit writer, which stores it under its `read_id`
(a redelivered line stores nothing new).
"""

from __future__ import annotations

from pydantic import AwareDatetime, ConfigDict

from careroute.domain.elder_history import Actor, Entry, Kind
from careroute.messages.base import Message

READ_LOGGED = "personal data read"
"""The message of every audit line: what the subscription filter in template.yaml matches."""

AUDIT_KEY = "audit"
"""The log line's key holding the `LoggedRead`."""


class LoggedRead(Message):
    """Who was shown which elders' personal data, when: a community's elders (a route, a
    list) or one elder's (`elder_id` set)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    read_id: str
    community_id: str
    elder_id: str | None = None
    at: AwareDatetime
    actor_sub: str
    actor_role: str
    what: str
    elder_ids: list[str]

    @classmethod
    def of(
        cls, read_id: str, community_id: str, entry: Entry, elder_id: str | None = None
    ) -> LoggedRead:
        return cls(
            read_id=read_id,
            community_id=community_id,
            elder_id=elder_id,
            at=entry.at,
            actor_sub=entry.actor.sub,
            actor_role=entry.actor.role,
            what=entry.what,
            elder_ids=list(entry.elder_ids),
        )

    def entry(self) -> Entry:
        return Entry(
            Kind.READ,
            self.at,
            Actor(self.actor_sub, self.actor_role),
            self.what,
            elder_ids=tuple(self.elder_ids),
        )
