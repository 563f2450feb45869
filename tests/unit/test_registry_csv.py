"""Registry CSV import and export: exact round trips, and every bad row named, all or nothing."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from careroute_synthetic.city import generate_city

from careroute.adapters.registry_csv import (
    COMMUNITY_COLUMNS,
    ELDER_COLUMNS,
    STEWARD_COLUMNS,
    RegistryImportError,
    RowError,
    read_registry,
    write_registry,
)
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import Registry
from tests.csv_rows import load_rows, save_rows

AS_OF = date(2026, 12, 1)
ID_REASON = "looks like a national ID number; store no ID numbers"


@pytest.fixture(scope="module")
def registry() -> Registry:
    """Six Heping communities (~700 elders): rows enough for every case but the one about
    thousands, and quick to write and read again in each test."""
    return generate_city(11, as_of=AS_OF, districts=["Heping"], scale=0.05)


@pytest.fixture
def directory(tmp_path: Path, registry: Registry) -> Path:
    write_registry(tmp_path, registry, AS_OF)
    return tmp_path


def get(directory: Path, file: str, line: int, field: str) -> str:
    rows = load_rows(directory, file)
    return rows[line - 1][rows[0].index(field)]


def edit(directory: Path, file: str, line: int, field: str, value: str) -> None:
    """Set one cell; `line` counts like an editor does (header = 1)."""
    rows = load_rows(directory, file)
    rows[line - 1][rows[0].index(field)] = value
    save_rows(directory, file, rows)


def import_errors(directory: Path) -> list[RowError]:
    with pytest.raises(RegistryImportError) as caught:
        read_registry(directory, as_of=AS_OF)
    return caught.value.errors


# ---------------------------------------------------------------------------------------------
# Writing and round trips


def test_write_then_read_gives_an_equal_registry(directory: Path, registry: Registry) -> None:
    assert read_registry(directory, as_of=AS_OF) == registry


def test_write_reports_the_rows_written_per_file(tmp_path: Path, registry: Registry) -> None:
    counts = write_registry(tmp_path / "new" / "dir", registry, AS_OF)
    assert counts == {
        "communities.csv": len(registry.communities),
        "stewards.csv": len(registry.stewards),
        "elders.csv": len(registry.elders),
    }
    assert sorted(p.name for p in (tmp_path / "new" / "dir").iterdir()) == [
        "communities.csv",
        "elders.csv",
        "stewards.csv",
    ]


def test_written_files_are_utf8_with_the_documented_header_rows(directory: Path) -> None:
    assert load_rows(directory, "communities.csv")[0] == list(COMMUNITY_COLUMNS)
    assert load_rows(directory, "stewards.csv")[0] == list(STEWARD_COLUMNS)
    assert load_rows(directory, "elders.csv")[0] == list(ELDER_COLUMNS)
    text = (directory / "communities.csv").read_text("utf-8")
    assert "社区" in text and not text.startswith("\ufeff")


def test_written_rows_use_the_documented_formats(directory: Path, registry: Registry) -> None:
    steward = dict(zip(STEWARD_COLUMNS, load_rows(directory, "stewards.csv")[1], strict=True))
    assert steward["shift_start"] == "08:30" and steward["break_end"] == "13:30"
    assert steward["days_off"] == "5;6"
    elder = dict(zip(ELDER_COLUMNS, load_rows(directory, "elders.csv")[1], strict=True))
    first = registry.elders[0]
    assert elder["birth_date"] == first.birth_date.isoformat()
    assert elder["categories"] == ";".join(sorted(c.value for c in first.categories))
    assert elder["tier"] == load_policy().tier_of(first, AS_OF).value
    assert elder["urgent_until"] == ""


def test_the_tier_column_is_derived_on_the_date_given_to_write(
    tmp_path: Path, registry: Registry
) -> None:
    policy = load_policy()
    later = date(2036, 12, 1)  # ten years older: more elders are 80+ or 90+
    write_registry(tmp_path, registry, later)
    tiers = [row[ELDER_COLUMNS.index("tier")] for row in load_rows(tmp_path, "elders.csv")[1:]]
    assert tiers == [policy.tier_of(e, later).value for e in registry.elders]


def test_the_tier_column_may_be_left_out(directory: Path, registry: Registry) -> None:
    rows = load_rows(directory, "elders.csv")
    position = rows[0].index("tier")
    save_rows(directory, "elders.csv", [row[:position] + row[position + 1 :] for row in rows])
    assert read_registry(directory, as_of=AS_OF) == registry


def test_a_byte_order_mark_blank_lines_and_spaces_around_values_are_accepted(
    directory: Path, registry: Registry
) -> None:
    rows = load_rows(directory, "communities.csv")
    rows[1] = [f" {value} " for value in rows[1]]
    with (directory / "communities.csv").open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerows(rows[:2])
        handle.write("\r\n")
        writer.writerows(rows[2:])
    assert read_registry(directory, as_of=AS_OF) == registry


# ---------------------------------------------------------------------------------------------
# One bad value: the error names file, line, field and reason

BAD_VALUES = [
    # file, line, field, value, expected reason (a part of it)
    ("elders.csv", 17, "lat", "abc", "'abc' is not a number"),
    ("elders.csv", 17, "lat", "95.5", "95.5 is out of range -90..90"),
    ("elders.csv", 17, "lng", "-200", "-200 is out of range -180..180"),
    ("elders.csv", 17, "lng", "nan", "nan is out of range"),
    ("elders.csv", 17, "name", "", "is empty (required)"),
    ("elders.csv", 17, "address", " ", "is empty (required)"),
    ("elders.csv", 17, "birth_date", "1950-13-01", "'1950-13-01' is not a date (YYYY-MM-DD)"),
    ("elders.csv", 17, "birth_date", "19500101", "'19500101' is not a date (YYYY-MM-DD)"),
    ("elders.csv", 17, "birth_date", "1976-06-01", "age 50 on 2026-12-01 is under 60"),
    ("elders.csv", 17, "birth_date", "1900-06-01", "age 126 on 2026-12-01 is over 120"),
    ("elders.csv", 17, "birth_date", "2027-01-01", "2027-01-01 is in the future"),
    ("elders.csv", 17, "window_start", "17:00", "17:00-12:00 ends before it starts"),
    ("elders.csv", 17, "window_end", "25:00", "'25:00' is not a time of day (HH:MM)"),
    ("elders.csv", 17, "categories", "living_alone;lonely", "unknown category 'lonely'"),
    ("elders.csv", 17, "categories", "", "every elder has at least one category"),
    ("elders.csv", 17, "status", "asleep", "unknown status 'asleep'; known: active,"),
    ("elders.csv", 17, "tier", "T4", "unknown tier 'T4'; known: T1, T2, T3"),
    ("elders.csv", 17, "last_visited_on", "2026-12-02", "2026-12-02 is after 2026-12-01"),
    ("elders.csv", 17, "urgent_until", "soon", "'soon' is not a date"),
    ("elders.csv", 17, "community_id", "C9999", "unknown community 'C9999'"),
    ("elders.csv", 17, "street_id", "S999", "'S999' does not match community"),
    ("elders.csv", 17, "district_id", "D99", "'D99' does not match community"),
    ("elders.csv", 17, "elder_id", "E000002", "duplicate elder_id 'E000002' (first on line 3)"),
    ("stewards.csv", 4, "mode", "boat", "unknown mode 'boat'; known: walk, bike, car"),
    ("stewards.csv", 4, "max_visits_per_day", "many", "'many' is not a whole number"),
    ("stewards.csv", 4, "max_visits_per_day", "0", "0 is out of range 1..200"),
    ("stewards.csv", 4, "days_off", "5;7", "'7' is not a weekday number"),
    ("stewards.csv", 4, "shift_start", "18:00", "18:00-17:00 ends before it starts"),
    ("stewards.csv", 4, "break_start", "07:00", "break 07:00-13:30 is not inside the shift"),
    ("stewards.csv", 4, "break_end", "", "is empty but break_start is not"),
    ("stewards.csv", 4, "steward_id", "W0001", "duplicate steward_id 'W0001' (first on line 2)"),
    ("communities.csv", 3, "radius_m", "wide", "'wide' is not a whole number"),
    ("communities.csv", 3, "radius_m", "450.5", "'450.5' is not a whole number"),
    ("communities.csv", 3, "lat", "", "is empty (required)"),
    (
        "communities.csv",
        3,
        "district_name",
        "浑南区",
        "district D01 is named 和平区 on line 2, not",
    ),
    # a national ID number is refused in any field, free text included
    ("elders.csv", 17, "name", "王210102194503121234", ID_REASON),
    ("elders.csv", 17, "address", "3号楼 210102 19450312 123X", ID_REASON),
    ("elders.csv", 17, "elder_id", "21010219450312123x", ID_REASON),
    ("stewards.csv", 4, "name", "管家 210102194503121234", ID_REASON),
]


@pytest.mark.parametrize(("file", "line", "field", "value", "reason"), BAD_VALUES)
def test_each_kind_of_bad_value_gives_a_row_error_naming_file_line_field_and_reason(
    directory: Path, file: str, line: int, field: str, value: str, reason: str
) -> None:
    if field == "window_start":
        edit(directory, file, line, "window_end", "12:00")
    edit(directory, file, line, field, value)
    errors = import_errors(directory)
    assert [(e.file, e.line, e.field) for e in errors] == [(file, line, field)], errors
    assert reason in errors[0].reason


def test_a_row_error_reads_like_a_sentence() -> None:
    error = RowError("elders.csv", 17, "lat", "'abc' is not a number")
    assert str(error) == "elders.csv line 17, field lat: 'abc' is not a number"
    assert str(RowError("stewards.csv", None, None, "file is missing")) == (
        "stewards.csv: file is missing"
    )


def test_an_id_number_is_never_echoed_in_the_error(directory: Path) -> None:
    edit(directory, "elders.csv", 5, "address", "210102194503121234")
    message = str(import_errors(directory)[0])
    assert "210102194503121234" not in message


def test_a_second_steward_for_a_community_is_refused_and_the_first_is_kept(
    directory: Path,
) -> None:
    first_community = get(directory, "stewards.csv", 2, "community_id")
    orphan = get(directory, "stewards.csv", 3, "community_id")
    edit(directory, "stewards.csv", 3, "community_id", first_community)
    errors = import_errors(directory)
    assert [(e.file, e.line, e.field) for e in errors] == [
        ("communities.csv", 3, "community_id"),
        ("stewards.csv", 3, "community_id"),
    ]
    assert errors[0].reason == f"community {orphan} has no steward in stewards.csv"
    assert "already has steward W0001 (line 2); one steward per community" in errors[1].reason


def test_a_community_without_a_steward_is_an_error(directory: Path) -> None:
    rows = load_rows(directory, "stewards.csv")
    del rows[5]
    save_rows(directory, "stewards.csv", rows)
    errors = import_errors(directory)
    assert [(e.file, e.line, e.field) for e in errors] == [("communities.csv", 6, "community_id")]


def test_a_steward_of_an_unknown_community_is_an_error(directory: Path) -> None:
    edit(directory, "stewards.csv", 2, "community_id", "C9999")
    errors = import_errors(directory)
    assert ("stewards.csv", 2, "community_id") in [(e.file, e.line, e.field) for e in errors]
    assert any(e.reason == "unknown community 'C9999'" for e in errors)


def test_a_duplicate_community_id_is_an_error(directory: Path) -> None:
    edit(directory, "communities.csv", 3, "community_id", "C0001")
    errors = import_errors(directory)
    assert errors[0] == RowError(
        "communities.csv", 3, "community_id", "duplicate community_id 'C0001' (first on line 2)"
    )


def test_a_street_keeps_one_name_on_every_row(directory: Path) -> None:
    first_street = get(directory, "communities.csv", 2, "street_id")
    moved = get(directory, "communities.csv", 3, "community_id")
    edit(directory, "communities.csv", 3, "street_id", first_street)
    rows = load_rows(directory, "elders.csv")
    for row in rows[1:]:
        if row[ELDER_COLUMNS.index("community_id")] == moved:
            row[ELDER_COLUMNS.index("street_id")] = first_street
    save_rows(directory, "elders.csv", rows)
    errors = import_errors(directory)
    assert [(e.file, e.line, e.field) for e in errors] == [("communities.csv", 3, "street_name")]
    assert errors[0].reason.startswith(f"street {first_street} is named")


def test_a_bad_community_row_is_reported_once_not_again_for_its_elders(directory: Path) -> None:
    edit(directory, "communities.csv", 2, "radius_m", "-5")
    errors = import_errors(directory)
    assert errors == [RowError("communities.csv", 2, "radius_m", "-5 is out of range 1..20000")]


def test_every_problem_of_a_row_is_reported(directory: Path) -> None:
    edit(directory, "elders.csv", 9, "lat", "north")
    edit(directory, "elders.csv", 9, "status", "gone")
    edit(directory, "elders.csv", 9, "birth_date", "")
    fields = [(e.line, e.field) for e in import_errors(directory)]
    assert fields == [(9, "lat"), (9, "birth_date"), (9, "status")]


# ---------------------------------------------------------------------------------------------
# File-level problems


def test_missing_files_are_reported_together(directory: Path) -> None:
    (directory / "stewards.csv").unlink()
    (directory / "elders.csv").unlink()
    errors = import_errors(directory)
    assert [(e.file, e.line, e.reason.split(" from ")[0]) for e in errors] == [
        ("stewards.csv", None, "file is missing"),
        ("elders.csv", None, "file is missing"),
    ]


def test_a_missing_column_and_an_unknown_column_are_reported_on_the_header_line(
    directory: Path,
) -> None:
    rows = load_rows(directory, "stewards.csv")
    rows[0][rows[0].index("mode")] = "transport"
    save_rows(directory, "stewards.csv", rows)
    errors = import_errors(directory)
    assert [(e.file, e.line, e.field, e.reason.split(";")[0]) for e in errors] == [
        ("stewards.csv", 1, "mode", "missing column"),
        ("stewards.csv", 1, "transport", "unknown column"),
    ]


def test_an_empty_file_is_reported(directory: Path) -> None:
    (directory / "elders.csv").write_text("", encoding="utf-8")
    errors = import_errors(directory)
    assert errors == [RowError("elders.csv", 1, None, "file is empty (no header row)")]


def test_a_row_with_too_few_fields_is_reported(directory: Path) -> None:
    rows = load_rows(directory, "elders.csv")
    rows[6] = rows[6][:-2]
    save_rows(directory, "elders.csv", rows)
    errors = import_errors(directory)
    width = len(ELDER_COLUMNS)
    reason = f"has {width - 2} fields but the header has {width}"
    assert errors == [RowError("elders.csv", 7, None, reason)]


def test_a_file_that_is_not_utf8_is_reported(directory: Path) -> None:
    text = (directory / "communities.csv").read_text("utf-8")
    (directory / "communities.csv").write_bytes(text.encode("gbk"))
    errors = import_errors(directory)
    assert len(errors) == 1
    assert errors[0].file == "communities.csv"
    assert "not UTF-8" in errors[0].reason


# ---------------------------------------------------------------------------------------------
# All or nothing


def test_one_bad_row_among_thousands_fails_the_whole_import(tmp_path: Path) -> None:
    thousands = generate_city(11, as_of=AS_OF, scale=0.03)
    assert len(thousands.elders) > 3000
    write_registry(tmp_path, thousands, AS_OF)
    edit(tmp_path, "elders.csv", 2000, "lat", "abc")
    result: Registry | None = None
    with pytest.raises(RegistryImportError) as caught:
        result = read_registry(tmp_path, as_of=AS_OF)
    assert result is None
    assert [str(e) for e in caught.value.errors] == [
        "elders.csv line 2000, field lat: 'abc' is not a number"
    ]


def test_errors_from_all_three_files_are_collected_in_file_and_line_order(
    directory: Path,
) -> None:
    edit(directory, "elders.csv", 30, "status", "x")
    edit(directory, "elders.csv", 12, "lat", "x")
    edit(directory, "stewards.csv", 5, "mode", "boat")
    edit(directory, "communities.csv", 4, "lng", "x")
    errors = import_errors(directory)
    assert [(e.file, e.line) for e in errors] == [
        ("communities.csv", 4),
        ("stewards.csv", 5),
        ("elders.csv", 12),
        ("elders.csv", 30),
    ]


def test_the_message_shows_the_first_50_errors_but_the_exception_keeps_all(
    directory: Path,
) -> None:
    rows = load_rows(directory, "elders.csv")
    for row in rows[1:61]:
        row[rows[0].index("lat")] = "x"
    save_rows(directory, "elders.csv", rows)
    with pytest.raises(RegistryImportError) as caught:
        read_registry(directory, as_of=AS_OF)
    assert len(caught.value.errors) == 60
    message = str(caught.value)
    assert message.splitlines()[0] == "registry not imported: 60 error(s)"
    assert "elders.csv line 51, field lat" in message
    assert "elders.csv line 52, field lat" not in message
    assert message.endswith("... and 10 more")
