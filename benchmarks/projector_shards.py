"""The projector under parallel stream shards: transaction conflicts on the hot counters.

Every visit's projection is one transaction over its community's, street's, district's and
the city's coverage counters, so each transaction names the city's items. DynamoDB cancels
a transaction (TransactionConflict) that touches an item another transaction is writing at
that moment; the projector's record then fails and Lambda retries it (5 times, then it goes
to the dead-letter queue).

What this script does, on the local stack (moto server):
1. A stated sample of a province's day (ten times Shenyang: ~1.39 M elders, a day's outcomes
   ~ elders / 20 = ~69,500): `--records` outcomes to distinct elders of the synthetic city,
   with the simulation's outcome mix (findings, hospital stays, deaths), written to the
   visits table as the API writes them; the visits stream's records, as Lambda hands them
   over, are the input. `--redeliver` of them are delivered a second time (at-least-once).
2. For each counter design (`single`: one item per counter, as before; `partials`: the
   city's and the districts' counters spread over partial items, as the coverage table now
   keeps them) and each shard count N: the stack restored to the same start, the records
   split over N shards by visit id (the visits table's key, which decides a stream shard),
   and N processes, one per shard, each feeding the real projector handler its shard's
   records in batches of 100 with Lambda's partial-failure retries. Counted: throughput,
   TransactionCanceledException by reason, botocore's own retries, record retries. Then
   exactness: every counter equals a recount from the visits written
   (careroute.service_layer.coverage_check), and the city's visits equal the sample.
3. moto runs one transaction at a time, so the local stack never shows a conflict: the
   conflicts DynamoDB would raise are modelled from the write sets each run captured
   (`conflict_model.py`), for two loads: a backlog (every shard busy: a catch-up after an
   outage or a redrive), and the evening peak (`--day-outcomes` within `--peak-hours`).

    .venv/bin/python benchmarks/projector_shards.py                # 1, 2, 4, 8 shards, both designs
    .venv/bin/python benchmarks/projector_shards.py --records 300 --shards 1,4   # a quick run
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import random
import sys
import time
import zlib
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from careroute_synthetic.city import generate_city
from conflict_model import MAX_RETRIES, RecordTrace, model, per_thousand
from rich.console import Console
from stack_bench import city_stack, maybe_a_finding

from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import (
    CHINA_TZ,
    Elder,
    ElderStatus,
    Outcome,
    Registry,
    VisitRecord,
)
from careroute_local.paths import DATA_DIR
from careroute_local.pump.streams import lambda_stream_record
from careroute_local.simulation.config import Rates
from careroute_local.stack import LocalStack
from careroute_local.template import FunctionSpec

PROJECTOR = "ProjectorFunction"
SNAPSHOT = "projector-shards"
BATCH_SIZE = 100  # the template's BatchSize
DESIGNS: dict[str, dict[str, int] | None] = {
    "single": {},  # one item per (month, scope, tier) counter: every scope kind at 1
    "partials": None,  # the coverage table's own COUNTER_PARTIALS
}
RATES = Rates()  # the simulation's default outcome mix
OUTCOME_RATES = (
    (Outcome.NOT_HOME, RATES.not_home),
    (Outcome.REFUSED, RATES.refuse),
    (Outcome.HOSPITALISED, RATES.hospitalised),
    (Outcome.MOVED, RATES.moved),
    (Outcome.DECEASED, RATES.deceased),
)
WORKER_LOG = DATA_DIR / "logs" / "projector_shards.log"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shards", default="1,2,4,8", help="shard counts to run (comma list)")
    parser.add_argument("--designs", default="single,partials", help="counter designs to run")
    parser.add_argument("--records", type=int, default=2000, help="outcomes in the sample")
    parser.add_argument("--redeliver", type=float, default=0.02, help="share delivered twice")
    parser.add_argument("--scale", type=float, default=0.1, help="synthetic city scale")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--day-outcomes", type=int, default=69_500, help="a province's day")
    parser.add_argument("--peak-hours", type=float, default=2.0, help="the evening peak")
    parser.add_argument("--call-ms", type=float, default=5.0, help="a DynamoDB single call")
    parser.add_argument("--tx-ms", type=float, default=20.0, help="a transaction in flight")
    parser.add_argument("--cpu-ms", type=float, default=10.0, help="handler CPU per record")
    parser.add_argument("--retry-ms", type=float, default=100.0, help="Lambda's retry delay")
    parser.add_argument("--save", type=Path, help="keep the runs (counts, write sets) as JSON")
    parser.add_argument("--model", type=Path, help="only model the runs kept by --save")
    return parser.parse_args()


# --- the sample: a province's day, written as the API writes it --------------------------


def day_sample(city: Registry, records: int, seed: int) -> list[VisitRecord]:
    """`records` outcomes of today to distinct active elders, with the simulation's mix."""
    rng = random.Random(seed)
    policy = load_policy()
    now = datetime.now(CHINA_TZ).replace(microsecond=0)
    start = now.replace(hour=8, minute=0, second=0)
    steward_of = {s.community_id: s.steward_id for s in city.stewards}
    active = [e for e in city.elders if e.status is ElderStatus.ACTIVE]
    elders = rng.sample(active, min(records, len(active)))
    return [
        visit_record(n, elder, steward_of[elder.community_id], start, policy, rng)
        for n, elder in enumerate(elders)
    ]


def visit_record(
    n: int, elder: Elder, steward_id: str, start: datetime, policy: Any, rng: random.Random
) -> VisitRecord:
    draw, outcome = rng.random(), Outcome.VISITED
    for candidate, rate in OUTCOME_RATES:
        if draw < rate:
            outcome = candidate
            break
        draw -= rate
    visited = outcome is Outcome.VISITED
    findings = maybe_a_finding(rng, RATES.finding, RATES.urgent) if visited else ()
    at = start + timedelta(seconds=10 * n)
    return VisitRecord(
        visit_id=f"{zlib.crc32(f'{n}'.encode()):08x}{n:024d}",
        elder_id=elder.elder_id,
        steward_id=steward_id,
        community_id=elder.community_id,
        street_id=elder.street_id,
        district_id=elder.district_id,
        tier=policy.tier_of(elder, at.date()),
        outcome=outcome,
        visited_at=at,
        recorded_at=at + timedelta(minutes=1),
        findings=findings,
    )


def write_visits(records: list[VisitRecord], console: Console) -> None:
    from careroute.adapters.dynamodb.visits import save_visit_once

    with console.status(f"writing {len(records):,} visits"):
        for record in records:
            save_visit_once(record, f"hash-{record.visit_id}")


def stream_events(stack: LocalStack) -> list[dict[str, Any]]:
    """The visits stream's records as Lambda hands them to the projector."""
    arn = stack.stream_arn("VisitsTable")
    return [
        lambda_stream_record(raw, arn, stack.region) for raw in stack.stream_records("VisitsTable")
    ]


def visit_id_of(event: dict[str, Any]) -> str:
    return str(event["dynamodb"]["Keys"]["visit_id"]["S"])


def shard_streams(
    events: list[dict[str, Any]], shards: int, redeliver: float, seed: int
) -> list[list[dict[str, Any]]]:
    """Each shard's records in stream order (by visit id, as DynamoDB places them), with a
    share `redeliver` of them delivered again later in the same shard."""
    rng = random.Random(seed)
    streams: list[list[dict[str, Any]]] = [[] for _ in range(shards)]
    for event in events:
        streams[zlib.crc32(visit_id_of(event).encode()) % shards].append(event)
    for stream in streams:
        again = [e for e in stream if rng.random() < redeliver]
        for event in again:
            stream.insert(rng.randrange(stream.index(event) + 1, len(stream) + 1), event)
    return streams


# --- one shard: the real handler in its own process, traced -------------------------------


@dataclass
class ShardResult:
    """What one shard's process counted (sent back as plain values: see `as_plain`)."""

    shard: int
    records: int
    seconds: float
    traces: list[RecordTrace]
    calls: Counter[str]
    cancelled: Counter[str]
    """TransactionCanceledException by the reasons given (e.g. ConditionalCheckFailed)."""
    sdk_retries: int
    record_retries: int
    parked: int

    def as_plain(self) -> dict[str, Any]:
        plain = dict(vars(self))
        plain["traces"] = [(t.visit_id, t.steps) for t in self.traces]
        plain["calls"], plain["cancelled"] = dict(self.calls), dict(self.cancelled)
        return plain

    @classmethod
    def from_plain(cls, plain: dict[str, Any]) -> ShardResult:
        values = dict(plain)
        values["traces"] = [RecordTrace(v, steps) for v, steps in plain["traces"]]
        values["calls"], values["cancelled"] = Counter(plain["calls"]), Counter(plain["cancelled"])
        return cls(**values)


def table_keys(stack: LocalStack) -> dict[str, tuple[str, ...]]:
    """Each table's key attribute names (hash, range), to name the items a write touches."""
    client = stack.client("dynamodb")
    keys = {}
    for name in client.list_tables()["TableNames"]:
        schema = client.describe_table(TableName=name)["Table"]["KeySchema"]
        keys[name] = tuple(k["AttributeName"] for k in schema)
    return keys


def transaction_keys(
    api_params: dict[str, Any], keys_of: dict[str, tuple[str, ...]]
) -> tuple[str, ...]:
    """The items a TransactWriteItems names, each as 'table|hash key|range key'."""
    named = []
    for entry in api_params["TransactItems"]:
        ((_op, body),) = entry.items()
        table = body["TableName"]
        attributes = body.get("Key") or body["Item"]
        values = [str(next(iter(attributes[k].values()))) for k in keys_of[table]]
        named.append("|".join([table, *values]))
    return tuple(named)


def shard_worker(
    shard: int,
    events: list[dict[str, Any]],
    spec: FunctionSpec,
    environment: dict[str, str],
    partials: dict[str, int] | None,
    keys_of: dict[str, tuple[str, ...]],
    barrier: Any,
    results: Any,
) -> None:
    """Run one shard's records through the projector handler, as Lambda's poller does."""
    os.environ.update(environment)
    WORKER_LOG.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout = sys.stderr = open(WORKER_LOG, "a")  # noqa: SIM115 (the process's life)
    logging.basicConfig(level=logging.WARNING)
    import botocore.client
    from botocore.exceptions import ClientError

    from careroute.adapters.dynamodb import coverage
    from careroute.domain.coverage import ScopeKind
    from careroute_local.pump.function_runner import call_handler, load_handler, load_module

    if partials is not None:
        coverage.COUNTER_PARTIALS = {ScopeKind(k): v for k, v in partials.items()}
    module = load_module(spec)
    traces: list[RecordTrace] = []
    calls: Counter[str] = Counter()
    cancelled: Counter[str] = Counter()
    sdk_retries = 0
    record_handler = module.record_handler

    def traced_record(record: Any) -> None:
        traces.append(RecordTrace(str(record.dynamodb.keys["visit_id"])))
        record_handler(record)

    module.record_handler = traced_record
    original = botocore.client.BaseClient._make_api_call

    def traced_call(self: Any, operation_name: str, api_params: Any) -> Any:
        nonlocal sdk_retries
        if self.meta.service_model.service_name != "dynamodb" or not traces:
            return original(self, operation_name, api_params)
        calls[operation_name] += 1
        if operation_name == "TransactWriteItems":
            traces[-1].steps.append(("tx", transaction_keys(api_params, keys_of)))
        else:
            traces[-1].steps.append(("call", ()))
        try:
            response = original(self, operation_name, api_params)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            if error.get("Code") == "TransactionCanceledException":
                reasons = [r.get("Code") for r in exc.response.get("CancellationReasons", [])]
                for reason in {r for r in reasons if r and r != "None"}:
                    cancelled[reason] += 1
            sdk_retries += exc.response.get("ResponseMetadata", {}).get("RetryAttempts", 0)
            raise
        sdk_retries += response.get("ResponseMetadata", {}).get("RetryAttempts", 0)
        return response

    botocore.client.BaseClient._make_api_call = traced_call
    handler = load_handler(spec)
    barrier.wait()
    started = time.perf_counter()
    record_retries, parked = deliver(spec, handler, events, call_handler)
    seconds = time.perf_counter() - started
    counted = ShardResult(
        shard, len(events), seconds, traces, calls, cancelled, sdk_retries, record_retries, parked
    )
    results.put(counted.as_plain())


def deliver(
    spec: FunctionSpec, handler: Any, events: list[dict[str, Any]], call_handler: Any
) -> tuple[int, int]:
    """Lambda's stream semantics for one shard: batches of 100, a batch retried from its
    first failed record, a record parked after MAX_RETRIES. (record retries, parked)"""
    position = retries = record_retries = parked = 0
    while position < len(events):
        batch = events[position : position + BATCH_SIZE]
        result = call_handler(spec, handler, {"Records": batch})
        failed = {f["itemIdentifier"] for f in (result or {}).get("batchItemFailures", [])}
        numbers = [e["dynamodb"]["SequenceNumber"] for e in batch]
        first = min((i for i, n in enumerate(numbers) if n in failed), default=None)
        if first is None:
            position += len(batch)
            retries = 0
            continue
        position += first
        record_retries += 1
        retries = 0 if first else retries + 1
        if retries > MAX_RETRIES:
            position, retries, parked = position + 1, 0, parked + 1
    return record_retries, parked


@dataclass
class Run:
    design: str
    shards: int
    seconds: float
    results: list[ShardResult]
    exact: bool
    city_visits: int
    drift: list[str]

    def traces(self) -> list[list[RecordTrace]]:
        return [r.traces for r in sorted(self.results, key=lambda r: r.shard)]

    def as_plain(self) -> dict[str, Any]:
        plain = dict(vars(self))
        plain["results"] = [r.as_plain() for r in self.results]
        return plain

    @classmethod
    def from_plain(cls, plain: dict[str, Any]) -> Run:
        results = [ShardResult.from_plain(r) for r in plain["results"]]
        steps = [(t.steps, [(kind, tuple(keys)) for kind, keys in t.steps]) for r in results
                 for t in r.traces]  # fmt: skip
        for trace_steps, as_tuples in steps:
            trace_steps[:] = as_tuples
        return cls(**{**plain, "results": results})


def run_shards(
    stack: LocalStack, events: list[dict[str, Any]], shards: int, design: str, args: Any
) -> Run:
    spec = stack.template.functions[PROJECTOR]
    environment = stack.function_environment(PROJECTOR)
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(shards + 1), context.Queue()
    partials = DESIGNS[design]
    keys_of = table_keys(stack)
    streams = shard_streams(events, shards, args.redeliver, args.seed)
    workers = [
        context.Process(
            target=shard_worker,
            args=(n, stream, spec, environment, partials, keys_of, barrier, results),
        )
        for n, stream in enumerate(streams)
    ]
    for worker in workers:
        worker.start()
    barrier.wait()
    started = time.perf_counter()
    collected = [ShardResult.from_plain(results.get()) for _ in workers]
    seconds = time.perf_counter() - started
    for worker in workers:
        worker.join()
    return Run(design, shards, seconds, collected, *exactness())


def exactness() -> tuple[bool, int, list[str]]:
    """Every counter of the month against a recount from the visit records; the city's
    visits of the month (ALL tiers)."""
    from careroute.adapters.dynamodb.oversight_repositories import coverage_checking
    from careroute.domain.coverage import Scope, ScopeKind
    from careroute.service_layer.coverage_check import check_month

    month = datetime.now(CHINA_TZ).strftime("%Y-%m")
    ports = coverage_checking()
    drift = [str(d) for d in check_month(month, ports)]
    rows = ports.coverage.read_coverage(month, Scope(ScopeKind.CITY, "all"))
    city = next(int(r["visits_made"]) for r in rows if r["tier"] == "ALL")
    return not drift, city, drift


# --- the report --------------------------------------------------------------------------


def report(runs: list[Run], args: Any, console: Console) -> None:
    peak_rate = args.day_outcomes / (args.peak_hours * 3600)
    print()
    print(
        f"Sample: {args.records:,} outcomes ({args.redeliver:.0%} delivered twice) of a "
        f"province's day of {args.day_outcomes:,}; model: call {args.call_ms:g} ms, "
        f"transaction {args.tx_ms:g} ms, CPU {args.cpu_ms:g} ms a record, retry after "
        f"{args.retry_ms:g} ms; evening peak {peak_rate:.1f} records/s"
    )
    print()
    print(
        "| design | shards | moto: records/s | moto: cancelled (reasons) | moto: SDK retries "
        "| exact | model, backlog: conflicts / 1,000 records, record retries, parked, "
        "records/s | model, evening peak: conflicts / 1,000, parked | conflicts met on |"
    )
    print("|---|---:|---:|---|---:|---|---|---|---|")
    for run in runs:
        delivered = sum(r.records for r in run.results)
        cancelled: Counter[str] = sum((r.cancelled for r in run.results), Counter())
        sdk = sum(r.sdk_retries for r in run.results)
        backlog = model(run.traces(), args, None)
        peak = model(run.traces(), args, peak_rate)
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(cancelled.items())) or "none"
        where = ", ".join(f"{k} {v}" for k, v in backlog.on.most_common(3)) or "-"
        exact = "yes" if run.exact and run.city_visits == args.records else "**NO**"
        print(
            f"| {run.design} | {run.shards} | {delivered / run.seconds:.0f} | {reasons} | {sdk} "
            f"| {exact} ({run.city_visits:,} city visits) "
            f"| {per_thousand(backlog)}, {backlog.record_retries}, {backlog.parked}, "
            f"{backlog.records / backlog.seconds:.0f} "
            f"| {per_thousand(peak)}, {peak.parked} | {where} |"
        )
        for line in run.drift[:5]:
            console.print(f"  drift: {line}")


def main() -> None:
    args = parse_args()
    console = Console(stderr=True)
    if args.model:
        kept = json.loads(args.model.read_text())
        args.records, args.redeliver = kept["records"], kept["redeliver"]
        report([Run.from_plain(run) for run in kept["runs"]], args, console)
        return
    today = datetime.now(CHINA_TZ).date()
    city = generate_city(args.seed, as_of=today, scale=args.scale)
    console.print(f"city at scale {args.scale}: {len(city.elders):,} elders")
    runs: list[Run] = []
    with city_stack(city, today, console, log_level="WARNING") as (stack, _pump):
        records = day_sample(city, args.records, args.seed)
        write_visits(records, console)
        events = stream_events(stack)
        console.print(f"{len(events):,} stream records")
        stack.snapshot(SNAPSHOT)
        for design in args.designs.split(","):
            for shards in (int(n) for n in args.shards.split(",")):
                stack.restore(SNAPSHOT)
                run = run_shards(stack, events, shards, design, args)
                runs.append(run)
                console.print(
                    f"{design}, {shards} shard(s): {run.seconds:.1f} s, exact: {run.exact}"
                )
    if args.save:
        kept = {"records": args.records, "redeliver": args.redeliver,
                "runs": [run.as_plain() for run in runs]}  # fmt: skip
        args.save.write_text(json.dumps(kept))
    report(runs, args, console)


if __name__ == "__main__":
    main()
