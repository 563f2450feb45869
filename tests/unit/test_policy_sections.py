"""The policy's optional sections are parsed when first read: the built-in file loads
without importing the section modules, every section of it parses, a bad table fails
with the same message at load (a named file, a stored policy) or at its first read, and
each section's parser refuses a bad table naming the key at fault."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from dataclasses import fields, replace
from pathlib import Path

import pytest

from careroute.domain.assessment_instrument import parse_instrument
from careroute.domain.beds import parse_bed_policy
from careroute.domain.benefits import parse_approval
from careroute.domain.institution_ratings import parse_rating
from careroute.domain.policy import (
    DEFAULT_POLICY_PATH,
    PolicyError,
    load_policy,
    parse_policy,
)
from careroute.domain.policy_sections import Unparsed
from careroute.domain.quota import parse_home_services
from careroute.domain.retries import RetryPolicy

SECTIONS = [each.name for each in fields(load_policy()) if isinstance(each.default, Unparsed)]
PARSERS = {
    "assessment": parse_instrument,
    "benefit_approval": parse_approval,
    "home_care_beds": parse_bed_policy,
    "home_services": parse_home_services,
    "inspections.rating": parse_rating,
}
"""Each section's parser, by the section's place in the policy file."""
BANDS = {"intact": 90, "mild": 66, "moderate": 46, "severe": 30, "total": 0}


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


@pytest.mark.parametrize(
    ("section", "table", "fault"),
    [
        ("assessment", {"bands": {"intact": 90, "mild": 66}}, "bands"),
        ("assessment", {"bands": BANDS | {"mild": 95}}, "falling"),
        ("assessment", {"bands": BANDS | {"intact": 91}}, "at most 90"),
        ("assessment", {"care_levels": {"intact": "fine"}}, "care_levels: unknown ['fine']"),
        ("assessment", {"bed_levels": ["bedridden"]}, "bed_levels"),
        ("assessment", {"dimensions": {"self_care": 0}}, "dimensions"),
        ("assessment", {"deadline_days": 0}, "deadline_days"),
        ("assessment", {"levels": {}}, "unknown keys"),
        ("benefit_approval", {"approval_days": -1}, "approval_days"),
        ("benefit_approval", {"subsistence": ["rich"]}, "subsistence"),
        ("benefit_approval", {"means_tested": "care_subsidy"}, "means_tested"),
        ("benefit_approval", {"sla": 1}, "unknown keys"),
        ("home_care_beds", {"cadence_days": 0}, "cadence_days must be between 1 and 31"),
        (
            "home_care_beds",
            {"care_levels": ["bedridden"]},
            "home_care_beds.care_levels: unknown ['bedridden']",
        ),
        ("home_care_beds", {"subsistence": []}, "must each name at least one value"),
        (
            "home_care_beds",
            {"lookahead_days": 20},
            "lookahead_days must be between 0 and cadence_days",
        ),
        ("home_care_beds", {"cadence": 7}, "unknown keys ['cadence']"),
        ("home_services", {"free_minutes": -1}, "free_minutes"),
        ("home_services", {"min_age": "80"}, "min_age"),
        ("home_services", {"free_hours": 3}, "unknown keys"),
        ("home_services", {"min_age": 200}, "min_age"),
        ("inspections.rating", {"weights": {"fire_safety": 1}}, "weights"),
        ("inspections.rating", {"thresholds": [0.0, 0.9, 0.5, 0.8, 0.95]}, "thresholds"),
        ("inspections.rating", {"thresholds": [0.0, 0.5]}, "thresholds"),
        ("inspections.rating", {"with_rectification_max": 6}, "with_rectification_max"),
        ("inspections.rating", {"veto": {"lighting": 1}}, "veto"),
        ("inspections.rating", {"stars": 5}, "unknown keys"),
    ],
)
def test_a_bad_section_table_is_refused_naming_the_key(
    section: str, table: dict[str, object], fault: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(fault)):
        PARSERS[section](table, f"policy: {section}")
