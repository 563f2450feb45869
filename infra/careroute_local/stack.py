"""The local stack: template.yaml's data resources in a moto server on 127.0.0.1.

CareRoute must run on one laptop with no AWS account and no Docker. This module starts moto's
server in its own process (so handler code never competes with moto for the GIL), creates the
DynamoDB tables (keys, GSIs, streams, TTL), SQS queues (redrive policies) and S3 buckets (the
files handlers write) that template.yaml names, and hands out the environment the handlers
need to reach them (AWS_ENDPOINT_URL, dummy credentials and every function's Environment
variables). Notices to people go to the outbox
file (NOTIFICATION_OUTBOX, listed by `careroute outbox`) instead of SNS, which has nobody's
phone here. It creates nothing else in moto:
Lambda functions, event source mappings and schedules are the event pump's job, because moto
would try to run them in Docker.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any

import boto3
from botocore.config import Config

from careroute_local.dev_signin import SIGN_IN_ENVIRONMENT
from careroute_local.snapshots import PATH_PREFIX as SNAPSHOTS_PATH
from careroute_local.template import ACCOUNT_ID, Template, load_template

__all__ = ["LocalStack"]

log = logging.getLogger("careroute_local")

_STARTUP_TIMEOUT = 30.0
_REPLAY_TIMEOUT = 1800.0
# moto's own server (same flags as `python -m moto.server`) with careroute's read fast paths.
SERVER_MODULE = "careroute_local.moto_server"
_EMPTY = "careroute-empty-stack"  # the snapshot reset() restores
# 127.0.0.1 only: never let an HTTP(S)_PROXY variable reroute calls to the local server.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class LocalStack:
    """Tables and queues from `template_path`, served by a moto server on 127.0.0.1:`port`."""

    def __init__(
        self,
        template_path: Path | str,
        stack_name: str = "careroute-local",
        port: int = 0,
        region: str = "us-east-1",
        parameters: dict[str, Any] | None = None,
        env_overrides: dict[str, str] | None = None,
        state_dir: Path | None = None,
    ) -> None:
        """`env_overrides` replace function variables locally, like `sam local --env-vars`.

        With `state_dir` the data outlives the server: it journals every change to
        `state_dir/journal.jsonl` and replays it when it starts again (careroute_local.journal).
        """
        self.state_dir = Path(state_dir) if state_dir is not None else None
        self.outbox_path = (
            self.state_dir / "outbox.jsonl"
            if self.state_dir is not None
            else Path(tempfile.gettempdir()) / f"careroute-outbox-{stack_name}-{os.getpid()}.jsonl"
        )
        """Where the handlers' notices go: beside the journal when the data is kept, else a
        file of this process (in-process handlers keep the first stack's environment)."""
        self.journal_replayed: dict[str, float] | None = None
        # The pages sign in at the local issuer (careroute_local.dev_signin), not at Cognito.
        self.env_overrides = {**SIGN_IN_ENVIRONMENT, **(env_overrides or {})}
        self.template_path = Path(template_path).resolve()
        self.stack_name = stack_name
        self.region = region
        self.parameters = dict(parameters or {})
        self.port = port
        self._requested_port = port
        self.generation = 0  # bumped by reset(): stream positions and receipts are stale
        self.stream_arns: dict[str, str] = {}
        self.queue_urls: dict[str, str] = {}
        self._process: subprocess.Popen[bytes] | None = None
        self._clients: dict[str, Any] = {}
        self._saved_environ: dict[str, str | None] | None = None
        # snapshot name -> (the template with its stream ARNs bound, the ARNs) when it was taken
        self._snapshot_bindings: dict[str, tuple[Template, dict[str, str]]] = {}
        self.template: Template = self._load()

    # ------------------------------------------------------------------ lifecycle

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> LocalStack:
        """Start the moto server (separate process), create tables and queues, bind ARNs."""
        if self.running:
            return self
        started = time.perf_counter()
        for attempt in range(3):  # a port chosen by us can be taken before moto binds it
            try:
                self._start_server()
                break
            except RuntimeError:
                if attempt == 2 or self._requested_port:
                    raise
        log.info("moto server on %s in %.2fs", self.endpoint_url, time.perf_counter() - started)
        self._create_resources()
        if self.state_dir is None:
            self.snapshot(_EMPTY)  # what reset() restores
        return self

    @property
    def journal_path(self) -> Path | None:
        return None if self.state_dir is None else self.state_dir / "journal.jsonl"

    def stop(self) -> None:
        """Stop the moto server (data is gone unless journaled) and undo apply_environment()."""
        if self._saved_environ is not None:
            for key, value in self._saved_environ.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
            self._saved_environ = None
        process, self._process = self._process, None
        if self.state_dir is None:
            self.outbox_path.unlink(missing_ok=True)
        self._clients.clear()
        self._snapshot_bindings.clear()  # they lived in the server
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)

    def reset(self) -> None:
        """Delete all data, leaving the same tables and queues, empty.

        start() keeps the empty stack as a snapshot, and reset() restores it in one request
        (creating the tables and queues again is a second or two of API calls). A journaled
        stack runs moto's reset and creates them again (a restore bypasses the journal)."""
        self._require_running()
        self.outbox_path.unlink(missing_ok=True)
        if self.state_dir is None and self.restore(_EMPTY):
            return
        request = urllib.request.Request(f"{self.endpoint_url}/moto-api/reset", method="POST")
        with _OPENER.open(request, timeout=10) as response:
            response.read()
        self.generation += 1
        self._create_resources()

    def snapshot(self, name: str) -> None:
        """Keep the tables' data as they are now under `name`, inside the server
        (careroute_local.snapshots): `restore(name)` brings it back in one request."""
        self._require_running()
        self._snapshot_request(name, "save")
        self._snapshot_bindings[name] = (self.template, dict(self.stream_arns))

    def restore(self, name: str) -> bool:
        """Put back the tables' data saved by `snapshot(name)`, with empty queues, as if
        reset() and the same writes had run again. False (and nothing changed) when no
        snapshot `name` was taken. A journaled stack refuses: a restore bypasses the journal."""
        self._require_running()
        if self.state_dir is not None:
            raise RuntimeError("a journaled stack cannot restore snapshots (the journal would lie)")
        if name not in self._snapshot_bindings:
            return False
        self._snapshot_request(name, "restore")
        self.outbox_path.unlink(missing_ok=True)  # the notices of writes the restore undid
        self.generation += 1
        template, stream_arns = self._snapshot_bindings[name]
        self.stream_arns = dict(stream_arns)
        self._create_queues(template)
        return True

    def _snapshot_request(self, name: str, action: str) -> None:
        url = f"{self.endpoint_url}{SNAPSHOTS_PATH}{name}/{action}"
        request = urllib.request.Request(url, method="POST")
        with _OPENER.open(request, timeout=60) as response:
            response.read()

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # ------------------------------------------------------------------ environment

    def base_environment(self) -> dict[str, str]:
        """What any AWS SDK in a handler needs to talk to this stack."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint_url,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_REGION": self.region,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
            # No X-Ray daemon locally; the template's value (if any) still wins.
            "POWERTOOLS_TRACE_DISABLED": "true",
            # Notices go to this file, not to the template's SNS topic (see notification_setup).
            "NOTIFICATION_OUTBOX": str(self.outbox_path),
        }

    def function_environment(self, function_logical_id: str) -> dict[str, str]:
        """The environment of one function: base + its resolved template Environment."""
        spec = self.template.functions[function_logical_id]
        return {**self.base_environment(), **spec.environment, **self.env_overrides}

    def environment(self) -> dict[str, str]:
        """Base environment plus every function's Environment variables (union)."""
        env = self.base_environment()
        seen: dict[str, tuple[str, str]] = {}
        for fn in self.template.functions.values():
            for key, value in fn.environment.items():
                if key in seen and seen[key][1] != value:
                    log.warning(
                        "%s differs between %s (%r) and %s (%r); in-process handlers share "
                        "one environment, the last one wins",
                        key,
                        seen[key][0],
                        seen[key][1],
                        fn.logical_id,
                        value,
                    )
                seen[key] = (fn.logical_id, value)
                env[key] = value
        return {**env, **self.env_overrides}

    def apply_environment(self) -> None:
        """Put environment() into os.environ. Call it BEFORE importing any handler."""
        self._require_running()
        environment = self.environment()
        if self._saved_environ is None:
            self._saved_environ = {key: os.environ.get(key) for key in environment}
        os.environ.update(environment)

    # ------------------------------------------------------------------ helpers

    def client(self, service: str) -> Any:
        """A boto3 client for this stack (cached; boto3 clients are thread-safe)."""
        self._require_running()
        if service not in self._clients:
            self._clients[service] = boto3.client(
                service,
                endpoint_url=self.endpoint_url,
                region_name=self.region,
                aws_access_key_id="testing",
                aws_secret_access_key="testing",
                config=Config(retries={"max_attempts": 3, "mode": "standard"}),
            )
        return self._clients[service]

    def table_name(self, table_logical_id: str) -> str:
        return self.template.tables[table_logical_id].name

    def queue_url(self, queue_logical_id: str) -> str:
        return self.queue_urls[queue_logical_id]

    def stream_arn(self, table_logical_id: str) -> str:
        return self.stream_arns[table_logical_id]

    def stream_records(self, table_logical_id: str) -> list[dict[str, Any]]:
        """Every record the table's stream holds, oldest first (each shard from its trim
        horizon): what a consumer starting now from the beginning would be given."""
        streams = self.client("dynamodbstreams")
        arn = self.stream_arn(table_logical_id)
        records: list[dict[str, Any]] = []
        for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
            iterator = streams.get_shard_iterator(
                StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"]
            while iterator:
                page = streams.get_records(ShardIterator=iterator)
                if not page["Records"]:
                    break
                records.extend(page["Records"])
                iterator = page.get("NextShardIterator")
        return records

    def queue_depth(self, queue_logical_id: str) -> dict[str, int]:
        """{"visible": n, "not_visible": n, "delayed": n} from ApproximateNumberOfMessages*."""
        attrs = self.client("sqs").get_queue_attributes(
            QueueUrl=self.queue_url(queue_logical_id),
            AttributeNames=[
                "ApproximateNumberOfMessages",
                "ApproximateNumberOfMessagesNotVisible",
                "ApproximateNumberOfMessagesDelayed",
            ],
        )["Attributes"]
        return {
            "visible": int(attrs["ApproximateNumberOfMessages"]),
            "not_visible": int(attrs["ApproximateNumberOfMessagesNotVisible"]),
            "delayed": int(attrs["ApproximateNumberOfMessagesDelayed"]),
        }

    # ------------------------------------------------------------------ internals

    def _load(self) -> Template:
        return load_template(
            self.template_path,
            stack_name=self.stack_name,
            region=self.region,
            account_id=ACCOUNT_ID,
            parameters=self.parameters,
            endpoint_url=self.endpoint_url if self._process else None,
            stream_arns=self.stream_arns,
        )

    def _require_running(self) -> None:
        if not self.running:
            raise RuntimeError("the local stack is not running: call start() first")

    def _start_server(self) -> None:
        port = self._requested_port or free_port()
        env = {**os.environ, "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
        command = [sys.executable, "-m", SERVER_MODULE, "-H", "127.0.0.1", "-p", str(port)]
        timeout = _STARTUP_TIMEOUT
        if self.journal_path is not None:
            command += ["--journal", str(self.journal_path)]
            timeout = _REPLAY_TIMEOUT  # it answers once the journal is replayed
        # stderr goes to a temporary file read only if the server dies at start; it is closed
        # once the server answers, so moto's per-request log costs no memory.
        with tempfile.TemporaryFile() as early_log:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=early_log,
                env=env,
            )
            deadline = time.monotonic() + timeout
            while not _answers(f"http://127.0.0.1:{port}/moto-api/"):
                if process.poll() is not None:
                    early_log.seek(0)
                    output = early_log.read().decode(errors="replace")[-2000:]
                    raise RuntimeError(f"moto server exited with {process.returncode}:\n{output}")
                if time.monotonic() > deadline:
                    process.kill()
                    raise RuntimeError(f"moto server did not answer on port {port}")
                time.sleep(0.05)
            if self.journal_path is not None:
                early_log.seek(0)
                self.journal_replayed = _replay_report(early_log.read())
        self._process = process
        self.port = port

    def _create_resources(self) -> None:
        started = time.perf_counter()
        self.template = self._load()
        dynamodb = self.client("dynamodb")
        existing = set(dynamodb.list_tables()["TableNames"]) if self.state_dir else set()
        for table in self.template.tables.values():
            if table.name in existing:  # replayed from the journal
                continue
            request: dict[str, Any] = {
                "TableName": table.name,
                "KeySchema": list(table.key_schema),
                "AttributeDefinitions": list(table.attribute_definitions),
                "BillingMode": table.billing_mode,
            }
            if table.provisioned_throughput:
                request["ProvisionedThroughput"] = table.provisioned_throughput
            if table.global_secondary_indexes:
                request["GlobalSecondaryIndexes"] = [
                    _index(i, table.billing_mode) for i in table.global_secondary_indexes
                ]
            if table.local_secondary_indexes:
                request["LocalSecondaryIndexes"] = list(table.local_secondary_indexes)
            if table.stream_view_type:
                request["StreamSpecification"] = {
                    "StreamEnabled": True,
                    "StreamViewType": table.stream_view_type,
                }
            dynamodb.create_table(**request)
        waiter = dynamodb.get_waiter("table_exists")
        stream_arns: dict[str, str] = {}
        for table in self.template.tables.values():
            waiter.wait(TableName=table.name, WaiterConfig={"Delay": 0.1, "MaxAttempts": 100})
            if table.ttl_attribute and table.name not in existing:
                dynamodb.update_time_to_live(
                    TableName=table.name,
                    TimeToLiveSpecification={"Enabled": True, "AttributeName": table.ttl_attribute},
                )
            if table.stream_view_type:
                description = dynamodb.describe_table(TableName=table.name)["Table"]
                stream_arns[table.logical_id] = description["LatestStreamArn"]
        self.stream_arns = stream_arns
        self._create_buckets()
        self._create_queues()
        log.info(
            "created %d tables and %d queues in %.2fs",
            len(self.template.tables),
            len(self.template.queues),
            time.perf_counter() - started,
        )

    def _create_buckets(self) -> None:
        """The template's buckets (their objects are not journaled: a restarted stack has
        the buckets again, empty)."""
        s3 = self.client("s3")
        for bucket in self.template.buckets.values():
            s3.create_bucket(Bucket=bucket.name)

    def _create_queues(self, bound: Template | None = None) -> None:
        """The template's queues (empty), then the template with stream ARNs bound (`bound`, when
        the caller has it already)."""
        sqs = self.client("sqs")
        queue_urls: dict[str, str] = {}
        # Dead-letter queues first: a redrive policy needs its target to exist.
        ordered = sorted(self.template.queues.values(), key=lambda q: q.dlq_logical_id is not None)
        for queue in ordered:
            attributes = dict(queue.attributes)
            if queue.dlq_logical_id:
                attributes["RedrivePolicy"] = json.dumps(
                    {
                        "deadLetterTargetArn": self.template.queues[queue.dlq_logical_id].arn,
                        "maxReceiveCount": queue.max_receive_count,
                    }
                )
            url = sqs.create_queue(QueueName=queue.name, Attributes=attributes)["QueueUrl"]
            queue_urls[queue.logical_id] = url
        self.queue_urls = queue_urls
        self.template = bound or self._load()  # now with stream ARNs bound


def _index(index: dict[str, Any], billing_mode: str) -> dict[str, Any]:
    index = dict(index)
    if billing_mode == "PAY_PER_REQUEST":
        index.pop("ProvisionedThroughput", None)
    elif "ProvisionedThroughput" in index:
        index["ProvisionedThroughput"] = {
            k: int(v) for k, v in index["ProvisionedThroughput"].items()
        }
    return index


def _replay_report(stderr: bytes) -> dict[str, float] | None:
    """The moto server's one-line account of its journal replay (see moto_server.py)."""
    for line in stderr.decode(errors="replace").splitlines():
        if line.startswith('{"journal_replayed"'):
            report: dict[str, float] = json.loads(line)["journal_replayed"]
            return report
    return None


def free_port() -> int:
    """A TCP port of 127.0.0.1 free now (the system's pick), for a server to listen on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with _OPENER.open(url, timeout=1) as response:
            response.read()
        return True
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False
