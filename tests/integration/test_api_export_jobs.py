"""The ticket export written in the background, on the local stack through the real handlers
(the API function, the export worker fed by its SQS queue, the bucket): asked for, it answers
202 at once; once the worker has run, its owner reads a short-lived link whose download is
byte for byte the synchronous export of the same list; the scope rules are the synchronous
export's; nobody else reads the job; a refused list fails the job with why; a redelivered job
is written once; a district's or the city's whole list is no longer one GET."""

from __future__ import annotations

import csv
import io
import urllib.request
from typing import Any

import openpyxl
import pytest

from careroute.adapters.dynamodb.export_jobs import DynamoExportJobs
from careroute.adapters.dynamodb.plan_jobs import SqsJobs
from careroute.domain.access import Role
from careroute.domain.export_jobs import ExportFormat, ExportJob
from careroute.domain.vocabulary import Registry
from careroute.messages.export_jobs import ExportJobMessage
from careroute_local.pump import EventPump, HttpResponse
from tests.conftest import china_now
from tests.integration.api_calls import get, send_json
from tests.integration.test_api_exports import visit_with_two_tickets

ADMIN_SUB = "sub-export-admin"


def as_user(pump: EventPump, role: str, scope: str | None, sub: str) -> dict[str, str]:
    """One user's headers: the same subject on every request (a job is its owner's)."""
    return {"authorization": f"Bearer {pump.issuer.token(role, scope, sub=sub)}"}


ADMIN = ("city_admin", None, ADMIN_SUB)


def ask(
    pump: EventPump, body: dict[str, Any], who: tuple[str, str | None, str] = ADMIN
) -> HttpResponse:
    return send_json(pump, "POST", "/exports/tickets", as_user(pump, *who), body)


def job_status(
    pump: EventPump, job_id: str, who: tuple[str, str | None, str] = ADMIN
) -> HttpResponse:
    return pump.invoke_http("GET", f"/exports/jobs/{job_id}", headers=as_user(pump, *who))


def download(url: str) -> tuple[bytes, str]:
    """The file a job's link leads to (from the local bucket), and its Content-Disposition."""
    with urllib.request.urlopen(url, timeout=30) as response:
        return bytes(response.read()), str(response.headers["content-disposition"])


def written(pump: EventPump, body: dict[str, Any]) -> dict[str, Any]:
    """Ask for the file, run the worker on the queue, and read the job (done)."""
    asked = ask(pump, body)
    assert asked.status == 202, asked.text
    job_id = asked.json()["job_id"]
    assert asked.headers["location"] == f"jobs/{job_id}"
    assert job_status(pump, job_id).json()["status"] == "pending"
    stats = pump.drain_queue("ExportJobsQueue")
    assert (stats.messages, stats.succeeded) == (1, 1)
    done = job_status(pump, job_id)
    assert done.status == 200, done.text
    view: dict[str, Any] = done.json()
    assert view["status"] == "done", view
    return view


@pytest.fixture
def visited(loaded_stack: EventPump, small_city: Registry) -> EventPump:
    return visit_with_two_tickets(loaded_stack, small_city)


@pytest.mark.parametrize("scope", ["city", "district:D01", "street:S001"])
def test_the_file_written_in_the_background_is_the_synchronous_export(
    visited: EventPump, scope: str
) -> None:
    view = written(visited, {"scope": scope, "status": "open"})
    assert view["rows"] == 2 and view["file_name"] == f"tickets_{scope.replace(':', '-')}_open.csv"
    body, disposition = download(view["download_url"])
    assert len(body) == view["bytes"]
    assert disposition == f'attachment; filename="{view["file_name"]}"'
    query = {"scope": scope, "status": "open", "limit": "5000"}  # one part: the whole file
    synchronous = get(visited, "/exports/tickets", "city_admin", None, query)
    assert synchronous.status == 200 and "x-next-cursor" not in synchronous.headers
    assert body == synchronous.body


def test_the_xlsx_holds_the_rows_of_the_csv(visited: EventPump) -> None:
    as_csv, _ = download(written(visited, {"scope": "city", "status": "all"})["download_url"])
    view = written(visited, {"scope": "city", "status": "all", "format": "xlsx"})
    assert view["file_name"] == "tickets_city_all.xlsx"
    as_xlsx, _ = download(view["download_url"])
    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx)).active
    assert sheet is not None
    csv_lines = list(csv.reader(io.StringIO(as_csv.decode("utf-8-sig"))))
    xlsx_lines = list(sheet.iter_rows(values_only=True))
    assert len(xlsx_lines) == len(csv_lines) == 3  # the header and two tickets
    assert list(xlsx_lines[0]) == csv_lines[0]
    for in_xlsx, in_csv in zip(xlsx_lines[1:], csv_lines[1:], strict=True):
        assert in_xlsx[0] == in_csv[0]  # the ticket ids, in the same order


@pytest.mark.parametrize(
    ("role", "scope", "where"),
    [("steward", "W0001", "community:C0001"), ("inspector", "D01", "district:D01"),
     ("district_official", "D02", "district:D01"), ("street_official", "S001", "city")],
)  # fmt: skip
def test_a_file_outside_the_callers_scope_is_refused_at_once(
    loaded_stack: EventPump, role: str, scope: str, where: str
) -> None:
    response = ask(loaded_stack, {"scope": where}, (role, scope, f"sub-{role}"))
    assert response.status == 403, response.text
    assert response.json()["error"]["code"] == "forbidden"
    assert loaded_stack.stack.queue_depth("ExportJobsQueue")["visible"] == 0


def test_an_official_asks_for_a_scope_inside_their_own(loaded_stack: EventPump) -> None:
    official = ("district_official", "D01", "sub-d01")
    response = ask(loaded_stack, {"scope": "street:S001", "format": "xlsx"}, official)
    assert response.status == 202, response.text
    loaded_stack.drain_queue("ExportJobsQueue")
    view = job_status(loaded_stack, response.json()["job_id"], official).json()
    assert view["status"] == "done" and view["file_name"] == "tickets_street-S001_open.xlsx"


def test_nobody_but_the_owner_reads_a_job(visited: EventPump) -> None:
    job_id = written(visited, {"scope": "city"})["job_id"]
    others = [("city_admin", None, "sub-another-admin"), ("district_official", "D01", ADMIN_SUB)]
    for other in others:
        response = job_status(visited, job_id, other)
        assert response.status == 404, response.text
        assert response.json()["error"]["code"] == "not_found"
    assert job_status(visited, "no-such-job").status == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [({"scope": "city", "format": "pdf"}, "format"),
     ({"scope": "city", "status": "late"}, "status"),
     ({"scope": "city", "source": "rumour"}, "source"),
     ({}, "scope"),
     ({"scope": "planet:X"}, "scope")],
)  # fmt: skip
def test_a_bad_request_is_422_naming_the_field(
    loaded_stack: EventPump, body: dict[str, str], field: str
) -> None:
    response = ask(loaded_stack, body)
    assert response.status == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_request" and field in error["message"]


@pytest.mark.parametrize("scope", ["city", "district:D01"])
def test_a_wide_list_is_no_longer_one_get_but_its_parts_still_are(
    loaded_stack: EventPump, scope: str
) -> None:
    whole = get(loaded_stack, "/exports/tickets", "city_admin", None, {"scope": scope})
    assert whole.status == 422, whole.text
    message = whole.json()["error"]["message"]
    assert message.startswith("limit:") and "POST /exports/tickets" in message
    part = get(
        loaded_stack, "/exports/tickets", "city_admin", None, {"scope": scope, "limit": "10"}
    )
    assert part.status == 200, part.text


def test_a_redelivered_job_is_written_once(visited: EventPump) -> None:
    view = written(visited, {"scope": "district:D01"})
    queue = SqsJobs[ExportJobMessage](visited.stack.queue_url("ExportJobsQueue"))
    queue.send([ExportJobMessage(job_id=view["job_id"])])
    stats = visited.drain_queue("ExportJobsQueue")
    assert (stats.messages, stats.succeeded) == (1, 1)
    again = job_status(visited, view["job_id"]).json()
    assert {k: again[k] for k in ("status", "rows", "bytes", "file_name")} == {
        k: view[k] for k in ("status", "rows", "bytes", "file_name")
    }


def test_a_list_the_asker_may_no_longer_read_fails_the_job_with_why(
    loaded_stack: EventPump,
) -> None:
    """A job stored as asked for by D01's official, of D02's tickets (as if their scope had
    changed between the ask and the write), then queued: the worker refuses the list."""
    jobs = DynamoExportJobs(loaded_stack.stack.table_name("ExportJobsTable"))
    job = ExportJob(
        "job-moved-official", "sub-moved", Role.DISTRICT_OFFICIAL, "D01", "district:D02", "open",
        None, ExportFormat.CSV, china_now(), "tickets/not-written",
    )  # fmt: skip
    jobs.add(job)
    queue = SqsJobs[ExportJobMessage](loaded_stack.stack.queue_url("ExportJobsQueue"))
    queue.send([ExportJobMessage(job_id=job.job_id)])
    assert loaded_stack.drain_queue("ExportJobsQueue").succeeded == 1
    response = job_status(loaded_stack, job.job_id, ("district_official", "D01", "sub-moved"))
    view = response.json()
    assert view["status"] == "failed" and view["download_url"] is None
    reason = "district_official D01 may not read district:D02"
    assert view["error"] == f"the tickets could not be listed: {reason}"
