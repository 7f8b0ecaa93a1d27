"""Reading CSV / .xlsx into rows with their line numbers, and name normalisation shared by importers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from taizhang.errors import DataError

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


def read_rows(path: str | Path) -> list[tuple[int, list[Any]]]:
    """Non-empty rows of the first sheet (xlsx) or the file (csv), each with its 1-based line number."""
    p = Path(path)
    if not p.exists():
        raise DataError("文件不存在", path=str(p))
    suffix = p.suffix.lower()
    if suffix == ".xlsx":
        import openpyxl

        try:
            wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
        except Exception as exc:  # corrupt or not a workbook
            raise DataError(f"无法读取Excel文件（{type(exc).__name__}）", path=str(p)) from None
        ws = wb.worksheets[0]
        rows = [(i, list(r)) for i, r in enumerate(ws.iter_rows(values_only=True), start=1)]
        wb.close()
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
        rows = [(i, r) for i, r in enumerate(csv.reader(io.StringIO(text)), start=1)]
    else:
        raise DataError(f"不支持的文件类型“{p.suffix}”（应为.csv或.xlsx）", path=str(p))
    rows = [(i, r) for i, r in rows if any(c not in (None, "") and str(c).strip() for c in r)]
    if not rows:
        raise DataError("文件为空", path=str(p))
    return rows


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
        t = cell
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
    if v < 0:
        raise ValueError(f"浓度为负数（{v:g}）")
    return v
