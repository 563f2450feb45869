"""Writing an export file: the city's ticket list (`--rows` rows of the tickets export's 18
columns, as GET /exports/tickets builds them) as CSV and as XLSX, timed in-process (no stack:
what is timed is the writer alone). With `--before TREE` (a checkout or `git archive` of an
earlier commit) that tree's XLSX writer is timed too, alternated with this one round by round,
so both see the same machine.

    .venv/bin/python benchmarks/export_writers.py [--rows 7000] [--rounds 5] [--before DIR]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from careroute.adapters.export_files import csv_bytes
from careroute.adapters.export_xlsx import xlsx_bytes
from careroute.messages.api import TicketList, TicketRow
from careroute.service_layer.exports import ExportTable, tickets_table

Writer = Callable[[ExportTable], bytes]


def city_tickets(rows: int) -> ExportTable:
    """`rows` open tickets spread over the city's districts, as the export's table."""
    opened = datetime(2026, 11, 3, 1, 30, tzinfo=UTC)
    tickets = [
        TicketRow(
            ticket_id=f"tk-{n:06d}-3f9a2c7e1b",
            visit_id=f"bench-E{n:07d}-2026-11-03-visited",
            elder_id=f"E{n:07d}",
            community_id=f"C{n % 1153:04d}",
            street_id=f"S{n % 200:03d}",
            district_id=f"D{n % 13 + 1:02d}",
            category="subsidy_eligibility",
            severity="normal",
            level="street" if n % 3 else "steward",
            status="open",
            overdue=n % 2 == 0,
            opened_at=opened + timedelta(minutes=n),
            due_at=opened + timedelta(days=7, minutes=n),
            source="visit",
        )
        for n in range(rows)
    ]
    return tickets_table(TicketList(scope="city", status="open", count=rows, tickets=tickets))


def writer_of(tree: Path) -> Writer:
    """The `xlsx_bytes` of another tree's careroute/adapters/export_xlsx.py."""
    path = tree / "layers/shared/careroute/adapters/export_xlsx.py"
    spec = importlib.util.spec_from_file_location("export_xlsx_before", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    writer: Writer = module.xlsx_bytes
    return writer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=7000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--before", type=Path, help="an earlier tree whose XLSX writer to time")
    args = parser.parse_args()
    table = city_tickets(args.rows)
    writers: dict[str, Writer] = {"csv": csv_bytes, "xlsx": xlsx_bytes}
    if args.before:
        writers["xlsx before"] = writer_of(args.before)
    spent: dict[str, list[float]] = {name: [] for name in writers}
    size: dict[str, int] = {}
    for _ in range(args.rounds):
        for name, write in writers.items():
            started = time.perf_counter()
            size[name] = len(write(table))
            spent[name].append((time.perf_counter() - started) * 1000)
    print(f"{args.rows:,} ticket rows, {args.rounds} rounds, load {os.getloadavg()[0]:.1f}")
    for name, times in spent.items():
        print(
            f"  {name:12} p50 {statistics.median(times):7,.0f} ms  "
            f"(min {min(times):,.0f}, max {max(times):,.0f})  {size[name]:,} bytes"
        )


if __name__ == "__main__":
    main()
