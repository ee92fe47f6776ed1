"""Logging for every command: one set-up, text or JSON lines, and the delivery each line is about.

`LOG_LEVEL` takes Python's names and Probot's (`trace`, `warn`, `fatal`; app/settings.py maps them);
`LOG_FORMAT=json` writes one JSON object a line: time, level, message, logger, and `delivery_id`,
`event` and `installation` when the line is about a delivery. Those three travel in a context variable
set around the work on one delivery (`about_delivery`), so a handler's own lines carry them without
passing them along. Only those fields and the message are written: nothing from settings, so no secret.
"""

from __future__ import annotations

import json
import logging
import sys
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timezone

_delivery: ContextVar[dict | None] = ContextVar("ladder_delivery", default=None)
FIELDS = ("delivery_id", "event", "installation")


@contextmanager
def about_delivery(delivery_id: str | None, event: str | None = None, installation: int | None = None):
    """Every log line written inside the block (in this task) names this delivery."""
    token = _delivery.set({"delivery_id": delivery_id, "event": event, "installation": installation})
    try:
        yield
    finally:
        _delivery.reset(token)


def _delivery_fields(record: logging.LogRecord) -> dict:
    fields = dict(_delivery.get() or {})
    for name in FIELDS:  # `extra={...}` on the call wins over the surrounding block
        if getattr(record, name, None) is not None:
            fields[name] = getattr(record, name)
    return {k: v for k, v in fields.items() if v is not None}


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = _delivery_fields(record)
        if fields:
            first, newline, rest = line.partition("\n")  # after the message, before a traceback
            line = first + " [" + " ".join(f"{k}={v}" for k, v in fields.items()) + "]" + newline + rest
        return line


class JSONFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "message": record.getMessage(),
            "logger": record.name,
            **_delivery_fields(record),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (tests swap it), never to a stream closed since."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


class _MalformedRequests(logging.Filter):
    """aiohttp logs a request it cannot even parse (a bad header byte, a broken chunk) as an error with a
    traceback. It is the sender's fault and was answered 400: say so in one warning line."""

    def filter(self, record: logging.LogRecord) -> bool:
        from aiohttp.http_exceptions import HttpProcessingError

        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, HttpProcessingError):
            reason = " ".join(str(error.message).split())[:200]
            record.msg, record.args, record.exc_info, record.exc_text = (
                "malformed HTTP request: %s",
                (reason,),
                None,
                None,
            )
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def setup(level: str = "info", fmt: str = "text") -> None:
    """Send the process's log lines to stderr at `level` (a Python level name) in `fmt` (text or json).
    Called again, it replaces its own handler and leaves other handlers (pytest's) alone."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, _StderrHandler):
            root.removeHandler(handler)
    handler = _StderrHandler()
    handler.setFormatter(JSONFormatter() if fmt == "json" else TextFormatter())
    root.addHandler(handler)
    root.setLevel(getattr(logging, level.upper()))
    # One line per request is the delivery log's job; aiohttp's access log would repeat it.
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    server = logging.getLogger("aiohttp.server")
    if not any(isinstance(f, _MalformedRequests) for f in server.filters):
        server.addFilter(_MalformedRequests())
