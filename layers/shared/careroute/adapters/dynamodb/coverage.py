"""Coverage table: monthly counters per scope x tier, and the markers that make them exact.

Projection of a visit is one DynamoDB transaction: a marker item per visit id (condition:
absent) plus every counter update. A redelivered stream record finds its marker and changes
nothing. An elder counts once per month through a second marker per elder and month.

The city's and the districts' counters (visits and tickets) are each kept as several
partial items (sort key `TIER#n`, `tickets#n`), one chosen per visit or ticket by its id, and
summed on read: every visit moves its city counters, and DynamoDB cancels a transaction that
touches an item another transaction is writing at that moment, so one city item would
serialise the projector's parallel stream shards (benchmarks/projector_shards.py,
docs/scale.md). An item whose sort key has no partial's number (a rebuild's, or one written
before the partials) is summed in as well.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from careroute.adapters.coverage_counts import ticket_counts, visit_counts
from careroute.adapters.dynamodb.columns import KEPT_FOR, Expiring, SharedKeys
from careroute.adapters.dynamodb.errors import storage_errors
from careroute.adapters.dynamodb.tables import TableModel, transaction, write_all
from careroute.domain.coverage import (
    OUTCOME_NAMES,
    TIER_ORDER,
    Projection,
    Scope,
    ScopeKind,
    coverage_row,
)
from careroute.domain.tickets import Ticket
from careroute.domain.vocabulary import VisitRecord

TICKETS_SK = "tickets"
COUNTER_PARTIALS = {ScopeKind.CITY: 64, ScopeKind.DISTRICT: 8}
"""How many partial items each month's (scope, tier) counter is spread over, by scope kind
(1 where not named: a community's and a street's visits are few at any one moment)."""


class CoverageModel(TableModel, SharedKeys, Expiring):
    elders = NumberAttribute(null=True)
    """Registry total (denominator), on registry items only."""
    elders_visited = NumberAttribute(default=0)
    visits_made = NumberAttribute(default=0)
    outcome_visited = NumberAttribute(default=0)
    outcome_not_home = NumberAttribute(default=0)
    outcome_refused = NumberAttribute(default=0)
    outcome_hospitalised = NumberAttribute(default=0)
    outcome_moved = NumberAttribute(default=0)
    outcome_deceased = NumberAttribute(default=0)
    outcome_phone_contact = NumberAttribute(default=0)
    outcome_video_contact = NumberAttribute(default=0)
    tickets_opened = NumberAttribute(null=True)
    """On ticket counter items only (`tickets#MONTH#SCOPE`), by the month a ticket opened."""
    tickets_closed = NumberAttribute(null=True)
    tickets_closed_on_time = NumberAttribute(null=True)
    circle_within = NumberAttribute(null=True)
    """On 15-minute service circle items only (`circle#SCOPE`, storage.circle_counts): of
    `elders`, how many live within the circle."""
    circle_as_of = UnicodeAttribute(null=True)


def _counter_pk(month: str, scope: Scope) -> str:
    return f"{month}#{scope}"


def _counter_sk(scope: Scope, name: str, counted_id: str) -> str:
    """The partial item of counter `name` (a tier, or the tickets') that the visit or ticket
    `counted_id` adds to: the same one every time it is counted."""
    partials = COUNTER_PARTIALS.get(scope.kind, 1)
    if partials == 1:
        return name
    return f"{name}#{zlib.crc32(counted_id.encode()) % partials}"


def _tier_of(sk: str) -> str:
    """The tier a counter item counts (its sort key without the partial's number)."""
    return sk.split("#", 1)[0]


def _tickets_pk(month: str, scope: Scope) -> str:
    return f"tickets#{month}#{scope}"


def _registry_pk(scope: Scope) -> str:
    return f"registry#{scope}"


def _marker(pk: str) -> CoverageModel:
    expires = datetime.now(UTC) + KEPT_FOR
    return CoverageModel(pk, "-", expires_at=expires)


def _add_one(names: list[str]) -> list[Action]:
    return [getattr(CoverageModel, name).add(1) for name in names]


def _count_visit(tx: TransactWrite, record: VisitRecord, count_elder: bool) -> None:
    tx.save(_marker(f"marker#visit#{record.visit_id}"), condition=CoverageModel.pk.does_not_exist())
    if count_elder:
        tx.save(
            _marker(f"marker#elder-month#{record.elder_id}#{record.month}"),
            condition=CoverageModel.pk.does_not_exist(),
        )
    for scope, tier, names in visit_counts(record, count_elder):
        item = CoverageModel(
            _counter_pk(record.month, scope), _counter_sk(scope, tier, record.visit_id)
        )
        tx.update(item, actions=_add_one(names))


def project_visit(record: VisitRecord, contacts_count: bool = False) -> Projection:
    """Apply one visit to the monthly counters, exactly once per visit id."""
    count_elder = record.counts_toward_month(contacts_count)
    while True:
        with transaction(CoverageModel, "project a visit onto coverage") as tx:
            _count_visit(tx, record, count_elder)
        if tx.committed:
            return Projection.APPLIED
        if tx.failed[0]:
            return Projection.DUPLICATE
        count_elder = False  # the elder's marker exists: counted this month, count the visit only


def save_registry_totals(totals: dict[tuple[Scope, str], int]) -> int:
    """Replace the denominators (active elders per scope x tier)."""
    items = (
        CoverageModel(_registry_pk(scope), tier, elders=count)
        for (scope, tier), count in totals.items()
    )
    return write_all(CoverageModel, items, "save registry totals")


def change_registry_totals(changes: Mapping[tuple[Scope, str], int], key: str) -> bool:
    """Add `changes` to the denominators in one transaction with the marker of `key`, so a
    repeated change adds nothing; False when it was applied before."""
    with transaction(CoverageModel, "change registry totals") as tx:
        tx.save(_marker(f"marker#registry#{key}"), condition=CoverageModel.pk.does_not_exist())
        for (scope, tier), change in sorted(changes.items(), key=lambda c: (str(c[0][0]), c[0][1])):
            item = CoverageModel(_registry_pk(scope), tier)
            tx.update(item, actions=[CoverageModel.elders.add(change)])
    return tx.committed


COUNTER_NAMES = ("elders_visited", "visits_made", *(f"outcome_{n}" for n in OUTCOME_NAMES))


def _counts(item: CoverageModel) -> dict[str, int]:
    return {name: int(getattr(item, name) or 0) for name in COUNTER_NAMES}


def _summed(items: Iterable[CoverageModel]) -> dict[str, dict[str, int]]:
    """The counters of each tier, the partial items of `items` (one partition) added up."""
    sums: dict[str, dict[str, int]] = {}
    for item in items:
        counts = _counts(item)
        total = sums.setdefault(_tier_of(item.sk), dict.fromkeys(COUNTER_NAMES, 0))
        for name in COUNTER_NAMES:
            total[name] += counts[name]
    return sums


def read_coverage(month: str, scope: Scope) -> list[dict[str, Any]]:
    """One row per tier (T1, T2, T3, ALL) for the month and scope."""
    with storage_errors("read coverage"):
        counters = _summed(CoverageModel.query(_counter_pk(month, scope)))
        due = {item.sk: int(item.elders or 0) for item in CoverageModel.query(_registry_pk(scope))}
    return [coverage_row(tier, counters.get(tier), due.get(tier, 0)) for tier in TIER_ORDER]


def scope_exists(scope: Scope) -> bool:
    with storage_errors("read coverage"):
        return any(True for _ in CoverageModel.query(_registry_pk(scope), limit=1))


def _month_items(month: str) -> dict[str, list[CoverageModel]]:
    """Every counter item of a month (partials included) by partition key (a scan)."""
    found: dict[str, list[CoverageModel]] = {}
    with storage_errors("read a month's counters"):
        for item in CoverageModel.scan(CoverageModel.pk.startswith(f"{month}#")):
            found.setdefault(item.pk, []).append(item)
    return found


def _scope_of(pk: str) -> Scope:
    return Scope.parse(pk.split("#", 1)[1])


def stored_counters(month: str) -> dict[tuple[Scope, str], dict[str, Any]]:
    """Every counter of a month, keyed by (scope, tier) (a scan: for checks, not requests)."""
    return {
        (_scope_of(pk), tier): coverage_row(tier, counts, 0)
        for pk, items in _month_items(month).items()
        for tier, counts in _summed(items).items()
    }


def overwrite_counters(month: str, rows: dict[tuple[Scope, str], dict[str, Any]]) -> int:
    """Replace a month's counters with `rows` (same shape as stored_counters), e.g. a rebuild.

    Each row goes to the item keyed by the tier alone and every partial item is set to zero;
    counters present in the table but not in `rows` are set to zero, not deleted, so a reader
    never sees a scope vanish. Markers are left alone: they still stop duplicate deliveries.
    The count is of (scope, tier) counters, not of items.
    """
    stored = _month_items(month)
    stale = {(_scope_of(pk), _tier_of(item.sk)) for pk, items in stored.items() for item in items}
    stale -= set(rows)
    zero = {"elders_visited": 0, "visits_made": 0, "outcomes": dict.fromkeys(OUTCOME_NAMES, 0)}
    partials = [(pk, item.sk) for pk, items in stored.items() for item in items if "#" in item.sk]
    with storage_errors("rebuild a month's counters"), CoverageModel.batch_write() as batch:
        for (scope, tier), row in [*rows.items(), *((key, zero) for key in stale)]:
            batch.save(_counter_item(_counter_pk(month, scope), tier, row))
        for pk, sk in partials:
            batch.save(_counter_item(pk, sk, zero))
    return len(rows) + len(stale)


def _counter_item(pk: str, sk: str, row: dict[str, Any]) -> CoverageModel:
    outcomes = row["outcomes"]
    return CoverageModel(
        pk,
        sk,
        elders_visited=row["elders_visited"],
        visits_made=row["visits_made"],
        **{f"outcome_{name}": outcomes.get(name, 0) for name in OUTCOME_NAMES},
    )


def count_ticket(tx: TransactWrite, ticket: Ticket, *, opened: bool) -> None:
    """Add to the ticket counters of every scope of `ticket`, inside the caller's transaction
    (the one that opens or closes it, so a counter moves exactly when the ticket does).
    Tickets count in the month they opened: closing one later updates that month."""
    month, scopes, names = ticket_counts(ticket, opened=opened)
    for scope in scopes:
        sk = _counter_sk(scope, TICKETS_SK, ticket.ticket_id)
        tx.update(CoverageModel(_tickets_pk(month, scope), sk), actions=_add_one(names))


def read_ticket_counts(month: str, scope: Scope) -> dict[str, int]:
    """Tickets opened in the month within the scope, and how many of them closed (on time)."""
    counts = {"opened": 0, "closed": 0, "closed_on_time": 0}
    with storage_errors("read ticket counters"):
        for item in CoverageModel.query(_tickets_pk(month, scope)):
            for name in counts:
                counts[name] += int(getattr(item, f"tickets_{name}") or 0)
    return counts
