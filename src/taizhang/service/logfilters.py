"""Logging filters of the service (named in settings.LOGGING; importable before Django's apps are ready)."""

from __future__ import annotations

import logging


class RefusalWithoutTraceback(logging.Filter):
    """A refusal (a 4xx answer: 403 无权…, 404, a bad request) is the client's business, not a fault of the
    service: Django logs it with the exception's traceback; keep the one line, drop the traceback. 5xx
    records keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if 400 <= getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
