"""The local outbox: notices appended as whole JSON lines even by concurrent handlers, read
back per recipient, and listed by `careroute outbox` from the running stack's file."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from careroute.adapters.outbox_file import OutboxFile, by_recipient, read_outbox
from careroute.domain.notices import Notice, NoticeKind, Recipient
from careroute_local.cli import main, outbox_command


def a_notice(n: int, to: str) -> Notice:
    return Notice(
        NoticeKind.INCIDENT_ESCALATED,
        f"in-{n}#level:street",
        Recipient.parse(to),
        "CareRoute: incident escalated",
        f"incident in-{n} 未确认 " + "x" * 300,
    )


def test_concurrent_senders_append_whole_lines_read_back_per_recipient(tmp_path: Path) -> None:
    outbox = OutboxFile(tmp_path / "state" / "outbox.jsonl")
    recipients = ("street:S1", "district:D1")

    def sender(first: int) -> None:
        for n in range(first, first + 25):
            outbox.send(a_notice(n, recipients[n % 2]))

    threads = [threading.Thread(target=sender, args=(t * 25,)) for t in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    messages = read_outbox(outbox.path)
    assert len(messages) == 100 and len({m["message_id"] for m in messages}) == 100
    grouped = by_recipient(messages)
    assert list(grouped) == ["district:D1", "street:S1"]
    assert [len(found) for found in grouped.values()] == [50, 50]
    [one] = read_outbox(outbox.path, "street:S1")[:1]
    assert one["body"].startswith("incident in-") and "未确认" in one["body"]
    assert read_outbox(tmp_path / "none.jsonl") == []


def test_careroute_outbox_lists_the_running_stacks_notices_per_recipient(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "outbox.jsonl"
    outbox = OutboxFile(path)
    outbox.send(a_notice(1, "street:S1"))
    outbox.send(a_notice(2, "district:D1"))
    stack_file = tmp_path / "stack.json"
    stack_file.write_text(json.dumps({"environment": {"NOTIFICATION_OUTBOX": str(path)}}))
    monkeypatch.setattr(outbox_command, "STACK_FILE", stack_file)

    main(["outbox", "--recipient", "street:S1"])
    listed = capsys.readouterr().err
    assert "street:S1: 1 notice(s)" in listed and "incident in-1" in listed
    assert "district:D1" not in listed
    main(["outbox", "--recipient", "street:S9"])
    assert "No notices" in capsys.readouterr().err
