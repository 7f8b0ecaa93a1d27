"""Reading CSV / .xlsx into rows with their line numbers, and name normalisation shared by importers."""

from __future__ import annotations

import csv
import datetime as dt
import gc
import io
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from functools import cache
from importlib import resources
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import yaml

from taizhang.errors import DataError
from taizhang.read.safezip import check_zip

MAX_PROBLEMS = 20


@cache
def aliases() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("data", "aliases.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def norm(s: Any) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(s if s is not None else ""))).lower()


def lookup(group: dict[str, list[str]]) -> dict[str, str]:
    """alias → canonical key for a YAML group like ``pollutants``."""
    out = {}
    for key, names in group.items():
        out[norm(key)] = key
        for n in names:
            out[norm(n)] = key
    return out


_UNIT_IN_HEADER = re.compile(r"^(.*?)[(\[]([^()\[\]]*)[)\]]$")


def split_header(cell: Any) -> tuple[str, str | None]:
    """``"PM2.5(μg/m3)"`` → ``("pm2.5", "μg/m3")``; without brackets the unit is None."""
    h = norm(cell)
    m = _UNIT_IN_HEADER.match(h)
    if m:
        return m.group(1), m.group(2)
    return h, None


@contextmanager
def gc_paused():
    """Pause the cyclic garbage collector while a file is read (also as a decorator): reading makes hundreds
    of thousands of small lists and strings, none in a cycle, whose allocation would set off collection after
    collection (some 15 % of the reading time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_rows(path: str | Path) -> list[tuple[int, list[Any]]]:
    """Non-empty rows of the first sheet (xlsx) or the file (csv), each with its 1-based line number."""
    p = Path(path)
    if not p.exists():
        raise DataError("文件不存在", path=str(p))
    suffix = p.suffix.lower()
    if suffix == ".xlsx":
        check_zip(p, DataError)  # the bounds on a zip (taizhang.limits) before calamine unpacks anything
        rows = _xlsx_rows(p)
    elif suffix in (".csv", ".txt"):
        raw = p.read_bytes()
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise DataError("无法识别文件编码（应为UTF-8或GB18030）", path=str(p))
        # every cell is a str: a row is empty when all its cells are blank, i.e. when their join is
        rows = [(i, r) for i, r in enumerate(csv.reader(io.StringIO(text)), start=1) if "".join(r).strip()]
    else:
        raise DataError(f"不支持的文件类型“{p.suffix}”（应为.csv或.xlsx）", path=str(p))
    if not rows:
        raise DataError("文件为空", path=str(p))
    return rows


def _xlsx_rows(p: Path) -> list[tuple[int, list[Any]]]:
    """The non-empty rows of the first sheet, read by calamine (python-calamine: some 20 times faster than
    openpyxl's read-only mode). Its empty cells are "" and a date-time cell at midnight comes as a date;
    both are what the cell parsers expect (:func:`parse_hour` takes a date for its midnight)."""
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(p))
        cells = wb.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as exc:  # corrupt, encrypted or not a workbook
        raise DataError(f"无法读取Excel文件（{type(exc).__name__}）", path=str(p)) from None
    finally:
        if "wb" in locals():
            wb.close()
    return [(i, r) for i, r in enumerate(cells, start=1) if not _blank(r)]


def _blank(row: list[Any]) -> bool:
    """Every cell empty or white space (a row usually shows otherwise at its first cell)."""
    for c in row:
        if c != "" and c is not None and (type(c) is not str or c.strip()):
            return False
    return True


class Problems:
    """Collects row problems; :meth:`raise_if_any` raises one DataError listing the first ones."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        self.items: list[tuple[int, str]] = []

    def add(self, line: int, message: str) -> None:
        self.items.append((line, message))

    def raise_if_any(self) -> None:
        if not self.items:
            return
        shown = self.items[:MAX_PROBLEMS]
        more = len(self.items) - len(shown)
        lines = "；".join(f"第{ln}行：{msg}" for ln, msg in shown)
        tail = f"；另有{more}处问题未列出" if more > 0 else ""
        raise DataError(f"共{len(self.items)}处问题，未导入任何数据。{lines}{tail}",
                        path=self.path, line=shown[0][0])


_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
                 "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H", "%Y/%m/%d %H", "%Y%m%d%H",
                 "%Y年%m月%d日%H时", "%Y年%m月%d日 %H时", "%Y年%m月%d日%H:%M", "%Y年%m月%d日 %H:%M")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y年%m月%d日", "%Y.%m.%d")


def parse_hour(cell: Any) -> dt.datetime:
    """An hour's start time; raises ValueError with a Chinese message."""
    if isinstance(cell, dt.datetime):
        # a workbook keeps a time as a fraction of a day; read back, it can sit a few microseconds off the
        # second (07:59:59.999600 for 08:00): to the nearest second, so that it is its hour and not a new record
        t = cell.replace(microsecond=0) + dt.timedelta(seconds=cell.microsecond >= 500_000)
    elif isinstance(cell, dt.date):  # a workbook date-time at midnight, read as a date
        t = dt.datetime(cell.year, cell.month, cell.day)
    else:
        s = str(cell or "").strip()
        if not s:
            raise ValueError("时间为空")
        if re.search(r"\b24:00", s):
            raise ValueError(f"时间“{s}”写作24:00；小时值以时段开始时刻标注（0:00–23:00）")
        for fmt in _TIME_FORMATS:
            try:
                t = dt.datetime.strptime(s, fmt)
                break
            except ValueError:
                continue
        else:
            raise ValueError(f"无法识别的时间“{s}”（应如2024-01-01 08:00）")
    if t.minute or t.second:
        raise ValueError(f"时间“{cell}”不是整点")
    return t.replace(tzinfo=None)


def parse_date(cell: Any) -> dt.date:
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    s = str(cell or "").strip()
    if not s:
        raise ValueError("日期为空")
    for fmt in _DATE_FORMATS + _TIME_FORMATS:
        try:
            return dt.datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"无法识别的日期“{s}”（应如2024-01-15）")


def parse_number(cell: Any, *, below_limit: bool = False) -> float | None:
    """A number, None for a missing-value marker; ValueError otherwise.

    With ``below_limit``, ``"0.01L"`` or ``"<0.01"`` (below the detection limit) gives half the limit."""
    if cell is None:
        return None
    if isinstance(cell, bool):
        raise ValueError(f"“{cell}”不是数值")
    if isinstance(cell, int | float):
        v = float(cell)
    else:
        s = unicodedata.normalize("NFKC", str(cell)).strip()
        if s.lower() in aliases()["missing_markers"]:
            return None
        m = re.fullmatch(r"(?:<\s*([0-9.]+)|([0-9.]+)\s*[lL])", s)
        if below_limit and m:
            return float(m.group(1) or m.group(2)) / 2
        try:
            v = float(s)
        except ValueError:
            raise ValueError(f"“{cell}”不是数值") from None
    if v != v:
        return None
    if math.isinf(v):
        raise ValueError(f"“{cell}”不是有限数值")
    if v < 0:
        raise ValueError(f"浓度为负数（{v:g}）")
    return v


# ---------------------------------------------------------------- whole columns at once
#
# The functions below give exactly what the cell functions above give, cell by cell, but fast on the
# common spellings: a plain decimal number, a whole-hour time such as "2024-01-01 08:00" or "2024/1/1 8:00".
# Every other cell (a missing-value marker, a bad number, an unusual time format, an error) goes through the
# cell function itself, so values and messages cannot differ.


def column(rows: Sequence[Sequence[Any]], j: int) -> list[Any]:
    """Cell ``j`` of every row, None where a row is shorter."""
    try:
        return list(map(itemgetter(j), rows))
    except IndexError:  # a short row
        return [r[j] if j < len(r) else None for r in rows]


def memo_map(func: Callable[[Any], Any], cells: Sequence[Any]) -> list[Any]:
    """``[func(c) for c in cells]``, computed once per distinct value when every cell is a str (CSV cells are;
    values of other types are not pooled, as ``1``, ``1.0`` and ``True`` are equal keys)."""
    if set(map(type, cells)) <= {str}:
        table = {c: func(c) for c in dict.fromkeys(cells)}
        return list(map(table.__getitem__, cells))
    return [func(c) for c in cells]


def _plain_number(cell: Any) -> float:
    """``float(cell)`` for a number or a numeric string, NaN for every cell :func:`parse_number` must see."""
    kind = type(cell)
    if kind is float or kind is int:  # not bool, which parse_number refuses
        return float(cell)
    if kind is str and cell:
        try:
            return float(cell)  # float() itself ignores surrounding white space and reads Unicode digits
        except ValueError:
            pass
    return math.nan


def _floats(cells: Sequence[Any], block: int = 4096) -> np.ndarray:
    """``_plain_number`` of every cell; a block of strings that all read as numbers (the usual CSV column)
    goes through ``float()`` at C speed, any other block cell by cell."""
    kinds = set(map(type, cells))
    if kinds <= {float, int}:  # a worksheet's numbers (not bool, which float() would take for 1)
        return np.array(cells, dtype=float)
    if kinds <= {float, int, str} and all(c == "" for c in cells if type(c) is str):  # numbers and empty cells
        return np.array([math.nan if c == "" else c for c in cells], dtype=float)
    if not kinds <= {str}:
        return np.fromiter(map(_plain_number, cells), dtype=float, count=len(cells))
    out = np.empty(len(cells))
    for k in range(0, len(cells), block):
        part = cells[k:k + block]
        try:
            out[k:k + len(part)] = list(map(float, part))
        except ValueError:  # a missing or bad cell in the block
            out[k:k + len(part)] = list(map(_plain_number, part))
    return out


def parse_numbers(cells: Sequence[Any], *, below_limit: bool = False) -> tuple[np.ndarray, dict[int, str]]:
    """Column-wise :func:`parse_number`: the values (NaN where missing) and {position: message} of the bad cells.

    A cell that ``float()`` reads as a non-negative number has that value under parse_number too (a missing
    marker, ``0.01L`` or ``<0.01`` is no float); NaNs (missing, bad, ``nan``) and negative numbers are
    decided by parse_number itself, and so are infinities (refused)."""
    values = _floats(cells)
    errors: dict[int, str] = {}
    for i in np.flatnonzero(~np.isfinite(values) | (values < 0)).tolist():
        cell = cells[i]
        if cell is None or cell == "":
            continue  # missing: already NaN
        try:
            v = parse_number(cell, below_limit=below_limit)
        except ValueError as exc:
            errors[i] = str(exc)
            continue
        values[i] = math.nan if v is None else v
    return values, errors


_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
_ISO_HOUR = re.compile(r"(\d{4})([-/])(\d{1,2})\2(\d{1,2})([ T])(\d{1,2}):00(?::00)?", re.ASCII)
_CN_HOUR = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日 ?(\d{1,2})(?:时|:00)", re.ASCII)


def _common_hour(s: str) -> int | None:
    """Hours since 1970 of a whole hour written as ``2024-01-01 08:00[:00]``, ``2024-01-01T08:00[:00]``,
    ``2024/1/1 8:00[:00]`` or ``2024年1月1日8时``; None for anything else (parse_hour decides). Each of these is
    one of parse_hour's formats, which reads it the same way; 24 o'clock and impossible dates go to it too."""
    m = _ISO_HOUR.fullmatch(s)
    if m:
        if m[2] == "/" and m[5] == "T":  # not a format of parse_hour
            return None
        year, month, day, hour = m[1], m[3], m[4], m[6]
    else:
        m = _CN_HOUR.fullmatch(s)
        if not m:
            return None
        year, month, day, hour = m.groups()
    if int(hour) > 23:
        return None
    try:
        return (dt.date(int(year), int(month), int(day)).toordinal() - _EPOCH_ORDINAL) * 24 + int(hour)
    except ValueError:
        return None


def _hour_or_message(cell: Any) -> int | str:
    if type(cell) is str:
        h = _common_hour(cell.strip())
        if h is not None:
            return h
    try:
        t = parse_hour(cell)
    except ValueError as exc:
        return str(exc)
    return (t.toordinal() - _EPOCH_ORDINAL) * 24 + t.hour


class HourColumn(NamedTuple):
    hours: np.ndarray  # int64 hours since 1970-01-01 00:00 (0 at a bad cell)
    errors: dict[int, str]  # position → parse_hour's message
    # False when a date-time cell carries microseconds; parse_hour rounds them to the second, so the hours
    # above hold whatever the cells say and a reader needs nothing more (kept as information)
    exact: bool


def parse_hours(cells: Sequence[Any]) -> HourColumn:
    """Column-wise :func:`parse_hour`, each distinct time string parsed once; a column of workbook date-times
    (and dates, their midnight) converted by numpy with parse_hour's rounding to the second."""
    kinds = set(map(type, cells))
    if cells and kinds <= {dt.datetime, dt.date} and not any(getattr(c, "tzinfo", None) for c in cells):
        return _hours_of_datetimes(cells)
    parsed = memo_map(_hour_or_message, cells)
    errors = {i: p for i, p in enumerate(parsed) if type(p) is str} if str in set(map(type, parsed)) else {}
    for i in errors:
        parsed[i] = 0
    exact = set(map(type, cells)) <= {str, type(None)} or not any(
        isinstance(c, dt.datetime) and c.microsecond for c in cells)
    return HourColumn(np.array(parsed, dtype=np.int64), errors, exact)


def _hours_of_datetimes(cells: Sequence[dt.date]) -> HourColumn:
    """:func:`parse_hours` of naive date-time (or date) cells: seconds since 1970 to the nearest second, half
    up (as parse_hour: ``replace(microsecond=0)`` plus one second from 500,000 µs); whole hours kept, the
    others left to parse_hour for its message."""
    sec = np.fromiter(map(_seconds, cells), dtype=np.int64, count=len(cells))
    hours = sec // 3600
    errors = {}
    for i in np.flatnonzero(sec % 3600).tolist():
        errors[i] = _hour_or_message(cells[i])
        hours[i] = 0
    exact = not any(isinstance(c, dt.datetime) and c.microsecond for c in cells)
    return HourColumn(hours, errors, exact)


def _seconds(c: dt.date) -> int:
    days = (c.toordinal() - _EPOCH_ORDINAL) * 86400
    if type(c) is dt.datetime:
        return days + c.hour * 3600 + c.minute * 60 + c.second + (c.microsecond >= 500_000)
    return days
