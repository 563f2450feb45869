"""What the benchmarks that run the local stack share: a synthetic city loaded into a
running stack, the findings of the visits they make up, and the percentile they print.

Imported by the benchmark scripts (run as `python benchmarks/<name>.py`, so this folder
is on sys.path); not a benchmark itself.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

from careroute_synthetic.city import generate_city
from rich.console import Console

from careroute.domain.vocabulary import CHINA_TZ, Finding, FindingCategory, Registry, Severity
from careroute_local import main_job
from careroute_local.pump import EventPump
from careroute_local.stack import LocalStack


def heping_today(scale: float, seed: int = 11) -> tuple[date, Registry]:
    """Today (China time) and the synthetic Heping district at `scale` as it stands today:
    the small city the request-path benchmarks run on."""
    today = datetime.now(CHINA_TZ).date()
    return today, generate_city(seed, as_of=today, districts=["Heping"], scale=scale)


def maybe_a_finding(rng: random.Random, share: float, urgent_share: float) -> tuple[Finding, ...]:
    """With probability `share`, one finding of a random category (urgent with probability
    `urgent_share`, else normal); otherwise none."""
    if rng.random() >= share:
        return ()
    severity = Severity.URGENT if rng.random() < urgent_share else Severity.NORMAL
    return (Finding(rng.choice(list(FindingCategory)), severity),)


@contextmanager
def city_stack(
    city: Registry, as_of: date, console: Console, log_level: str = "INFO"
) -> Iterator[tuple[LocalStack, EventPump]]:
    """A running local stack with `city`'s registry imported as of `as_of`.

    The stack sets POWERTOOLS_* on start: import careroute.adapters.dynamodb and services inside.
    """
    with main_job.local_stack(log_level=log_level) as (stack, pump):
        main_job.load_registry(city, as_of, console)
        yield stack, pump
