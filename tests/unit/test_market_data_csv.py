"""The home-service market as CSV: providers.csv, service_workers.csv and
pilot_communities.csv, which go together: every bad row named by file, line, field and reason,
and a file missing or unreadable."""

from __future__ import annotations

from pathlib import Path

from careroute.domain.vocabulary import Registry
from tests.unit.data_set_files import BadCell, bad_cells_test, import_errors

BAD_CELLS = [
    BadCell(
        "providers.csv",
        None,
        {"skills": ""},
        "skills",
        "is empty (required): a provider is ordered for some skill",
    ),
    BadCell(
        "service_workers.csv",
        None,
        {"provider_id": "hp-nowhere"},
        "provider_id",
        "unknown provider 'hp-nowhere'",
    ),
    BadCell(
        "service_workers.csv",
        None,
        {"skills": "juggling"},
        "skills",
        "juggling not among provider hp-D01-care's skills",
    ),
    BadCell("service_workers.csv", None, {"lunch_start": "07:00"}, "lunch_start", "lunch "),
    BadCell(
        "service_workers.csv",
        None,
        {"lunch_end": ""},
        "lunch_end",
        "is empty but lunch_start is not",
    ),
    BadCell(
        "pilot_communities.csv",
        None,
        {"community_id": "C9999"},
        "community_id",
        "unknown community 'C9999'",
    ),
]

test_each_bad_cell_gives_a_row_error_naming_file_line_field_and_reason = bad_cells_test(BAD_CELLS)


def test_the_market_files_go_together(csv_directory: Path, csv_city: Registry) -> None:
    (csv_directory / "service_workers.csv").unlink()
    errors = import_errors(csv_directory, csv_city)
    assert [(e.file, e.line) for e in errors] == [("service_workers.csv", None)]
    assert "providers.csv, service_workers.csv, pilot_communities.csv go together" in str(errors[0])


def test_an_unreadable_file_is_reported_and_references_to_it_are_not(
    csv_directory: Path, csv_city: Registry
) -> None:
    (csv_directory / "providers.csv").write_text("provider_id,district_id\n", "utf-8")
    errors = import_errors(csv_directory, csv_city)
    assert {(e.file, e.line) for e in errors} == {("providers.csv", 1)}
    assert {e.field for e in errors} == {"lat", "lng", "skills"}
