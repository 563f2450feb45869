"""benefit_claims.csv with every data set's contract: a claim of each status read back as it
was written, export → import → export byte-identical (through the claims' store too), every
bad cell named by file, line, field and reason, nothing returned (so nothing written) on any
error, and the figures recomputed from the imported claims the same."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from careroute_synthetic.city import generate_city

from careroute.adapters.data_csv import Stored, read_data_sets, write_data_sets
from careroute.adapters.memory_benefits import MemoryBenefitClaims
from careroute.adapters.registry_csv import DataImportError, RowError
from careroute.domain.beds import Subsistence
from careroute.domain.benefits import (
    ApprovalRules,
    BenefitClaim,
    ClaimStatus,
    ClaimStep,
    StepKind,
    notified_claim,
    paid_in,
    take_step,
)
from careroute.domain.eligibility import Benefits
from careroute.domain.vocabulary import CHINA_TZ, Registry
from careroute.service_layer.data_import import DataSetLoading, DataSets, import_data_sets
from tests.csv_rows import edit_cells, load_rows, save_rows
from tests.unit.data_set_files import (
    BadCell,
    assert_bad_cell_named,
    bad_cells,
    import_errors,
    memory_ports,
    undocumented,
)

AS_OF = date(2026, 12, 1)
FILE = "benefit_claims.csv"
NOTIFIED_AT = datetime(2026, 10, 8, 6, 0, tzinfo=CHINA_TZ)
RULES = ApprovalRules()


@pytest.fixture(scope="module")
def city() -> Registry:
    return generate_city(11, as_of=AS_OF, districts=["Heping"], scale=0.02)


def _step(
    claim: BenefitClaim, kind: StepKind, hours: float, *, note: str = "", month: str = ""
) -> BenefitClaim:
    at = NOTIFIED_AT + timedelta(hours=hours)
    by = {
        StepKind.APPLY: "steward:s-1",
        StepKind.PAY: "district_official:d-1",
    }.get(kind, "street_official:st-1")
    subsistence = Subsistence.SUBSISTENCE_ALLOWANCE if claim.rule_id.startswith("care") else None
    step = ClaimStep(kind, at, by, note, month)
    return take_step(claim, step, RULES, subsistence, "v-17" if kind is StepKind.APPLY else "")


def claims_of_every_status(city: Registry) -> tuple[BenefitClaim, ...]:
    """One claim of each status, a refusal before and after an application, a care subsidy
    (means-tested) approved and one paid two months at two times."""
    elders = city.elders
    amounts = Benefits().amounts()

    def notified(n: int, rule: str) -> BenefitClaim:
        return notified_claim(elders[n], rule, amounts[rule], NOTIFIED_AT)

    applied = _step(notified(1, "high_age_90"), StepKind.APPLY, 3)
    approved = _step(
        _step(notified(2, "care_subsidy_disabled"), StepKind.APPLY, 2), StepKind.APPROVE, 5
    )
    refused_applied = _step(
        _step(notified(4, "high_age_80"), StepKind.APPLY, 2), StepKind.REFUSE, 30, note="moved"
    )
    paid = notified(5, "care_subsidy_disabled")
    for kind, hours, month in (
        (StepKind.APPLY, 1, ""),
        (StepKind.APPROVE, 4, ""),
        (StepKind.PAY, 24 * 20, "2026-10"),
        (StepKind.PAY, 24 * 50, "2026-11"),
    ):
        paid = _step(paid, kind, hours, month=month)
    return (
        notified(0, "high_age_80"),
        applied,
        approved,
        _step(notified(3, "high_age_100"), StepKind.REFUSE, 1, note="declined"),
        refused_applied,
        paid,
    )


@pytest.fixture
def directory(city: Registry, tmp_path: Path) -> Path:
    write_data_sets(tmp_path, DataSets(benefit_claims=claims_of_every_status(city)))
    return tmp_path


def line_of(directory: Path, status: str, rule: str = "") -> int:
    """The line (header = 1) of the first claim of `status` (and of a rule starting `rule`)."""
    rows = load_rows(directory, FILE)
    return next(
        n for n, row in enumerate(rows[1:], start=2) if row[3] == status and row[2].startswith(rule)
    )


# ---------------------------------------------------------------------------------------------
# Round trips


def one_payment_time(claim: BenefitClaim) -> BenefitClaim:
    """The claim as the file keeps it: every payment at the first payment's time."""
    pays = [s for s in claim.steps if s.kind is StepKind.PAY]
    if not pays:
        return claim
    steps = [s for s in claim.steps if s.kind is not StepKind.PAY]
    return replace(claim, steps=(*steps, *(replace(s, at=pays[0].at) for s in pays)))


def test_write_then_read_gives_the_same_claims(directory: Path, city: Registry) -> None:
    given = claims_of_every_status(city)
    assert {c.status for c in given} == set(ClaimStatus)
    read = read_data_sets(directory, city).benefit_claims or ()
    assert sorted(read, key=lambda c: c.claim_id) == sorted(
        (one_payment_time(c) for c in given), key=lambda c: c.claim_id
    )


def test_the_figures_are_the_same_from_the_imported_claims(directory: Path, city: Registry) -> None:
    given = {c.claim_id: c for c in claims_of_every_status(city)}
    read = read_data_sets(directory, city).benefit_claims or ()
    for claim in read:
        before = given[claim.claim_id]
        assert claim.decided_on_time(RULES) == before.decided_on_time(RULES)
        assert claim.applied_at == before.applied_at
        assert claim.paid_months == before.paid_months
    for month in ("2026-10", "2026-11", "2026-12"):
        assert paid_in(list(read), month) == paid_in(list(given.values()), month)


def test_export_import_export_through_the_store_is_byte_identical(
    directory: Path, city: Registry, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Imported through the data-set import into the claims' store, exported again: the
    same bytes; the store keeps each claim's version as its steps bumped it."""
    ports: DataSetLoading = memory_ports()
    read = read_data_sets(directory, city)
    assert import_data_sets(read, ports) == {"benefit_claims": 6}
    districts = sorted({c.district_id for c in city.communities})
    stored = tuple(c for d in districts for c in ports.claims.claims_in(d))
    assert all(c.version == len(c.steps) for c in stored)
    again = tmp_path_factory.mktemp("again")
    write_data_sets(again, DataSets(benefit_claims=stored))
    assert (again / FILE).read_bytes() == (directory / FILE).read_bytes()


def test_an_import_replaces_the_stored_claim_of_its_id(directory: Path, city: Registry) -> None:
    claims = MemoryBenefitClaims()
    first = claims_of_every_status(city)[0]
    claims.open_claim(replace(first, yuan=1))
    read = read_data_sets(directory, city).benefit_claims or ()
    claims.import_claims(read)
    assert claims.get_claim(first.claim_id).yuan == first.yuan


def test_an_empty_amount_of_an_unpaid_claim_is_the_rules(directory: Path, city: Registry) -> None:
    line = line_of(directory, "notified")
    edit_cells(directory, FILE, line, {"yuan": ""})
    rule = load_rows(directory, FILE)[line - 1][2]
    read = read_data_sets(directory, city).benefit_claims or ()
    assert {c.yuan for c in read if c.status is ClaimStatus.NOTIFIED} == {
        Benefits().amounts()[rule]
    }


# ---------------------------------------------------------------------------------------------
# Rejections: file, line, field, reason; nothing returned, so nothing written


@pytest.mark.parametrize("bad", bad_cells(FILE), ids=BadCell.id)
def test_each_bad_cell_is_named_by_file_line_field_and_reason(
    directory: Path, city: Registry, bad: BadCell
) -> None:
    assert_bad_cell_named(directory, city, bad)


def test_a_duplicate_claim_id_is_refused(directory: Path, city: Registry) -> None:
    rows = load_rows(directory, FILE)
    save_rows(directory, FILE, [*rows, rows[1]])
    errors = import_errors(directory, city)
    assert errors == [
        RowError(
            FILE, len(rows) + 1, "claim_id", f"duplicate claim_id {rows[1][0]!r} (first on line 2)"
        )
    ]


def test_a_rule_the_policy_does_not_have_is_unknown(directory: Path, city: Registry) -> None:
    """The rules are the policy's: a city paying no 80+ allowance has no high_age_80 claims."""
    no_80 = Stored(benefits=Benefits(high_age=((90, 300), (100, 1000))))
    errors = import_errors(directory, city, no_80)
    lines = [
        n for n, row in enumerate(load_rows(directory, FILE), start=1) if row[2] == "high_age_80"
    ]
    assert [(e.line, e.field) for e in errors] == [(n, "rule_id") for n in lines]


def test_a_means_test_of_the_policy_refuses_the_status_it_leaves_out(
    directory: Path, city: Registry
) -> None:
    strict = Stored(approval=ApprovalRules(subsistence=frozenset({Subsistence.EXTREME_POVERTY})))
    errors = import_errors(directory, city, strict)
    assert {(e.field, e.reason.split(":")[0]) for e in errors} == {
        ("subsistence", "fails the means test")
    }
    assert len(errors) == 2  # the approved and the paid care subsidy


def test_nothing_is_written_when_one_row_is_bad(directory: Path, city: Registry) -> None:
    """The import stores only what read_data_sets returned: with one bad row it returns
    nothing, so the store is left as it was."""
    edit_cells(directory, FILE, line_of(directory, "paid"), {"yuan": ""})
    ports = memory_ports()
    with pytest.raises(DataImportError):
        import_data_sets(read_data_sets(directory, city), ports)
    districts = sorted({c.district_id for c in city.communities})
    assert [c for d in districts for c in ports.claims.claims_in(d)] == []


def test_the_file_and_its_columns_are_documented(directory: Path) -> None:
    assert undocumented(directory, FILE) == []
