"""Values users type, parsed in one place: dates, whole numbers, report periods, percents.

The services, the screens' forms and the API's input serializers all parse with these functions, so a bad
value gets the same Chinese message wherever it was typed (a :class:`ServiceError`, which the screens show
as a message and the API answers with 400).
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from .errors import ServiceError

PERIOD_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"  # YYYY-MM
PERIOD_RE = re.compile(PERIOD_PATTERN)


def parse_date(value: Any, label: str = "日期") -> date:
    """``YYYY-MM-DD`` (a date, or a string whose first ten characters are one) → date."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value if value is not None else "")[:10])
    except ValueError:
        raise ServiceError(f"{label}“{'' if value is None else value}”格式不对，应为 YYYY-MM-DD") from None


def optional_date(value: Any, label: str = "日期") -> date | None:
    """:func:`parse_date`, with nothing (None or an empty string) meaning no date."""
    return None if value in (None, "") else parse_date(value, label)


def lenient_date(value: Any) -> date | None:
    """A date of an extracted ledger (``issue_date``, a deadline's ``date``): None when absent or malformed
    (the extraction's output is stored as it is, never refused for a date)."""
    try:
        return optional_date(value)
    except ServiceError:
        return None


#: The whole numbers the API and the forms accept: those a 64-bit column holds on both engines.
INT_MIN, INT_MAX = -(2**63), 2**63 - 1


def parse_int(value: Any, label: str) -> int:
    """A whole number (an int, or its digits as text) that fits a 64-bit column: not a truth value, not a
    fraction."""
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ServiceError(f"{label} 应为整数，收到：{value!r}")
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        raise ServiceError(f"{label} 应为整数，收到：{value!r}") from None
    if not INT_MIN <= number <= INT_MAX:
        raise ServiceError(f"{label} 超出范围：{number}")
    return number


def parse_json(value: Any, label: str) -> Any:
    """A structured value as sent: already parsed (JSON bodies), or a JSON text (a multipart form field)."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        raise ServiceError(f"{label} 应为 JSON，收到：{value!r}") from None


def parse_period(value: Any) -> str:
    """A report period, ``YYYY-MM``."""
    period = (value or "").strip()
    if not PERIOD_RE.match(period):
        raise ServiceError(f"报送期“{period}”格式不对，应为 YYYY-MM")
    return period


def parse_percent(value: Any) -> int:
    """A completion percent, a whole number 0–100."""
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ServiceError(f"完成进度“{value}”应为 0–100 的整数")
    try:
        percent = int(value)
    except (TypeError, ValueError, OverflowError):
        raise ServiceError(f"完成进度“{value}”应为 0–100 的整数") from None
    if not 0 <= percent <= 100:
        raise ServiceError(f"完成进度 {percent} 应在 0–100 之间")
    return percent
