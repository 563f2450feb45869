"""`careroute circle` as a user runs it: the per-district 15-minute service circle table of a
synthetic city (no stack needed), the same figures as the module, and bad input refused."""

from __future__ import annotations

import subprocess
from pathlib import Path

from careroute_synthetic.city import generate_city
from careroute_synthetic.facilities import city_facilities

from careroute.domain.policy import load_policy
from careroute.planning.service_circle import service_circle
from careroute.service_layer.service_circle import walking
from tests.conftest import TODAY
from tests.e2e.cli import careroute

SMALL = ["--seed", "3", "--districts", "Hunnan", "Faku", "--scale", "0.2"]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return careroute("circle", *args, cwd=cwd, COLUMNS="120")


def test_the_table_shows_each_district_and_the_city_as_the_module_computes(tmp_path: Path) -> None:
    result = run(*SMALL, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout + result.stderr
    city = generate_city(3, as_of=TODAY, districts=["Hunnan", "Faku"], scale=0.2)
    report = service_circle(city.elders, city_facilities(city.communities), walking(load_policy()))
    assert "浑南区 Hunnan" in out and "法库县 Faku" in out
    city_line = next(line for line in out.splitlines() if "city" in line and "│" in line)
    assert f"{report.city.elders:,}" in city_line and f"{report.city.within:,}" in city_line
    assert f"{report.city.share:.1%}" in city_line


def test_a_non_positive_limit_is_refused(tmp_path: Path) -> None:
    result = run(*SMALL, "--minutes", "0", cwd=tmp_path)
    assert result.returncode != 0 and "--minutes" in result.stdout + result.stderr
