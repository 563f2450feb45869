"""Ids derived from what makes an item what it is (an Idempotency-Key and its caller, an
event, an elder and a rule): the same text always names the same item, so a retry or a
second delivery finds the one stored instead of making another."""

from __future__ import annotations

import hashlib


def stable_id(prefix: str, text: str, digits: int = 24) -> str:
    """`prefix` followed by the first `digits` hex digits of the SHA-256 of `text`."""
    return prefix + hashlib.sha256(text.encode()).hexdigest()[:digits]
