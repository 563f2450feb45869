"""The local stack matches CloudWatch Logs JSON filter patterns as CloudWatch does, and refuses
the forms it does not match rather than matching them differently."""

from __future__ import annotations

import json

import pytest

from careroute_local.pump.log_filters import log_filter

AUDIT_LINE = json.dumps({"level": "INFO", "message": "personal data read", "audit": {"n": 3}})


def test_a_string_term_matches_the_field_exactly() -> None:
    audit = log_filter('{ $.message = "personal data read" }')
    assert audit.matches(AUDIT_LINE)
    assert not audit.matches(json.dumps({"message": "personal data read twice"}))
    assert not audit.matches(json.dumps({"msg": "personal data read"}))  # no such field
    assert not audit.matches("personal data read")  # not JSON


def test_terms_joined_by_and_nested_fields_wildcards_and_not_equal() -> None:
    assert log_filter('{ $.message = "personal*" && $.audit.n = 3 }').matches(AUDIT_LINE)
    assert not log_filter('{ $.message = "personal*" && $.audit.n = 4 }').matches(AUDIT_LINE)
    assert log_filter("{ $.level != ERROR }").matches(AUDIT_LINE)
    assert not log_filter("{ $.level != INFO }").matches(AUDIT_LINE)


def test_the_empty_pattern_matches_every_line() -> None:
    assert log_filter("").matches("anything at all")


@pytest.mark.parametrize(
    "pattern", ["ERROR", "{ $.a = 1 || $.b = 2 }", "{ $.latency > 100 }", "[ip, user]"]
)
def test_forms_it_does_not_match_are_refused(pattern: str) -> None:
    with pytest.raises(ValueError, match="unsupported"):
        log_filter(pattern)
