"""The month's misses view, memory against DynamoDB: kept by the count once the month is
over (one entry per community, empty ones too), the misses of the city, a district and a
street read from it are the ones computed from every elder and visit record of the month;
a month the view does not hold, or a day inside the month, is computed as before."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from careroute.adapters.dynamodb.misses_view import DynamoMissesView
from careroute.adapters.memory_misses_view import MemoryMissesView
from careroute.domain.coverage import Scope
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import CHINA_TZ, ElderStatus, Outcome, Registry
from careroute.service_layer.month_misses import (
    MissCause,
    MissesReading,
    keep_month_misses,
    misses_in,
)
from tests.builders import a_visit_to
from tests.contract.conftest import dynamodb_backend, memory_backend

POLICY = load_policy()
MONTH = "2026-11"
AFTER = date(2026, 12, 1)


def test_the_kept_misses_are_the_computed_ones_on_both_backends(
    session_pump: Any, small_city: Registry
) -> None:
    """A third of the small city's active elders visited in November (one not at home, one
    a hospitalised outcome): the kept misses equal the computed ones for each scope."""
    active = [e for e in small_city.elders if e.status is ElderStatus.ACTIVE]
    outcomes = [Outcome.VISITED] * 8 + [Outcome.NOT_HOME, Outcome.HOSPITALISED]
    records = [
        a_visit_to(e, f"v-{n}", datetime.combine(date(2026, 11, 3 + n % 25), time(10), CHINA_TZ)
                   .astimezone(UTC), steward_id="W0001", tier=POLICY.tier_of(e, AFTER),
                   outcome=outcomes[n % len(outcomes)])
        for n, e in enumerate(active[::3])
    ]  # fmt: skip
    first = small_city.communities[0]
    scopes = [Scope.parse(s) for s in ("city", f"district:{first.district_id}",
                                        f"street:{first.street_id}")]  # fmt: skip
    answers = []
    for backend in (memory_backend(), dynamodb_backend(session_pump)):
        backend.holding(small_city)
        for record in records:
            backend.visits.save_visit_once(record, "h")
        view = MemoryMissesView() if backend.name == "memory" else DynamoMissesView()
        full = MissesReading(backend.scopes, backend.elders, backend.visits)
        kept = replace(full, view=view)
        computed = [misses_in(s, MONTH, AFTER, POLICY, full) for s in scopes]
        assert misses_in(Scope.parse("city"), MONTH, AFTER, POLICY, kept) == computed[0]
        ids = [c.community_id for c in small_city.communities]
        assert keep_month_misses(small_city.elders, ids, MONTH, POLICY, backend.visits, view) == (
            len(ids)
        )
        late = a_visit_to(active[1], "v-late", records[0].visited_at, steward_id="W0001",
                          tier=POLICY.tier_of(active[1], AFTER))  # fmt: skip
        backend.visits.save_visit_once(late, "h")
        from_view = [misses_in(s, MONTH, AFTER + timedelta(days=3), POLICY, kept) for s in scopes]
        assert from_view == computed  # the late record shows only when computed
        assert misses_in(scopes[0], MONTH, AFTER, POLICY, full) != computed[0]
        inside = misses_in(scopes[0], MONTH, date(2026, 11, 20), POLICY, kept)
        assert inside == misses_in(scopes[0], MONTH, date(2026, 11, 20), POLICY, full)
        answers.append(from_view)
    on_memory, on_dynamodb = answers
    assert on_memory == on_dynamodb
    city = on_memory[0]
    assert len(city) > len(active) // 2
    assert {m.cause for m in city} >= {MissCause.NOT_TRIED, MissCause.NOT_HOME}
