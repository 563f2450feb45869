"""`careroute run` killed with SIGKILL and started again loses nothing and counts nothing twice.

The main job runs as a user runs it (a subprocess on a small city, its own data folder);
outcomes are posted over HTTP by several phones at once; the process is killed mid-burst,
restarted, and the phones retry whatever got no answer. Then every accepted visit is stored
exactly once and the coverage counters equal the ones rebuilt from the raw visit records.
"""

from __future__ import annotations

import http.client
import json
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3

from careroute_local.dev_auth import DevIssuer
from careroute_local.stack import free_port
from tests.conftest import china_now, cli_environment
from tests.e2e.cli import CLI, careroute

SMALL_CITY = ["--districts", "Heping", "--scale", "0.05", "--workers", "1"]
TWO_COMMUNITIES = ["--scale", "0.01"]
"""For the tests of the run's own state (reset, a second run refused): the smallest city, as
the city's size plays no part in them."""
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _env(home: Path) -> dict[str, str]:
    return cli_environment(CAREROUTE_DATA_DIR=str(home / "var"))


@contextmanager
def main_job(home: Path, *args: str) -> Iterator[subprocess.Popen[bytes]]:
    """`careroute run ARGS` in the background; killed (SIGKILL) at the end if still running."""
    log = (home / "run.log").open("ab")
    process = subprocess.Popen(
        [*CLI, "run", *SMALL_CITY, *args], cwd=home, env=_env(home), stdout=log, stderr=log
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
        log.close()


def wait_for_api(home: Path, process: subprocess.Popen[bytes], starts: int = 1) -> dict[str, Any]:
    """Wait for the `starts`-th "Ctrl-C stops the stack." (the dev key exists by then)."""
    stack_file = home / "var" / "stack.json"
    log = home / "run.log"
    deadline = time.monotonic() + 240
    while not stack_file.exists() or log.read_text().count("Ctrl-C stops the stack") < starts:
        assert process.poll() is None, (home / "run.log").read_text()[-3000:]
        assert time.monotonic() < deadline, "the main job did not start serving"
        time.sleep(0.2)
    stack: dict[str, Any] = json.loads(stack_file.read_text("utf-8"))
    return stack


VISITED_AT = china_now().replace(microsecond=0).isoformat()


def post_visit(api_url: str, token: str, key: str, elder_id: str) -> tuple[int, dict[str, Any]]:
    """One outcome; a retry sends the same body (same key, same visit time)."""
    body = {"elder_id": elder_id, "outcome": "visited", "visited_at": VISITED_AT}
    request = urllib.request.Request(
        f"{api_url}/visits",
        data=json.dumps(body).encode(),
        method="POST",
        headers={
            "authorization": f"Bearer {token}",
            "idempotency-key": key,
            "content-type": "application/json",
        },
    )
    try:
        with _OPENER.open(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def read_route(api_url: str, token: str, steward_id: str, plan: Path) -> int:
    """GET the steward's planned day (the date the exported plan is for): its status."""
    day = json.loads(plan.read_text("utf-8"))["date"]
    request = urllib.request.Request(
        f"{api_url}/stewards/{steward_id}/routes/{day}",
        headers={"authorization": f"Bearer {token}"},
    )
    with _OPENER.open(request, timeout=120) as response:
        return int(response.status)


def stored_visit_ids(stack: dict[str, Any]) -> list[str]:
    env = stack["environment"]
    client = boto3.client(
        "dynamodb",
        endpoint_url=env["AWS_ENDPOINT_URL"],
        region_name=env["AWS_DEFAULT_REGION"],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    ids: list[str] = []
    for page in client.get_paginator("scan").paginate(TableName=env["VISITS_TABLE"]):
        ids.extend(item["visit_id"]["S"] for item in page["Items"])
    return ids


def wait_until_coverage_matches(home: Path, month: str) -> subprocess.CompletedProcess[str]:
    deadline = time.monotonic() + 60
    while True:
        check = careroute("coverage", "--month", month, cwd=home)
        if check.returncode == 0 or time.monotonic() > deadline:
            return check
        time.sleep(1)


def test_kill_9_mid_burst_of_outcomes_loses_no_visit_and_counts_none_twice(
    tmp_path: Path,
) -> None:
    port = free_port()
    plan = tmp_path / "plan.json"
    with main_job(tmp_path, "--port", str(port), "--export", str(plan)) as first:
        stack = wait_for_api(tmp_path, first)
        issuer = DevIssuer(tmp_path / "var" / "dev-jwt-key.json")
        stops = [
            (route["steward_id"], stop["elder_id"])
            for route in json.loads(plan.read_text("utf-8"))["routes"]
            for stop in route["stops"]
        ]
        assert len(stops) >= 40
        posts = [(f"burst-{n:05d}", steward, elder) for n, (steward, elder) in enumerate(stops)]
        tokens = {steward: issuer.token("steward", steward) for _, steward, _ in posts}
        accepted: dict[str, str] = {}
        guard = threading.Lock()
        # Each phone read its route in the morning: the API function is warm before the burst
        # (a cold start on a loaded machine could outlast every request's timeout).
        route = read_route(stack["api_url"], tokens[posts[0][1]], posts[0][1], plan)
        assert route == 200

        def phone(post: tuple[str, str, str]) -> None:
            key, steward, elder = post
            try:
                status, body = post_visit(stack["api_url"], tokens[steward], key, elder)
            except (OSError, http.client.HTTPException):
                return  # no answer, or one cut off mid-body: the phone keeps it and retries later
            if status == 201:
                with guard:
                    accepted[key] = body["visit_id"]

        with ThreadPoolExecutor(max_workers=4) as phones:
            futures = [phones.submit(phone, post) for post in posts]
            while len(accepted) < len(posts) // 3 and not all(f.done() for f in futures):
                time.sleep(0.01)
            first.send_signal(signal.SIGKILL)  # mid-burst: requests in flight get no answer
            for future in futures:
                future.result()
        first.wait(timeout=30)
    answered_before = dict(accepted)
    assert 0 < len(answered_before) < len(posts)

    (tmp_path / "var" / "stack.json").unlink()
    with main_job(tmp_path, "--port", str(port)) as second:
        stack = wait_for_api(tmp_path, second, starts=2)
        # Every phone retries what got no answer, and one retries what did (lost response).
        # A request cut off mid-way holds its key until that invocation's timeout (30 s):
        # the API answers 409 in_progress with Retry-After meanwhile, and the phone waits.
        deadline = time.monotonic() + 90
        for key, steward, elder in posts:
            if key not in accepted or key == posts[0][0]:
                while True:
                    status, body = post_visit(stack["api_url"], tokens[steward], key, elder)
                    if status != 409 or body.get("error", {}).get("code") != "in_progress":
                        break
                    assert time.monotonic() < deadline, key
                    time.sleep(1)
                assert status == 201, (key, status)
                assert accepted.setdefault(key, body["visit_id"]) == body["visit_id"]
        month = VISITED_AT[:7]
        check = wait_until_coverage_matches(tmp_path, month)
        stored = stored_visit_ids(stack)
        second.send_signal(signal.SIGINT)
        second.wait(timeout=30)

    log = (tmp_path / "run.log").read_text()
    assert "Resumed from" in log
    assert check.returncode == 0, check.stderr  # counters == rebuilt from the raw visits
    assert len(stored) == len(set(stored)) == len(posts)  # one visit per outcome, none lost
    assert set(stored) == set(accepted.values())
    assert all(accepted[key] == visit for key, visit in answered_before.items())


def test_kill_9_mid_nightly_plan_resumes_the_unfinished_jobs(tmp_path: Path) -> None:
    state = tmp_path / "var" / "state" / "main_job.json"
    plan = tmp_path / "plan.json"
    with main_job(tmp_path, "--scale", "0.15", "--no-serve") as first:
        deadline = time.monotonic() + 240
        while not (state.exists() and json.loads(state.read_text())["plans"]):
            assert first.poll() is None, (tmp_path / "run.log").read_text()[-3000:]
            assert time.monotonic() < deadline
            time.sleep(0.005)
        first.send_signal(signal.SIGKILL)  # the tick fanned out; the solver is at work
    jobs = next(iter(json.loads(state.read_text())["plans"].values()))

    again = careroute("run", *SMALL_CITY, "--scale", "0.15", "--no-serve",
                      "--export", str(plan), cwd=tmp_path)  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert "Resumed from" in again.stderr
    document = json.loads(plan.read_text("utf-8"))
    assert document["summary"]["communities"] == jobs
    stewards = [route["steward_id"] for route in document["routes"]]
    assert len(stewards) == len(set(stewards)) == jobs  # every job solved, none twice
    assert document["summary"]["mandatory_unassigned"] == 0


def test_reset_asks_first_and_deletes_only_with_consent(tmp_path: Path) -> None:
    result = careroute("run", *SMALL_CITY, *TWO_COMMUNITIES, "--no-serve", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    state = tmp_path / "var" / "state"
    assert (state / "journal.jsonl").stat().st_size > 0

    refused = careroute("reset", cwd=tmp_path)  # no terminal to ask on: refuse
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert state.exists()
    done = careroute("reset", "--yes", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert not state.exists()
    fresh = careroute("run", *SMALL_CITY, *TWO_COMMUNITIES, "--no-serve", cwd=tmp_path)
    assert "Resumed from" not in fresh.stderr and "loading registry" in fresh.stderr


def test_a_second_run_on_the_same_data_folder_is_refused(tmp_path: Path) -> None:
    with main_job(tmp_path, *TWO_COMMUNITIES, "--port", str(free_port())) as first:
        wait_for_api(tmp_path, first)
        second = careroute("run", *SMALL_CITY, "--port", "0", "--no-serve", cwd=tmp_path)
        busy = careroute("reset", "--yes", cwd=tmp_path)
    assert second.returncode == 2 and "another `careroute run`" in second.stderr
    assert busy.returncode == 2 and (tmp_path / "var" / "state").exists()
