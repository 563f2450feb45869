"""Set-up shared by unit test modules."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time
from pathlib import Path

import pytest
from careroute_synthetic.city import generate_city
from careroute_synthetic.data_sets import synthetic_data_sets

from careroute.adapters.data_csv import write_data_sets
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import CHINA_TZ, Community, Elder, Registry, Steward
from careroute.service_layer.data_import import DataSets
from tests.unit.data_set_files import AS_OF, LUNCH_DAY, heping_city

FULL_CITY_AS_OF = date(2026, 12, 1)
STREET_AS_OF = date(2026, 12, 7)  # a Monday
STREET_TEN_AM = datetime.combine(STREET_AS_OF, time(10), CHINA_TZ)
"""10:00 in China on STREET_AS_OF: when the street's use cases run (results, reads)."""


@pytest.fixture(scope="session")
def full_city() -> Registry:
    """The whole synthetic Shenyang (seed 2026) as of 1 December 2026: some 140,000 elders,
    about five seconds to generate, so generated once for every module that needs it.

    Communities, streets and stewards do not depend on the as-of date (only the elders'
    ages and last visits do), so modules that plan on a later day may use its communities."""
    return generate_city(2026, as_of=FULL_CITY_AS_OF)


@pytest.fixture(scope="session")
def one_street() -> Registry:
    """Three Heping communities of one street (~365 elders) as of Monday 7 December 2026:
    the registry the use cases run on over the memory adapters."""
    return generate_city(5, as_of=STREET_AS_OF, districts=["Heping"], scale=0.02)


@pytest.fixture(scope="session")
def community() -> tuple[Community, Steward, list[Elder]]:
    """The largest community of a small synthetic city (Heping, scale 0.1), history as of
    30 November 2026: its steward and its elders, for planning one steward's days."""
    city = generate_city(5, as_of=date(2026, 11, 30), districts=["Heping"], scale=0.1)
    sizes = Counter(e.community_id for e in city.elders)
    community_id = max(sizes, key=lambda c: (sizes[c], c))
    home = next(c for c in city.communities if c.community_id == community_id)
    steward = next(s for s in city.stewards if s.community_id == community_id)
    return home, steward, [e for e in city.elders if e.community_id == community_id]


@pytest.fixture(scope="session")
def csv_city() -> Registry:
    """The city the data set CSV tests export (tests/unit/data_set_files.py)."""
    return heping_city()


@pytest.fixture(scope="session")
def csv_data(csv_city: Registry) -> DataSets:
    """Every data set a synthetic city has, lunch orders on LUNCH_DAY."""
    return synthetic_data_sets(csv_city, 11, AS_OF, load_policy(), lunch_day=LUNCH_DAY)


@pytest.fixture
def csv_directory(tmp_path: Path, csv_data: DataSets) -> Path:
    """A directory of the synthetic city's data set files, for one test to change."""
    write_data_sets(tmp_path, csv_data)
    return tmp_path
