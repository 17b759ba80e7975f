"""Logging: one rotating file in the log folder, per-module loggers, no patient identifiers.

Modules log with ``logging.getLogger(__name__)`` and never put names, NHS numbers, dates of
birth or free text into messages: case references and counts are enough to debug. As a second
line of defence a filter masks anything that looks like an NHS number.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
import traceback
from pathlib import Path
from typing import Any

_NHS_LIKE = re.compile(r"\b\d{3}\s?\d{3}\s?\d{4}\b")
LOG_FILE_NAME = "reviewer-app.log"


class RedactingFilter(logging.Filter):
    """Masks NHS-number-like digit runs in log messages (belt and braces)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _NHS_LIKE.search(message):
            record.msg = _NHS_LIKE.sub("[number removed]", message)
            record.args = None
        return True


class SafeFormatter(logging.Formatter):
    """Tracebacks keep their frames but drop exception messages.

    Library exceptions (pydantic, sqlite, CSV parsing) often quote the input that failed,
    and that input can be patient data; the type and the frames are enough to find a bug.
    """

    def format(self, record: logging.LogRecord) -> str:
        # logging caches the first handler's rendering of a traceback on the record; never
        # reuse it (it may hold the message), and never leave ours for other handlers.
        cached = record.exc_text
        record.exc_text = None
        try:
            return super().format(record)
        finally:
            record.exc_text = cached

    def formatException(self, ei: Any) -> str:
        kind, _value, tb = ei
        # File, line and function only: no source text, no local values.
        frames = "".join(
            f'  File "{f.filename}", line {f.lineno}, in {f.name}\n'
            for f in traceback.extract_tb(tb)
        )
        name = getattr(kind, "__name__", "Exception")
        return f"Traceback (most recent call last):\n{frames}{name}: [message withheld]"


def configure_logging(log_dir: Path, *, level: int = logging.INFO) -> Path:
    """Send all logging to a rotating file in ``log_dir``; return the file's path."""
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / LOG_FILE_NAME
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_reviewer_app", False):
            root.removeHandler(handler)
            handler.close()
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
    )
    handler._reviewer_app = True  # type: ignore[attr-defined]
    handler.setFormatter(
        SafeFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%dT%H:%M:%S")
    )
    handler.addFilter(RedactingFilter())
    root.addHandler(handler)
    root.setLevel(level)
    return path
