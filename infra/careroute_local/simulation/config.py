"""What a simulation run is given (the month, seeds, rates, scale) and how it draws at random.

Every draw comes from `random.Random` seeded with a string made of `seed` and what is drawn for
(day, steward or elder), so a run is reproducible and one draw does not shift when an unrelated
route changes.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path

from careroute.domain.compliance import month_bounds
from careroute_local.paths import DATA_DIR

ENGINES = ("stack", "memory")


@dataclass(frozen=True)
class Rates:
    """Per-stop outcome probabilities and per-steward-day sickness; all in [0, 1]."""

    not_home: float = 0.15
    refuse: float = 0.03
    sick: float = 0.02
    hospitalised: float = 0.002
    moved: float = 0.0003
    deceased: float = 0.0003
    finding: float = 0.05
    """Share of completed visits with a finding."""
    urgent: float = 0.05
    """Share of findings that are urgent (the elder becomes T1)."""
    resend: float = 0.02
    """Share of steward-day batches sent a second time (a phone retrying)."""
    appointment_kept: float = 0.95
    """Share of booked retries (a stop marked `appointment`) the elder keeps; drawn on its
    own for each appointment. 1 - not_home - refuse assumes no benefit from booking."""
    stay_known: float = 0.9
    """Share of hospital stays whose hospital the steward learns (from the family or the
    neighbours) when the elder is found gone: the outcome then says where (`stay`)."""

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"--{name.replace('_', '-')} must be in [0, 1], got {value}")
        outcomes = self.not_home + self.refuse + self.hospitalised + self.moved + self.deceased
        if outcomes > 1.0:
            raise ValueError(f"the outcome rates add up to {outcomes:.4f}, more than 1")


@dataclass(frozen=True)
class SimulationConfig:
    month: str
    seed: int = 1
    city_seed: int = 7
    rates: Rates = field(default_factory=Rates)
    districts: tuple[str, ...] | None = None
    scale: float = 1.0
    days: int | None = None
    """Simulate only the month's first N days (the monthly rule is then not judged)."""
    workers: int = 2
    out: Path | None = None
    engine: str = "stack"
    """`stack` (the handlers on the local stack) or `memory` (the use cases in memory)."""
    visits_only: bool = False
    """Leave out what the memory engine cannot run yet (inspections, home services), also on
    the stack: the two engines then run exactly the same month (the differential test)."""

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ValueError(f"--engine must be one of {', '.join(ENGINES)}, got {self.engine}")
        _first, last = month_bounds(self.month)
        if self.days is not None and not 1 <= self.days <= last.day:
            raise ValueError(f"--days must be between 1 and {last.day} for {self.month}")
        if self.workers < 1:
            raise ValueError("--workers must be at least 1")

    @property
    def first(self) -> date:
        return month_bounds(self.month)[0]

    @property
    def last(self) -> date:
        first, last = month_bounds(self.month)
        return last if self.days is None else first + timedelta(days=self.days - 1)

    @property
    def out_dir(self) -> Path:
        return self.out or DATA_DIR / "simulations" / f"{self.month}-seed{self.seed}"


def draw(seed: int, *what: object) -> random.Random:
    """A random stream for one decision (e.g. the outcome of one elder on one day)."""
    return random.Random("/".join(str(part) for part in (seed, *what)))
