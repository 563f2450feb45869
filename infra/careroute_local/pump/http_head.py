"""A request's headers read as plain (name, value) pairs, for the local HTTP server.

The standard library's server reads the header lines, then parses them into an email message
(~0.05 ms of the serving thread per request, a tenth of what the local HTTP front costs). A
plain head (every line `Name: value`) becomes the pairs that message would give, here
directly; any other (a folded line, a line without a colon) goes through the email parser as
before, so both give the same pairs.
"""

from __future__ import annotations

import email.parser
import re
from http.client import HTTPMessage
from typing import Protocol

MAX_LINE = 65536
"""The longest header line read, as http.client (a longer one: 431)."""
MAX_HEADERS = 100
"""The most header lines read, as http.client (more: 431)."""

Pairs = list[tuple[str, str]]

_NAME = re.compile(r"[!-9;-~]+")
"""A header name as the email parser takes one: printable ASCII, no blank, no colon."""


class Lines(Protocol):
    """What the headers are read from: the server's buffered socket reader."""

    def readline(self, size: int, /) -> bytes: ...


class HeadTooLarge(Exception):
    """A header line longer than MAX_LINE, or more than MAX_HEADERS lines."""


def read_head(rfile: Lines) -> Pairs:
    """The header lines up to the blank line that ends them, as (name, value) pairs."""
    lines: list[bytes] = []
    while True:
        line = rfile.readline(MAX_LINE + 1)
        if len(line) > MAX_LINE:
            raise HeadTooLarge("Line too long")
        if line in (b"\r\n", b"\n", b""):
            break
        lines.append(line)
        if len(lines) >= MAX_HEADERS:
            raise HeadTooLarge("Too many headers")
    text = [line.decode("iso-8859-1") for line in lines]
    pairs = [_plain(line) for line in text]
    if all(pair is not None for pair in pairs):
        return [pair for pair in pairs if pair is not None]
    message = email.parser.Parser(_class=HTTPMessage).parsestr("".join(text) + "\r\n")
    return [(name, str(value)) for name, value in message.items()]


def _plain(line: str) -> tuple[str, str] | None:
    """`Name: value` as the email parser reads it (the value without its leading blanks and
    line end); None for any other line."""
    name, colon, value = line.partition(":")
    if not colon or _NAME.fullmatch(name) is None:
        return None
    return name, value.lstrip(" \t").rstrip("\r\n")
