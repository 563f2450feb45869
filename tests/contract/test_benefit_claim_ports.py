"""The benefit claims' port, memory against DynamoDB: a claim is opened once, read back whole
(every step, the subsistence status, the version), changed only over the version read, and
listed per district by claim id; an import puts claims whole."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from careroute.adapters.dynamodb import benefit_claims
from careroute.adapters.memory_benefits import MemoryBenefitClaims
from careroute.domain.beds import Subsistence
from careroute.domain.benefits import ApprovalRules, ClaimStep, StepKind, notified_claim, take_step
from careroute.domain.errors import NotFoundError
from careroute.domain.vocabulary import CHINA_TZ
from careroute.service_layer.ports.benefits import BenefitClaims
from tests.builders import an_elder
from tests.conftest import TODAY
from tests.contract.conftest import Backend

NOW = datetime.combine(TODAY, datetime.min.time(), CHINA_TZ).replace(hour=10)
RULES = ApprovalRules()


@pytest.fixture
def claims(backend: Backend) -> BenefitClaims:
    """The claims adapter of the backend (the DynamoDB one is reset with it)."""
    return backend.either(MemoryBenefitClaims, lambda: benefit_claims)


def test_a_claim_is_opened_once_read_back_whole_and_stepped_over_the_version_read(
    claims: BenefitClaims,
) -> None:
    elder = replace(an_elder(), elder_id="E1")
    claim = notified_claim(elder, "care_subsidy_disabled", 600, NOW)
    assert claims.open_claim(claim) and not claims.open_claim(claim)
    assert claims.get_claim(claim.claim_id) == claim
    with pytest.raises(NotFoundError):
        claims.get_claim("bc-none")

    apply = ClaimStep(StepKind.APPLY, NOW + timedelta(hours=1), "steward:W1", "on the visit")
    applied = take_step(claim, apply, RULES, Subsistence.SUBSISTENCE_ALLOWANCE, "v-1")
    assert claims.save_step(claim, applied)
    assert claims.get_claim(claim.claim_id) == applied
    approve = ClaimStep(StepKind.APPROVE, NOW + timedelta(hours=2), "street_official:s")
    assert not claims.save_step(claim, take_step(claim, apply, RULES, Subsistence.NONE))
    approved = take_step(applied, approve, RULES)
    assert claims.save_step(applied, approved)
    pay = ClaimStep(StepKind.PAY, NOW + timedelta(hours=3), "district_official:d", month="2099-01")
    paid = take_step(approved, pay, RULES)
    assert claims.save_step(approved, paid)
    assert claims.get_claim(claim.claim_id) == paid


def test_a_districts_claims_are_listed_by_claim_id(claims: BenefitClaims) -> None:
    elders = [replace(an_elder(), elder_id=f"E{n}") for n in range(1, 5)]
    opened = [notified_claim(e, "high_age_90", 300, NOW) for e in elders]
    elsewhere = replace(opened[0], claim_id="bc-elsewhere", district_id="D2")
    for claim in [*opened, elsewhere]:
        claims.open_claim(claim)
    listed = list(claims.claims_in("D1"))
    assert listed == sorted(opened, key=lambda c: c.claim_id)
    assert list(claims.claims_in("D9")) == []


def test_an_import_puts_each_claim_replacing_the_stored_one_of_its_id(
    claims: BenefitClaims,
) -> None:
    """An imported claim keeps its steps and version, replaces a stored claim of its id,
    and a step is then saved over the imported version, as over one the API made."""
    elders = [replace(an_elder(), elder_id=f"E{n}") for n in range(1, 3)]
    first, second = (notified_claim(e, "high_age_90", 300, NOW) for e in elders)
    claims.open_claim(replace(first, yuan=1))
    apply = ClaimStep(StepKind.APPLY, NOW + timedelta(hours=1), "")
    applied = take_step(second, apply, RULES)
    assert claims.import_claims([first, applied]) == 2
    assert claims.get_claim(first.claim_id) == first
    assert claims.get_claim(second.claim_id) == applied
    approve = ClaimStep(StepKind.APPROVE, NOW + timedelta(hours=2), "street_official:s")
    assert claims.save_step(applied, take_step(applied, approve, RULES))
