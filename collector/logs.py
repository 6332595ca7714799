"""Logging: JSON lines for machines (containers), short text lines for people.

Every line carries the run id, scope and check it concerns (`null` when it concerns none),
taken from a context variable that the runner and the scheduler set (`log_context`). Worker
threads set their own context, because context variables do not follow work into a pool.

No secrets: passwords in URLs and `password=`/`secret=`/`token=` values are masked in every
message, and the loggers of the cloud SDKs and HTTP stacks (which log signed headers and
bodies at DEBUG) are held at WARNING whatever `--log-level` says.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, Literal, TextIO

LogFormat = Literal["json", "text"]
FIELDS = ("run_id", "scope", "check")
"""Context fields present on every line."""
QUIET_LOGGERS = ("botocore", "boto3", "s3transfer", "urllib3", "azure", "google",
                 "alembic", "werkzeug", "apscheduler.executors")
"""Third-party loggers held at WARNING (DEBUG output of SDKs can contain credentials)."""

_context: contextvars.ContextVar[Mapping[str, str | None] | None] = contextvars.ContextVar(
    "evidence_log_context", default=None)
_SECRETS = (
    (re.compile(r"(://[^:/@\s]+:)[^@\s]+@"), r"\1***@"),
    (re.compile(r"(?i)\b(password|passwd|secret|token|secret_access_key|session_token)"
                r"(\s*[=:]\s*)(\"[^\"]*\"|'[^']*'|[^\s,;&]+)"), r"\1\2***"),
)


def redact(text: str) -> str:
    """`text` with URL passwords and `password=`-style values masked."""
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


def current() -> Mapping[str, str | None]:
    """The log context of the calling thread."""
    return _context.get() or {}


@contextmanager
def log_context(**fields: str | None) -> Iterator[None]:
    """Add `fields` (e.g. run_id=..., scope=..., check=...) to every line logged inside."""
    token = _context.set({**current(), **fields})
    try:
        yield
    finally:
        _context.reset(token)


class ContextFilter(logging.Filter):
    """Puts the context fields on each record (as `record.evidence`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = dict(current())
        context.update(getattr(record, "fields", None) or {})
        record.evidence = context
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, message, run_id, scope, check, extras."""

    def format(self, record: logging.LogRecord) -> str:
        context: dict[str, Any] = dict(getattr(record, "evidence", {}))
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        for key in FIELDS:
            line[key] = context.pop(key, None)
        line.update({k: redact(v) if isinstance(v, str) else v for k, v in context.items()})
        if record.exc_info and record.exc_info[0] is not None:
            line["error"] = redact(f"{record.exc_info[0].__name__}: {record.exc_info[1]}")
        return json.dumps(line, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """`evidence: LEVEL: message [run=… scope=… check=…]` for a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        context = {k: v for k, v in getattr(record, "evidence", {}).items() if v is not None}
        where = " ".join(f"{k.removesuffix('_id')}={v}" for k, v in context.items())
        text = f"evidence: {record.levelname.lower()}: {redact(record.getMessage())}"
        if record.exc_info and record.exc_info[0] is not None:
            text += redact(f" ({record.exc_info[0].__name__}: {record.exc_info[1]})")
        return f"{text} [{where}]" if where else text


class _StderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever `sys.stderr` is at the time (tests swap it)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def default_format() -> LogFormat:
    """JSON unless stderr is a terminal."""
    return "text" if sys.stderr.isatty() else "json"


def setup_logging(fmt: LogFormat | None = None, level: str | None = None) -> None:
    """Route the root logger to stderr in `fmt`; idempotent (replaces its own handler).

    `level` defaults to INFO for JSON (machines keep the run's story) and WARNING for text
    (people at a terminal see the progress bar and the summary instead).
    """
    chosen = fmt or default_format()
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, _StderrHandler) or getattr(handler, "evidence", False):
            root.removeHandler(handler)
    for handler in list(root.handlers):  # logging.basicConfig's plain stderr handler
        if type(handler) is logging.StreamHandler and handler.stream in (
                sys.stderr, sys.__stderr__):
            root.removeHandler(handler)
    handler = _StderrHandler()
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter() if chosen == "json" else TextFormatter())
    root.addHandler(handler)
    root.setLevel((level or ("INFO" if chosen == "json" else "WARNING")).upper())
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
