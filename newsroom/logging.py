"""One JSON object per log line, for log shippers (production's default format)."""

import json
import logging
from datetime import UTC, datetime

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        # Anything passed with ``extra=`` travels as its own field.
        entry.update(
            {k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")}
        )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class NoTracebackForBadRequests(logging.Filter):
    """A 400 for a malformed query (``BadRequest``) is the client's mistake, not ours:
    one warning line ("Bad Request: /tags/x/"), without the traceback Django attaches,
    so a scanner's sweep of odd parameters does not bury real errors in the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        from django.core.exceptions import BadRequest

        if record.exc_info and isinstance(record.exc_info[1], BadRequest):
            record.exc_info = None
            record.exc_text = None
        return True
