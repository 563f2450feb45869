"""CloudWatch Logs filter patterns, in the JSON form the template uses, matched locally.

`{ $.message = "personal data read" }`: terms `$.a.b = value` or `$.a.b != value` joined by
`&&`, a value quoted or bare, a trailing `*` matching any rest; the empty pattern matches
every line. Any other form (`||`, numeric comparisons, space-delimited or term patterns) is
refused when read, rather than matched differently from CloudWatch Logs.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

_TERM = re.compile(r'^\$((?:\.[A-Za-z_][A-Za-z0-9_]*)+)\s*(=|!=)\s*("(?:[^"\\]|\\.)*"|[^\s"]+)$')


@dataclass(frozen=True)
class Term:
    path: tuple[str, ...]
    equal: bool  # "=" (True) or "!=" (False)
    value: str

    def holds(self, document: Any) -> bool:
        for key in self.path:
            if not isinstance(document, dict) or key not in document:
                return False  # CloudWatch: a missing field matches neither = nor !=
            document = document[key]
        text = json.dumps(document) if isinstance(document, (dict, list, bool)) else str(document)
        wildcard = self.value.endswith("*")
        same = text.startswith(self.value[:-1]) if wildcard else text == self.value
        return same is self.equal


@dataclass(frozen=True)
class LogFilter:
    """A parsed filter pattern: every term must hold on the line's JSON."""

    terms: tuple[Term, ...]

    def matches(self, line: str) -> bool:
        if not self.terms:
            return True
        try:
            document = json.loads(line)
        except ValueError:
            return False  # a JSON pattern never matches a line that is not JSON
        return all(term.holds(document) for term in self.terms)


def log_filter(pattern: str) -> LogFilter:
    """The filter `pattern` describes; ValueError for a form this module does not match."""
    text = pattern.strip()
    if not text:
        return LogFilter(())
    if not (text.startswith("{") and text.endswith("}")) or "||" in text:
        raise ValueError(f"unsupported filter pattern (JSON terms joined by && only): {pattern}")
    terms = []
    for part in text[1:-1].split("&&"):
        found = _TERM.match(part.strip())
        if found is None:
            raise ValueError(f"unsupported term {part.strip()!r} in filter pattern {pattern}")
        path, operator, value = found.groups()
        if value.startswith('"'):
            value = json.loads(value)
        terms.append(Term(tuple(path[1:].split(".")), operator == "=", value))
    return LogFilter(tuple(terms))
