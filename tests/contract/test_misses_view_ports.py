"""The month's misses view, memory against DynamoDB: kept by the count once the month is
over, or for the running month as of the count's day (one entry per community, empty ones
too), the misses of the city, a district and a street read from it are the ones computed
from every elder and visit record of the month; a month the view does not hold, or a day
other than the one kept, is computed as before."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from careroute.adapters.dynamodb.misses_view import DynamoMissesView
from careroute.adapters.memory_misses_view import MemoryMissesView
from careroute.domain.coverage import Scope
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import CHINA_TZ, ElderStatus, Outcome, Registry, VisitRecord
from careroute.service_layer.month_misses import (
    MissCause,
    MissesReading,
    MonthMiss,
    keep_month_misses,
    misses_in,
)
from careroute.service_layer.ports import VisitRepository
from careroute.service_layer.ports.misses_view import MissesView
from tests.builders import a_visit_to
from tests.contract.conftest import dynamodb_backend, memory_backend

POLICY = load_policy()
MONTH = "2026-11"
AFTER = date(2026, 12, 1)
COUNT_DAY = date(2026, 11, 20)


def november_visits(city: Registry, before: date = AFTER) -> list[VisitRecord]:
    """A third of the city's active elders visited in November before `before` (one in ten
    not at home, one in ten a hospitalised outcome)."""
    active = [e for e in city.elders if e.status is ElderStatus.ACTIVE]
    outcomes = [Outcome.VISITED] * 8 + [Outcome.NOT_HOME, Outcome.HOSPITALISED]
    records = [
        a_visit_to(e, f"v-{n}", datetime.combine(date(2026, 11, 3 + n % 25), time(10), CHINA_TZ)
                   .astimezone(UTC), steward_id="W0001", tier=POLICY.tier_of(e, AFTER),
                   outcome=outcomes[n % len(outcomes)])
        for n, e in enumerate(active[::3])
    ]  # fmt: skip
    return [r for r in records if r.local_date < before]


def scopes_of(city: Registry) -> list[Scope]:
    """The city, the first community's district and its street."""
    first = city.communities[0]
    return [Scope.parse(s) for s in ("city", f"district:{first.district_id}",
                                     f"street:{first.street_id}")]  # fmt: skip


def backends(session_pump: Any, city: Registry, records: list[VisitRecord]) -> Iterator[Backing]:
    """Each backend holding the city and the records: its ports and a view of its kind."""
    for backend in (memory_backend(), dynamodb_backend(session_pump)):
        backend.holding(city)
        for record in records:
            backend.visits.save_visit_once(record, "h")
        view: MissesView = backend.either(MemoryMissesView, DynamoMissesView)
        yield Backing(
            backend.visits, MissesReading(backend.scopes, backend.elders, backend.visits), view
        )


@dataclass(frozen=True)
class Backing:
    visits: VisitRepository
    full: MissesReading
    """Without a view: always computed."""
    view: MissesView

    @property
    def kept(self) -> MissesReading:
        return replace(self.full, view=self.view)


def computed_then_kept(
    backing: Backing, city: Registry, scopes: list[Scope], day: date
) -> list[list[MonthMiss]]:
    """Each scope's misses of November judged on `day`, computed; then kept as the count
    keeps them on `day` (every community written)."""
    computed = [misses_in(s, MONTH, day, POLICY, backing.full) for s in scopes]
    ids = [c.community_id for c in city.communities]
    written = keep_month_misses(city.elders, ids, MONTH, day, POLICY, backing.visits, backing.view)
    assert written == len(ids)
    return computed


def test_the_kept_misses_are_the_computed_ones_on_both_backends(
    session_pump: Any, small_city: Registry
) -> None:
    """November's misses, kept once it is over, equal the computed ones for each scope."""
    active = [e for e in small_city.elders if e.status is ElderStatus.ACTIVE]
    records = november_visits(small_city)
    scopes = scopes_of(small_city)
    answers = []
    for backing in backends(session_pump, small_city, records):
        full, kept = backing.full, backing.kept
        assert misses_in(scopes[0], MONTH, AFTER, POLICY, kept) == misses_in(
            scopes[0], MONTH, AFTER, POLICY, full
        )  # nothing kept yet: computed
        computed = computed_then_kept(backing, small_city, scopes, AFTER)
        late = a_visit_to(active[1], "v-late", records[0].visited_at, steward_id="W0001",
                          tier=POLICY.tier_of(active[1], AFTER))  # fmt: skip
        backing.visits.save_visit_once(late, "h")
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


def test_the_running_months_misses_are_kept_as_of_the_count_on_both_backends(
    session_pump: Any, small_city: Registry
) -> None:
    """November's misses kept by the count of 20 November, judged that day: read that day
    they equal the computed ones for each scope; a failed try recorded after the count
    shows only when computed; the next day (no count yet) is computed."""
    records = november_visits(small_city, before=COUNT_DAY)
    scopes = scopes_of(small_city)
    answers = []
    for backing in backends(session_pump, small_city, records):
        full, kept = backing.full, backing.kept
        computed = computed_then_kept(backing, small_city, scopes, COUNT_DAY)
        assert [misses_in(s, MONTH, COUNT_DAY, POLICY, kept) for s in scopes] == computed
        elder = next(e for e in small_city.elders if e.elder_id == computed[0][0].elder_id)
        later = a_visit_to(elder, "v-after-count", datetime.combine(COUNT_DAY, time(15), CHINA_TZ)
                           .astimezone(UTC), steward_id="W0001", outcome=Outcome.NOT_HOME,
                           tier=POLICY.tier_of(elder, COUNT_DAY))  # fmt: skip
        backing.visits.save_visit_once(later, "h")
        assert [misses_in(s, MONTH, COUNT_DAY, POLICY, kept) for s in scopes] == computed
        assert misses_in(scopes[0], MONTH, COUNT_DAY, POLICY, full) != computed[0]
        next_day = COUNT_DAY + timedelta(days=1)
        assert misses_in(scopes[0], MONTH, next_day, POLICY, kept) == misses_in(
            scopes[0], MONTH, next_day, POLICY, full
        )
        answers.append(computed)
    on_memory, on_dynamodb = answers
    assert on_memory == on_dynamodb
    assert any(m.overdue for m in on_memory[0])
