"""Load test on the local stack: every steward posts a day's outcomes at once.

1,153 stewards (the whole synthetic city at --scale 1) each post about ten visit outcomes
(visited 82 %, not home 15 %, refused 3 %), the day's requests compressed into --seconds
(default 60). Clients run in a separate process, on 127.0.0.1 only. Each client behaves
like the steward app: on a timeout, a connection error, a 5xx or a 429 it retries the SAME
request with the SAME Idempotency-Key (exponential backoff, up to --attempts); and a share
of outcomes (--duplicates) is posted a second time on purpose, later (a phone resending).
The projector drains the visits stream while the load runs, as in the cloud.

Then it checks, from the stored data, that nothing was lost or doubled:
- the visit records written by this run are exactly the accepted ones (same ids, no more);
- every replay answered with the visit id of the first post;
- each touched month's coverage counters equal a rebuild from the raw visit records
  (careroute.service_layer.coverage_check), and the projector's dead-letter queue is empty.

    .venv/bin/python benchmarks/load_outcomes.py              # 1,153 stewards, ~11,500 posts
    .venv/bin/python benchmarks/load_outcomes.py --scale 0.05 # 59 stewards: a quick run
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import statistics
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import requests
from careroute_synthetic.city import generate_city
from rich.console import Console
from stack_bench import city_stack

from careroute.domain.percentiles import percentile
from careroute.domain.vocabulary import CHINA_TZ, ElderStatus
from careroute_local import main_job

OUTCOMES = (("visited", 0.82), ("not_home", 0.15), ("refused", 0.03))
RETRIED_STATUSES = {429, 500, 502, 503, 504}


@dataclass(frozen=True)
class Post:
    """One request the load sends: at `start` seconds after the load begins."""

    start: float
    steward_id: str
    key: str
    body: dict[str, str]
    duplicate: bool = False


@dataclass
class Result:
    post: Post
    status: int = 0  # the final answer; 0 = never answered
    attempts: int = 0
    latencies_ms: list[float] = field(default_factory=list)  # one per answered attempt
    retry_causes: list[str] = field(default_factory=list)
    visit_id: str | None = None
    late_s: float = 0.0  # how long after its scheduled time the first attempt went out
    resent_later: bool = False  # unanswered during the load, sent again from the app's queue


def day_of_posts(
    stewards: dict[str, list[str]], per_steward: int, window: float, duplicates: float, seed: int
) -> list[Post]:
    """Each steward's outcomes for today (visited_at spread over the past hours), each at a
    random moment of the window; `duplicates` of them are sent once more, later."""
    rng = random.Random(seed)
    now = datetime.now(CHINA_TZ).replace(microsecond=0)
    run = f"{int(time.time()):x}"
    posts: list[Post] = []
    for steward_id, elder_ids in stewards.items():
        for i, elder_id in enumerate(rng.sample(elder_ids, min(per_steward, len(elder_ids)))):
            outcome = rng.choices([o for o, _ in OUTCOMES], [w for _, w in OUTCOMES])[0]
            visited_at = now - timedelta(minutes=30 * (per_steward - i) + rng.randint(0, 20))
            body = {"elder_id": elder_id, "outcome": outcome, "visited_at": visited_at.isoformat()}
            post = Post(rng.uniform(0, window), steward_id, f"load-{run}-{steward_id}-{i}", body)
            posts.append(post)
            if rng.random() < duplicates:
                again = rng.uniform(post.start, window + 5)
                posts.append(Post(again, steward_id, post.key, body, duplicate=True))
    return sorted(posts, key=lambda p: p.start)


def send(
    session: requests.Session, url: str, token: str, post: Post, timeout: float, attempts: int
) -> Result:
    """POST one outcome like the app does: retry timeouts, resets and 5xx with the same key."""
    result = Result(post)
    headers = {"authorization": f"Bearer {token}", "idempotency-key": post.key}
    for attempt in range(attempts):
        result.attempts = attempt + 1
        started = time.perf_counter()
        try:
            response = session.post(
                f"{url}/visits", json=post.body, headers=headers, timeout=timeout
            )
        except requests.Timeout:
            result.retry_causes.append("timeout")
        except requests.ConnectionError:
            result.retry_causes.append("connection")
        else:
            result.latencies_ms.append((time.perf_counter() - started) * 1000)
            result.status = response.status_code
            if response.status_code not in RETRIED_STATUSES:
                if response.status_code == 201:
                    result.visit_id = response.json()["visit_id"]
                return result
            result.retry_causes.append(str(response.status_code))
        time.sleep(min(8.0, 0.25 * 2**attempt) * random.uniform(0.5, 1.5))
    return result


def run_clients(
    url: str,
    tokens: dict[str, str],
    posts: list[Post],
    clients: int,
    timeout: float,
    attempts: int,
) -> tuple[list[Result], float, int]:
    """In a process of its own: `clients` threads send the posts on schedule."""
    local = threading.local()
    started = time.perf_counter()

    def one(post: Post) -> Result:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        wait = post.start - (time.perf_counter() - started)
        if wait > 0:
            time.sleep(wait)
        late = time.perf_counter() - started - post.start
        result = send(local.session, url, tokens[post.steward_id], post, timeout, attempts)
        result.late_s = max(0.0, late)
        return result

    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(one, posts))
    load_s = time.perf_counter() - started
    answered = sum(len(r.latencies_ms) for r in results)
    # What the app does with an outcome it never got an answer for: it keeps it queued and
    # sends it again, same key, once the rush is over (the first tries may have been stored).
    with requests.Session() as session:
        for i, result in enumerate(results):
            if result.status == 0 or result.status in RETRIED_STATUSES:
                post = result.post
                later = send(session, url, tokens[post.steward_id], post, 60.0, 3)
                later.attempts += result.attempts
                later.retry_causes = result.retry_causes + later.retry_causes
                later.latencies_ms = result.latencies_ms + later.latencies_ms
                later.late_s, later.resent_later = result.late_s, True
                results[i] = later
    return results, load_s, answered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="share of the city (1 = 1,153)")
    parser.add_argument("--per-steward", type=int, default=10, help="outcomes per steward")
    parser.add_argument("--seconds", type=float, default=60.0, help="window the posts fill")
    parser.add_argument("--clients", type=int, default=64, help="concurrent client threads")
    parser.add_argument("--timeout", type=float, default=5.0, help="client timeout, seconds")
    parser.add_argument("--attempts", type=int, default=8, help="tries per post (same key)")
    parser.add_argument("--duplicates", type=float, default=0.05, help="share posted twice")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    console = Console(stderr=True)
    today = datetime.now(CHINA_TZ).date()
    city = generate_city(args.seed, as_of=today, scale=args.scale)
    active: dict[str, list[str]] = {}
    for elder in city.elders:
        if elder.status is ElderStatus.ACTIVE:
            active.setdefault(elder.community_id, []).append(elder.elder_id)
    stewards = {s.steward_id: active.get(s.community_id, []) for s in city.stewards}
    posts = day_of_posts(stewards, args.per_steward, args.seconds, args.duplicates, args.seed)
    began = time.perf_counter()
    with city_stack(city, today, console) as (stack, pump):
        # Imported now: the services read POWERTOOLS_* once, and the stack has set them.
        from careroute.adapters.dynamodb import visits
        from careroute.adapters.dynamodb.oversight_repositories import coverage_checking
        from careroute.service_layer.coverage_check import check_month
        from careroute.service_layer.visits import visit_id_for

        server, url = pump.serve_http()
        # A client that timed out has closed its socket: the late answer's write fails with a
        # broken pipe, which is the client's retry at work, not a server fault to print.
        server.handle_error = lambda request, address: None
        tokens = {s: pump.issuer.token("steward", s) for s in stewards}
        stop = threading.Event()

        def project() -> None:  # the stream's event source mapping
            while not stop.is_set():
                if not pump.drain_stream(main_job.VISITS_TABLE).messages:
                    stop.wait(0.5)

        projector = threading.Thread(target=project, name="projector", daemon=True)
        projector.start()
        console.print(
            f"posting {len(posts):,} outcomes of {len(stewards):,} stewards "
            f"within {args.seconds:.0f} s, {args.clients} clients"
        )
        with multiprocessing.get_context("spawn").Pool(1) as clients:
            results, load_s, answered = clients.apply(
                run_clients, (url, tokens, posts, args.clients, args.timeout, args.attempts)
            )
        stop.set()
        projector.join()
        drained = time.perf_counter()
        while pump.drain_stream(main_job.VISITS_TABLE).messages:
            pass
        drain_s = time.perf_counter() - drained
        server.shutdown()

        posted_ids = {visit_id_for(p.steward_id, p.key) for p in posts}
        stored = [v for v in visits.all_visits() if v.visit_id in posted_ids]
        months = sorted({v.month for v in stored})
        ports = coverage_checking()
        drift = {m: check_month(m, ports) for m in months}
        dlq = stack.client("sqs").get_queue_attributes(
            QueueUrl=stack.queue_url("ProjectorDLQ"),
            AttributeNames=["ApproximateNumberOfMessages"],
        )["Attributes"]["ApproximateNumberOfMessages"]
    wall_s = time.perf_counter() - began
    report(args, results, stored, drift, int(dlq), (load_s, answered, drain_s, wall_s))


def report(
    args: argparse.Namespace,
    results: list[Result],
    stored: list[object],
    drift: dict[str, list[object]],
    dlq: int,
    seconds: tuple[float, int, float, float],
) -> None:
    load_s, answered, drain_s, wall_s = seconds
    accepted: dict[str, str] = {}
    replays_differ = 0
    for r in results:
        if r.visit_id is None:
            continue
        first = accepted.setdefault(r.post.key, r.visit_id)
        replays_differ += first != r.visit_id
    stored_ids = {v.visit_id for v in stored}  # type: ignore[attr-defined]
    requests_sent = sum(r.attempts for r in results)
    latencies = [ms for r in results for ms in r.latencies_ms]
    final = Counter(r.status for r in results)
    causes = Counter(c for r in results for c in r.retry_causes)
    first_try = [r.latencies_ms[0] for r in results if r.latencies_ms and not r.retry_causes]
    exact = stored_ids == set(accepted.values()) and len(stored) == len(stored_ids)
    counters_exact = not any(drift.values())
    print(
        f"stewards {len({r.post.steward_id for r in results}):,}, posts {len(results):,} "
        f"({sum(r.post.duplicate for r in results):,} deliberate duplicates), "
        f"window {args.seconds:.0f} s, {args.clients} clients, timeout {args.timeout:.0f} s"
    )
    print("| figure | value |")
    print("|---|---:|")
    rows = [
        ("HTTP requests sent (with retries)", f"{requests_sent:,}"),
        ("load wall time (first post to last answer)", f"{load_s:.1f} s"),
        ("throughput (requests answered / s)", f"{answered / load_s:.1f}"),
        ("outcomes accepted (distinct keys, 201)", f"{len(accepted):,}"),
        (
            "latency p50 / p99 / max, every answered request",
            f"{percentile(latencies, 0.5):.0f} / {percentile(latencies, 0.99):.0f} / "
            f"{max(latencies, default=0):.0f} ms",
        ),
        (
            "latency p50 / p99 of posts answered on the first try",
            f"{percentile(first_try, 0.5):.0f} / {percentile(first_try, 0.99):.0f} ms",
        ),
        (
            "first attempt late vs schedule, p50 / max",
            f"{statistics.median(r.late_s for r in results):.1f} / "
            f"{max(r.late_s for r in results):.1f} s",
        ),
        ("retries (cause: count)", ", ".join(f"{k}: {v}" for k, v in causes.items()) or "0"),
        ("final answers (status: count)", ", ".join(f"{k}: {v}" for k, v in sorted(final.items()))),
        (
            "unanswered in the load, resent after it (same key)",
            f"{sum(r.resent_later for r in results):,}",
        ),
        ("replays answered with a different visit id", f"{replays_differ}"),
        ("visit records stored by this run", f"{len(stored):,}"),
        ("stored == accepted exactly", "yes" if exact else "**NO**"),
        (
            "coverage counters == rebuild from raw visits",
            ("yes" if counters_exact else "**NO**") + f" ({', '.join(drift)})",
        ),
        ("projector DLQ messages", f"{dlq}"),
        ("stream drain after the load", f"{drain_s:.1f} s"),
        ("whole run wall (registry import included)", f"{wall_s:.1f} s"),
    ]
    for name, value in rows:
        print(f"| {name} | {value} |")
    for month, drifts in drift.items():
        for d in drifts[:10]:
            print(f"drift {month}: {d}")
    if not (exact and counters_exact and replays_differ == 0 and dlq == 0):
        raise SystemExit("load test FAILED: outcomes lost, doubled or miscounted")


if __name__ == "__main__":
    main()
