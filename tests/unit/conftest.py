"""Set-up shared by unit test modules."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time

import pytest
from careroute_synthetic.city import generate_city

from careroute.domain.vocabulary import CHINA_TZ, Community, Elder, Registry, Steward

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
