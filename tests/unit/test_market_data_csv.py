"""The home-service market as CSV: providers.csv, service_workers.csv and
pilot_communities.csv, which go together: every bad row named by file, line, field and reason,
and a file missing or unreadable."""

from __future__ import annotations

from pathlib import Path

from careroute.domain.vocabulary import Registry
from tests.unit.data_set_files import bad_cells_test, import_errors

test_each_bad_cell_gives_a_row_error_naming_file_line_field_and_reason = bad_cells_test(
    "providers.csv", "service_workers.csv", "pilot_communities.csv"
)


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
