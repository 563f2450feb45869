"""Officials' exports: the numbers of the JSON reads (a month's coverage, the overdue elders,
the tickets of a scope) and the month's misses (careroute.service_layer.month_misses) as a
table with Chinese column headers, ready to be written as CSV or XLSX
(careroute.adapters.export_files).

Each export reads through the same use case and the same scope check as its JSON route (the
misses, which have no JSON route, as the overdue list), so a file holds exactly what the
caller may read there, and only the officials' roles (street,
district, city admin) may export. A column is named by its English field (the JSON field it
comes from; docs/api.md lists them) and headed in Chinese. No export carries a name, an
address, a phone number, a guardian or an ID number: the reads behind them carry none."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from operator import attrgetter, itemgetter
from typing import Any

from careroute.domain.access import Caller, Role
from careroute.domain.coverage import OUTCOME_NAMES
from careroute.domain.policy import Policy
from careroute.domain.tickets import TicketSource
from careroute.domain.vocabulary import CHINA_TZ
from careroute.messages.api import OverdueList, TicketList
from careroute.service_layer.export_tables import Cell as Cell  # re-exported, with the two below
from careroute.service_layer.export_tables import Column as Column
from careroute.service_layer.export_tables import ExportTable as ExportTable
from careroute.service_layer.month_misses import MissesReading, MonthMiss, misses_in
from careroute.service_layer.officials import OverdueReading, overdue_in
from careroute.service_layer.ports import CoverageRepository, ScopeDirectory
from careroute.service_layer.scope_access import parse_scope, readable_known_scope
from careroute.service_layer.tickets import TicketFilter, Ticketing, list_tickets

UNSAFE_IN_FILE_NAME = re.compile(r"[^A-Za-z0-9_.-]")

EXPORT_ROLES = (Role.STREET_OFFICIAL, Role.DISTRICT_OFFICIAL, Role.CITY_ADMIN)
"""Who may take the numbers away: officials and the bureau, never a steward."""

OUTCOME_HEADERS = {
    "visited": "已探访",
    "not_home": "不在家",
    "refused": "拒绝探访",
    "hospitalised": "住院",
    "moved": "搬走",
    "deceased": "去世",
    "phone_contact": "电话联系",
    "video_contact": "视频联系",
}
"""The Chinese header of each outcome's count (careroute.domain.vocabulary.Outcome); an
outcome missing here is headed by its English name."""

COVERAGE_COLUMNS = (
    Column("scope", "范围"),
    Column("month", "月份"),
    Column("tier", "风险等级"),
    Column("elders_due", "应访老人数"),
    Column("elders_visited", "已访老人数"),
    Column("visit_rate", "探访率"),
    Column("visits_made", "探访次数"),
    *(
        Column(f"outcome_{name}", f"结果:{OUTCOME_HEADERS.get(name, name)}")
        for name in OUTCOME_NAMES
    ),
)
OVERDUE_COLUMNS = (
    Column("elder_id", "老人编号"),
    Column("community_id", "社区编号"),
    Column("tier", "风险等级"),
    Column("last_visited_on", "上次探访日期"),
    Column("deadline", "探访截止日期"),
    Column("days_overdue", "逾期天数"),
)
TICKET_COLUMNS = (
    Column("ticket_id", "工单编号"),
    Column("source", "来源"),
    Column("elder_id", "老人编号"),
    Column("community_id", "社区编号"),
    Column("street_id", "街道编号"),
    Column("district_id", "区编号"),
    Column("visit_id", "探访记录编号"),
    Column("category", "类别"),
    Column("severity", "紧急程度"),
    Column("level", "当前层级"),
    Column("status", "状态"),
    Column("overdue", "是否超时"),
    Column("opened_at", "创建时间(北京时间)"),
    Column("due_at", "办理时限(北京时间)"),
    Column("closed_at", "办结时间(北京时间)"),
    Column("action", "处理措施"),
    Column("result", "办理结果"),
    Column("benefit", "政策待遇"),
)
MISSES_COLUMNS = (
    Column("elder_id", "老人编号"),
    Column("community_id", "社区编号"),
    Column("street_id", "街道编号"),
    Column("tier", "风险等级"),
    Column("status", "老人状态"),
    Column("monthly_missed", "本月未探访"),
    Column("overdue", "是否逾期"),
    Column("last_visited_on", "上次探访日期"),
    Column("deadline", "探访截止日期"),
    Column("days_overdue", "逾期天数"),
    Column("failed_tries", "本月未成功上门次数"),
    Column("last_try_on", "最近未成功上门日期"),
    Column("cause", "原因"),
)
EXPORT_COLUMNS = {
    "coverage": COVERAGE_COLUMNS,
    "overdue": OVERDUE_COLUMNS,
    "tickets": TICKET_COLUMNS,
    "misses": MISSES_COLUMNS,
}
"""Every export's columns by its name (the path segment of GET /exports/{name})."""


def require_exporter(who: Caller) -> None:
    """ForbiddenError unless the caller is an official or the city admin."""
    who.require(*EXPORT_ROLES)


def coverage_export(
    who: Caller, month: str, scope: str, scopes: ScopeDirectory, coverage: CoverageRepository
) -> ExportTable:
    """The month's coverage of a scope per risk tier, as GET /coverage's `tiers` rows."""
    require_exporter(who)
    where = readable_known_scope(who, scope, scopes, coverage)
    values = [
        {**row, "scope": str(where), "month": month, **_outcome_counts(row["outcomes"])}
        for row in coverage.read_coverage(month, where)
    ]
    rows = rows_of(COVERAGE_COLUMNS, values)
    return ExportTable(
        _file_name("coverage", str(where), month), "探访覆盖率", COVERAGE_COLUMNS, rows
    )


def _outcome_counts(outcomes: Mapping[str, int]) -> dict[str, int]:
    """Each outcome's count under its column's field, `outcome_<name>`."""
    return {f"outcome_{name}": outcomes[name] for name in OUTCOME_NAMES}


def overdue_export(
    who: Caller,
    scope: str,
    on: date,
    policy: Policy,
    ports: OverdueReading,
    coverage: CoverageRepository,
) -> ExportTable:
    """The elders of a scope past their visit deadline on `on`, as GET /overdue lists them
    (ids and dates, most overdue first). An elder never visited has no deadline."""
    require_exporter(who)
    where = readable_known_scope(who, scope, ports.scopes, coverage)
    return overdue_table(overdue_in(where, on, policy, ports))


def overdue_table(overdue: OverdueList) -> ExportTable:
    """GET /overdue's answer as a table."""
    name = _file_name("overdue", overdue.scope, overdue.on.isoformat())
    return ExportTable(
        name, "逾期未访老人", OVERDUE_COLUMNS, rows_of(OVERDUE_COLUMNS, overdue.elders)
    )


@dataclass(frozen=True)
class ExportPart:
    """One part of a long export: written one after the other, the parts make the whole file
    (the first opens it with the header row), so a client that wants every row follows
    `next_cursor` and no single request reads them all."""

    table: ExportTable
    first: bool
    next_cursor: str | None
    """Where the next part starts; None on the last."""


@dataclass(frozen=True)
class TicketsAsked:
    """Which tickets an export holds: GET /tickets' filters, and the part (`limit` rows after
    the cursor `after`; every row without `limit`)."""

    scope: str
    status: TicketFilter = TicketFilter.OPEN
    source: TicketSource | None = None
    limit: int | None = None
    after: str | None = None


def tickets_export(who: Caller, asked: TicketsAsked, now: datetime, ports: Ticketing) -> ExportPart:
    """The tickets asked for, as GET /tickets lists them (the page of the same cursor), soonest
    due first. A part reads only its own tickets, so the city's thousands come in parts of
    bounded time; each part is as of its own read."""
    require_exporter(who)
    where = parse_scope(asked.scope)
    listed = list_tickets(
        who, where, asked.status, now, ports, asked.source, asked.limit, asked.after
    )
    return ExportPart(tickets_table(listed), asked.after is None, listed.next_cursor)


def tickets_table(tickets: TicketList) -> ExportTable:
    """GET /tickets' answer as a table, its times in Beijing time."""
    name = _file_name("tickets", tickets.scope, tickets.status)
    return ExportTable(name, "跟踪工单", TICKET_COLUMNS, rows_of(TICKET_COLUMNS, tickets.tickets))


def misses_export(
    who: Caller,
    month: str,
    scope: str,
    on: date,
    policy: Policy,
    ports: MissesReading,
    coverage: CoverageRepository,
) -> ExportTable:
    """The elders of a scope the month missed, judged on `on` (month_misses), with causes."""
    require_exporter(who)
    where = readable_known_scope(who, scope, ports.scopes, coverage)
    return misses_table(str(where), month, misses_in(where, month, on, policy, ports))


def misses_table(scope: str, month: str, misses: Sequence[MonthMiss]) -> ExportTable:
    """The month's misses as a table (codes as in month_misses.MissCause)."""
    rows = rows_of(MISSES_COLUMNS, misses)
    return ExportTable(_file_name("misses", scope, month), "漏访老人", MISSES_COLUMNS, rows)


def rows_of(columns: Sequence[Column], items: Iterable[object]) -> list[tuple[Cell, ...]]:
    """Each item's cells in the columns' order: its value named as each column's field (an
    attribute, or a key of a mapping), so a column is the JSON field it comes from."""
    fields = [column.field for column in columns]
    by_key, by_attribute = itemgetter(*fields), attrgetter(*fields)
    values = (by_key(item) if isinstance(item, Mapping) else by_attribute(item) for item in items)
    if len(fields) == 1:  # a getter of one field gives its value, not a tuple of it
        values = ((value,) for value in values)
    return [tuple(map(_cell, row)) for row in values]


def _cell(value: Any) -> Cell:
    """An enumeration as its value, an empty text as an empty cell, a moment as a Beijing
    wall-clock time (no zone: spreadsheets keep none); any other value as it is."""
    if type(value) is str:
        return value or None
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, datetime):
        return value.astimezone(CHINA_TZ).replace(tzinfo=None)
    return value  # type: ignore[no-any-return]


def _file_name(kind: str, scope: str, qualifier: str) -> str:
    """e.g. 'coverage_district-D01_2026-12': ASCII, safe in a Content-Disposition header."""
    return UNSAFE_IN_FILE_NAME.sub("-", f"{kind}_{scope}_{qualifier}")
