"""A policy section read on first use: the policy file's optional `[section]` tables, each
parsed by its own domain module only when something reads it.

Parsing every section at cold start imported every domain module into every function
(~250 M instructions, ~50 ms, mostly creating their dataclasses), though most functions read
two or three sections. A `Section` is a field of the frozen `Policy` dataclass (a descriptor
field): it holds the section's table until the first read, then imports the module named
here, parses the table and keeps the result. A bad table raises the same PolicyError, at the
first read or, where `Policy.check_sections` runs (a named policy file, a stored policy), at
load. The module is named as text so that importing the policy imports none of them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from careroute.domain.policy_tables import plain_settings

T = TypeVar("T")


class PolicyError(ValueError):
    """The policy file is malformed; the message names the key at fault."""


@dataclass(frozen=True)
class Unparsed:
    """A section's table as the policy file has it, and where it is (for error messages)."""

    table: Any
    where: str


def call_parser(parser: Any, table: Any, where: str) -> Any:
    """A section whose module has a parser: `parse_x(table, where)`."""
    return parser(table, where)


def plain_section(kind: Any, table: Any, where: str) -> Any:
    """A section of plain settings: the settings class read whole (policy_tables.py)."""
    return plain_settings(kind)(table, where)


class Section(Generic[T]):
    """A field of Policy holding one `[section]`: set to a parsed value or an `Unparsed`
    table, read as the parsed value (parsed on the first read, then kept)."""

    def __init__(
        self,
        module: str,
        name: str,
        parse: Callable[[Any, Any, str], Any] = call_parser,
    ) -> None:
        self.module = module
        self.name = name
        """The module's parser or settings class, given to `parse` with the table."""
        self.parse = parse
        self.slot = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.key = name
        self.slot = f"_{name}"

    def __get__(self, policy: object, owner: type | None = None) -> T:
        if policy is None:
            # Read on the class, as dataclasses does for the field's default: absent
            # table, the module's defaults.
            return cast(T, Unparsed({}, f"policy: {self.key}"))
        value = policy.__dict__[self.slot]
        if isinstance(value, Unparsed):
            value = self.parsed(value)
            policy.__dict__[self.slot] = value
        return cast(T, value)

    def __set__(self, policy: object, value: T | Unparsed) -> None:
        policy.__dict__[self.slot] = value

    def parsed(self, unparsed: Unparsed) -> T:
        """The section parsed by its module; its ValueError naming the key at fault, raised
        as a PolicyError."""
        found = getattr(importlib.import_module(self.module), self.name)
        try:
            return cast(T, self.parse(found, unparsed.table, unparsed.where))
        except ValueError as exc:
            raise PolicyError(str(exc)) from exc
