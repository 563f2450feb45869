"""The local stack's capture of the functions' log lines takes the line the function printed:
the shared formatter formats each record once for both handlers, as Lambda formats a line
once, and a new record is formatted anew."""

from __future__ import annotations

import io
import logging
import threading

from careroute_local.pump.log_subscriptions import _formatting_once


class CountingFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(message)s")
        self.formatted = 0

    def format(self, record: logging.LogRecord) -> str:
        self.formatted += 1
        return f"{super().format(record)} #{self.formatted}"


def test_two_handlers_sharing_the_formatter_get_one_line_per_record() -> None:
    """Given a printing and a capturing handler with one formatter made to format once, when
    two records are logged, then each is formatted once and both handlers hold its line."""
    formatter = CountingFormatter()
    _formatting_once(formatter)
    printed, captured = io.StringIO(), io.StringIO()
    logger = logging.getLogger("test_log_capture_once")
    logger.propagate = False
    for stream in (printed, captured):
        handler = logging.StreamHandler(stream)
        handler.setFormatter(formatter)
        logger.addHandler(handler)

    logger.warning("first")
    logger.warning("second")

    assert formatter.formatted == 2
    assert printed.getvalue() == captured.getvalue() == "first #1\nsecond #2\n"


def test_a_record_formatted_in_another_thread_is_formatted_there() -> None:
    """Given the same record, when another thread formats it after this one did, then that
    thread formats it itself (each thread keeps its own last line)."""
    formatter = CountingFormatter()
    _formatting_once(formatter)
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "line", None, None)
    lines = [formatter.format(record), formatter.format(record)]
    other = threading.Thread(target=lambda: lines.append(formatter.format(record)))
    other.start()
    other.join()

    assert lines == ["line #1", "line #1", "line #2"]
