"""The care-need assessments as CSV: assessors.csv and assessment_requests.csv (open or done,
a done one with its level and scores): every bad row named by file, line, field and reason,
and a done request read back whole."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from careroute.adapters.data_csv import read_data_sets, write_data_sets
from careroute.domain.assessments import RequestStatus
from careroute.domain.eligibility import CareLevel
from careroute.domain.vocabulary import Registry
from careroute.service_layer.data_import import DataSets
from tests.csv_rows import load_rows
from tests.unit.data_set_files import bad_cells_test

REQUESTS = "assessment_requests.csv"
test_each_bad_cell_gives_a_row_error_naming_file_line_field_and_reason = bad_cells_test(
    "assessors.csv", REQUESTS
)


def test_a_done_request_keeps_its_level_and_scores(
    tmp_path: Path, csv_data: DataSets, csv_city: Registry
) -> None:
    first = (csv_data.assessment_requests or ())[0]
    scores = (("basic_movement", 10), ("mental_state", 20), ("self_care", 20))
    done = replace(first, status=RequestStatus.DONE, level=CareLevel.SEMI_DISABLED, scores=scores)
    write_data_sets(tmp_path, DataSets(assessment_requests=(done,)))
    assert read_data_sets(tmp_path, csv_city).assessment_requests == (done,)
    assert load_rows(tmp_path, REQUESTS)[1][-2:] == [
        "semi",
        "basic_movement=10;mental_state=20;self_care=20",
    ]
