"""The one percentile definition (nearest rank), with the cases where definitions differ."""

from __future__ import annotations

import pytest

from careroute.domain.percentiles import percentile


@pytest.mark.parametrize(
    ("values", "share", "expected"),
    [
        ([7.0], 0.5, 7.0),
        ([7.0], 0.99, 7.0),
        ([float(v) for v in range(1, 11)], 0.5, 5.0),  # ceil(5) = 5th, not the mean of 5 and 6
        ([float(v) for v in range(1, 11)], 0.9, 9.0),
        ([float(v) for v in range(1, 11)], 0.99, 10.0),
        ([float(v) for v in range(1, 11)], 0.3, 3.0),  # round(3.5) would say the 4th
        ([float(v) for v in range(1, 101)], 0.99, 99.0),
        ([3.0, 1.0, 2.0], 1.0, 3.0),  # unsorted input; p100 is the maximum
    ],
)
def test_the_nearest_rank_is_the_ceil_of_share_times_count(
    values: list[float], share: float, expected: float
) -> None:
    assert percentile(values, share) == expected


def test_no_values_have_no_percentile_and_a_share_outside_0_to_1_is_refused() -> None:
    assert percentile([], 0.5) is None
    for share in (0.0, 1.5, 99):
        with pytest.raises(ValueError, match="share"):
            percentile([1.0], share)
