"""What durability costs the local stack: journal size, write overhead, restart (replay) time.

Loads the synthetic city into a fresh local stack twice, without and with the journal
(careroute_local.journal), then stops the journaled stack and starts it again from its data
folder, timing the replay and checking that every table holds the same items as before
(count and a digest of their content) and the queued messages came back.

    .venv/bin/python benchmarks/restart.py [--seed 7] [--districts Heping ...] [--scale 1.0]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from careroute_synthetic.city import generate_city

from careroute.adapters.dynamodb import bind_tables
from careroute.adapters.dynamodb.repositories import registry_loading
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import Registry
from careroute.entrypoints.config import Settings
from careroute.service_layer.registry_import import import_registry
from careroute_local.paths import TEMPLATE_PATH
from careroute_local.stack import LocalStack

AS_OF = date(2026, 11, 30)


def contents(stack: LocalStack) -> dict[str, tuple[int, str]]:
    """Per table: item count and a digest of every item (order-independent)."""
    dynamodb = stack.client("dynamodb")
    found: dict[str, tuple[int, str]] = {}
    for table in dynamodb.list_tables()["TableNames"]:
        items = sorted(
            json.dumps(item, sort_keys=True)
            for page in dynamodb.get_paginator("scan").paginate(TableName=table)
            for item in page["Items"]
        )
        found[table] = (len(items), hashlib.sha1("".join(items).encode()).hexdigest()[:12])
    return found


def load(city: Registry, state_dir: Path | None) -> tuple[LocalStack, float]:
    stack = LocalStack(TEMPLATE_PATH, parameters={"LogLevel": "WARNING"}, state_dir=state_dir)
    stack.start()
    stack.apply_environment()
    bind_tables(Settings.from_env())
    started = time.perf_counter()
    import_registry(city, AS_OF, load_policy(), registry_loading())
    return stack, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--districts", nargs="+")
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    city = generate_city(args.seed, as_of=AS_OF, districts=args.districts, scale=args.scale)
    figures: dict[str, Any] = {"elders": len(city.elders), "communities": len(city.communities)}

    plain, figures["load_s_no_journal"] = load(city, None)
    plain.stop()
    state = Path(tempfile.mkdtemp(prefix="careroute-restart-"))
    stack, figures["load_s_journal"] = load(city, state)
    sqs = stack.client("sqs")
    queue = stack.queue_url("PlanJobsQueue")
    for n in range(20):
        sqs.send_message(QueueUrl=queue, MessageBody=json.dumps({"job": n}))
    sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=5)  # in flight at the stop
    before = contents(stack)
    stack.stop()
    figures["journal_mb"] = round((state / "journal.jsonl").stat().st_size / 1e6, 1)

    started = time.perf_counter()
    again = LocalStack(TEMPLATE_PATH, parameters={"LogLevel": "WARNING"}, state_dir=state)
    again.start()
    figures["restart_s"] = round(time.perf_counter() - started, 1)
    figures["replay"] = again.journal_replayed
    figures["same_items"] = contents(again) == before
    figures["queued_after_restart"] = again.queue_depth("PlanJobsQueue")
    again.stop()
    for key in ("load_s_no_journal", "load_s_journal"):
        figures[key] = round(figures[key], 1)
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
