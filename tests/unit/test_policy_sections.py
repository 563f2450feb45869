"""The policy's optional sections are parsed when first read: the built-in file loads
without importing the section modules, every section of it parses, and a bad table fails
with the same message at load (a named file, a stored policy) or at its first read."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from dataclasses import fields, replace
from pathlib import Path

import pytest

from careroute.domain.policy import (
    DEFAULT_POLICY_PATH,
    PolicyError,
    load_policy,
    parse_policy,
)
from careroute.domain.policy_sections import Unparsed
from careroute.domain.retries import RetryPolicy

SECTIONS = [each.name for each in fields(load_policy()) if isinstance(each.default, Unparsed)]


def test_every_section_of_the_built_in_file_parses() -> None:
    assert len(SECTIONS) == 15
    policy = load_policy()
    assert policy.check_sections() is policy
    assert policy == load_policy(DEFAULT_POLICY_PATH)


def test_loading_the_built_in_policy_imports_no_section_module() -> None:
    script = (
        "import sys\n"
        "from careroute.domain.policy import load_policy\n"
        "policy = load_policy()\n"
        "before = set(sys.modules)\n"
        "policy.meals\n"
        "print('careroute.domain.meals' in before, 'careroute.domain.meals' in sys.modules)\n"
    )
    layer = str(Path(__file__).resolve().parents[2] / "layers" / "shared")
    out = subprocess.run(
        [sys.executable, "-c", script], check=True, capture_output=True, text=True, cwd=layer
    )
    assert out.stdout.split() == ["False", "True"]


def test_a_bad_section_fails_at_load_when_named_and_at_first_read_otherwise(
    tmp_path: Path,
) -> None:
    text = DEFAULT_POLICY_PATH.read_text("utf-8").replace("max_meals = 2", "max_meals = 0", 1)
    path = tmp_path / "policy.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(
        PolicyError, match=r"policy.toml: meals: max_meals must be between 1 and 10"
    ):
        load_policy(path)
    raw = tomllib.loads(text)
    with pytest.raises(PolicyError, match=r"policy: meals: max_meals must be between 1 and 10"):
        parse_policy(raw)
    lazy = parse_policy(raw, check_sections=False)
    assert lazy.stays == load_policy().stays
    with pytest.raises(PolicyError, match=r"policy: meals: max_meals must be between 1 and 10"):
        _ = lazy.meals


def test_a_section_given_is_kept_and_the_others_still_parse() -> None:
    policy = replace(load_policy(), retries=RetryPolicy(book_appointment=False))
    assert policy.retries == RetryPolicy(book_appointment=False)
    assert policy.meals == load_policy().meals
