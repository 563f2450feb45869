"""`careroute run --meals`: which meal routes the main job plans, checked before anything
starts (a typo must not cost the minutes of a city load first)."""

from __future__ import annotations

import pytest

from careroute_local.cli import build_parser


@pytest.mark.parametrize(
    ("given", "meals"),
    [([], "district"), (["--meals", "D03"], "D03"), (["--meals", "city"], "city"),
     (["--meals", "off"], "off")],
)  # fmt: skip
def test_the_meal_option_names_a_district_the_city_or_nothing(given: list[str], meals: str) -> None:
    assert build_parser().parse_args(["run", *given]).meals == meals


@pytest.mark.parametrize("bad", ["all", "D1", "Heping", ""])
def test_anything_else_is_refused_saying_what_is_expected(
    bad: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as refused:
        build_parser().parse_args(["run", "--meals", bad])
    assert refused.value.code == 2
    assert "expected district, a district id (D01), city or off" in capsys.readouterr().err
