"""The programmes in a process of their own (simulation/programme_process.py) make the same
month as in the month's process: the same visits, coverage, programme figures and records,
with the assessments' grades reaching the engine's registry through the pipe."""

from __future__ import annotations

from typing import Any

import pytest
from careroute_synthetic.city import generate_city
from rich.console import Console

from careroute.domain.policy import load_policy
from careroute_local.programme_sim import ProgrammeDays
from careroute_local.simulation import SimulationConfig, month
from careroute_local.simulation.state import Run

POLICY = load_policy()


class InThisProcess:
    """The programmes as the month ran them before: called directly."""

    def __init__(self, programmes: ProgrammeDays, run: Run) -> None:
        self.programmes = programmes

    def __getattr__(self, name: str) -> Any:
        return getattr(self.programmes, name)

    def close(self) -> None:
        """Nothing to end."""


def _month(tmp_path: Any, name: str) -> tuple[Run, dict[str, Any]]:
    config = SimulationConfig(month="2026-12", engine="memory", districts=("D13",), scale=0.3,
                              days=6, out=tmp_path / name, workers=1)  # fmt: skip
    city = generate_city(config.city_seed, as_of=config.first, districts=config.districts,
                         scale=config.scale)  # fmt: skip
    run, _, checks = month.simulate(config, city, POLICY, lambda line: None, Console(quiet=True))
    return run, checks


def _without_timings(figures: dict[str, Any]) -> dict[str, Any]:
    return {
        name: _without_timings(value) if isinstance(value, dict) else value
        for name, value in figures.items()
        if name != "wall_seconds"
    }


def test_the_programmes_apart_make_the_same_month(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    apart, apart_checks = _month(tmp_path, "apart")
    monkeypatch.setattr(month, "ProgrammesApart", InThisProcess)
    here, here_checks = _month(tmp_path, "here")

    graded = apart.programmes["assessments"]["registry_categories_changed"]
    assert graded > 0  # grades reached the engine through the pipe
    assert _without_timings(apart.programmes) == _without_timings(here.programmes)
    assert apart.programme_raw == here.programme_raw
    assert apart.recorded == here.recorded
    assert apart.baselines == here.baselines
    assert apart.api_status == here.api_status
    assert apart_checks["raw"]["counters"] == here_checks["raw"]["counters"]
