"""Column-wise reading of CSV air data with Polars, for national-scale files (millions of rows).

The file is parsed by Polars in blocks of whole lines (memory stays bounded by a block and the arrays
read so far), every cell as text. Each column is then turned into numbers by the very functions the plain
reader uses, applied once per *distinct* cell (stations, times, pollutants, units: a few thousand distinct
values in millions of rows) or, for concentrations, by Polars' number parsing where it reads the cell as a
finite non-negative decimal (which ``float()``, and so the plain reader, reads to the same double) and by
:func:`~taizhang.monitoring.table.parse_number` for every other cell.

It returns exactly what :func:`taizhang.monitoring.air.read_air` returns. Whatever it does not handle —
any problem to report (the plain reader's messages name every line), a duplicate record, a quoted field
that might hold a line break, an encoding other than UTF-8 / GB18030 — raises :class:`Fallback`, and the
plain reader reads the file.
"""

from __future__ import annotations

import codecs
import csv
import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from taizhang.errors import DataError
from taizhang.monitoring.table import _hour_or_message, aliases, lookup, norm, parse_number

BLOCK_BYTES = 32 << 20
# Below this size a file is left to the plain reader: Polars' start-up and the per-block work cost more than
# they save on small files (measured: equal at about 1 MiB).
MIN_BYTES = 1 << 20


class Fallback(Exception):
    """The file needs the plain reader (a problem to report with its line, or a form this reader leaves)."""


def _blocks(path: Path) -> Iterator[bytes]:
    """The file in UTF-8 blocks of whole lines. GB18030 is converted (a line feed is never part of one of
    its multi-byte characters); a block that is neither, or one with an odd number of quote characters (a
    quoted field might run across the block's end), raises :class:`Fallback`."""
    encoding = None
    with open(path, "rb") as f:
        carry = b""
        while True:
            chunk = f.read(BLOCK_BYTES)
            if not chunk:
                if carry:
                    yield _utf8(carry, encoding)
                return
            cut = chunk.rfind(b"\n") + 1
            if cut == 0:
                carry += chunk
                continue
            # one copy of the chunk (slicing and concatenating bytes would make two)
            block = b"".join((carry, memoryview(chunk)[:cut])) if carry or cut < len(chunk) else chunk
            carry = chunk[cut:]
            if encoding is None:
                encoding = _encoding(block)
            yield _utf8(block, encoding)


def _encoding(block: bytes) -> str:
    """UTF-8 or GB18030, by the file's first MiB (Polars checks that every block is UTF-8)."""
    head = block[: 1 << 20]
    for enc in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(enc)().decode(head, final=len(head) == len(block))
            return enc
        except UnicodeDecodeError:
            continue
    raise Fallback("encoding")


def _utf8(block: bytes, encoding: str | None) -> bytes:
    if b'"' in block and block.count(b'"') % 2:
        raise Fallback("a quoted field across blocks")
    if encoding == "gb18030":
        try:
            return block.decode("gb18030").encode("utf-8")
        except UnicodeDecodeError:
            raise Fallback("encoding") from None
    return block


def _header(block: bytes):
    """The header of a file from its first block, found as the plain reader finds it (the first row with a
    non-blank cell, by the csv module): (its 0-based record, its cells, the byte offset where the data rows
    begin). The lines up to it must hold no quote (so that records and lines coincide)."""
    end = -1
    for h in range(50):
        start, end = end + 1, block.find(b"\n", end + 1)
        if end < 0:
            break
        line = block[start:end]
        if b'"' in line:
            break
        try:
            cells = next(csv.reader([line.decode("utf-8").rstrip("\r")]), [])
        except UnicodeDecodeError:
            break
        if "".join(cells).strip():
            return h, cells, end + 1
    raise Fallback("header")


def _frame(block: bytes, width: int, numeric: set[int]):
    """The rows of a block: the ``numeric`` columns parsed as numbers by Polars if every cell of theirs is
    empty or a decimal number (the common case; ``typed`` True), else every column as text."""
    import polars as pl

    names = [f"c{j}" for j in range(width)]
    if numeric:
        try:
            df = pl.read_csv(block, has_header=False, truncate_ragged_lines=True,
                             schema={n: pl.Float64 if j in numeric else pl.String for j, n in enumerate(names)})
            return df, True
        except Exception:  # a missing-value marker, a bad cell: the text reading below sorts it out
            pass
    try:
        return pl.read_csv(block, has_header=False, truncate_ragged_lines=True,
                           schema=dict.fromkeys(names, pl.String)), False
    except Exception:
        raise Fallback("unparsed") from None


class _Codes:
    """Codes of the distinct values of a text column across blocks, assigned in order of first appearance
    of the value each distinct cell stands for (``value_of(cell)``, computed once per distinct cell of the
    whole file: the code of a cell is kept across blocks)."""

    def __init__(self, value_of):
        self.value_of = value_of
        self.values: list = []
        self.index: dict = {}
        self.cell_code: dict = {}

    def _code(self, cell) -> int:
        k = self.cell_code.get(cell)
        if k is None:
            v = self.value_of(cell)
            k = self.index.get(v)
            if k is None:
                k = self.index[v] = len(self.values)
                self.values.append(v)
            self.cell_code[cell] = k
        return k

    def encode(self, col) -> np.ndarray:
        """The int32 codes of a column. A column in long runs of one cell (the station of a file sorted by
        station, the pollutant and unit of a long file) is coded by the first cell of each run."""
        import polars as pl

        if col.null_count():
            col = col.fill_null("")  # an empty cell, as the plain reader sees it
        n = len(col)
        head = col.head(1024)
        if n > 1 and head.slice(1).ne(head.slice(0, len(head) - 1)).sum() < len(head) // 8:  # runs at the start
            heads = np.flatnonzero(col.slice(1).ne(col.slice(0, n - 1)).to_numpy()) + 1
            if len(heads) < n // 8:  # long runs: code the first cell of each run, repeat it over the run
                starts = np.concatenate(([0], heads))
                runs = col.gather(starts)
                codes = self._encode(runs, pl)
                return np.repeat(codes, np.diff(np.append(starts, n)))
        return self._encode(col, pl)

    def _encode(self, col, pl) -> np.ndarray:
        """Codes by one hashing of the cells: the column as a Categorical, its distinct cells (in order of first
        appearance) coded by :meth:`_code`, every row's category mapped by a table."""
        cat = col.cast(pl.Categorical)
        distinct = cat.unique(maintain_order=True)
        codes = np.fromiter(map(self._code, distinct.cast(pl.String).to_list()), dtype=np.int32, count=len(distinct))
        if len(codes) == 1:
            return np.full(len(col), codes[0], dtype=np.int32)
        cat_ids = distinct.to_physical().to_numpy().astype(np.int64)
        lo, hi = int(cat_ids.min()), int(cat_ids.max())
        if hi - lo > 4 * len(col) + 1024:  # categories spread far apart (the process saw many strings)
            cells = distinct.cast(pl.String)
            return col.replace_strict(cells, pl.Series(codes), return_dtype=pl.Int32).to_numpy()
        table = np.zeros(hi - lo + 1, dtype=np.int32)
        table[cat_ids - lo] = codes
        ids = cat.to_physical().to_numpy()
        return table[ids - lo] if lo else table[ids]


def _station(cell) -> str:
    name = "" if cell is None else cell.strip()
    if not name:
        raise Fallback("empty station")
    return name


def _hour(cell) -> int:
    h = _hour_or_message(cell)
    if type(h) is str:
        raise Fallback("time")
    return h


def _numbers(col) -> np.ndarray:
    """The concentrations of a text column (NaN where missing), exactly as :func:`table.parse_numbers`."""
    import polars as pl

    v = col.cast(pl.Float64, strict=False)
    arr = v.to_numpy(writable=True)
    with np.errstate(invalid="ignore"):
        odd = ~np.isfinite(arr) | (arr < 0)
    odd &= col.is_not_null().to_numpy()
    if odd.any():
        idx = np.flatnonzero(odd)
        cells = col.gather(idx).to_list()
        memo: dict[str, float] = {}
        for i, cell in zip(idx.tolist(), cells, strict=True):
            if cell not in memo:
                try:
                    x = parse_number(cell)
                except ValueError:
                    raise Fallback("number") from None
                memo[cell] = math.nan if x is None else x
            arr[i] = memo[cell]
    return arr


def _typed_numbers(col) -> np.ndarray:
    """A column Polars parsed as numbers (null where empty): as :func:`_numbers`, for a column where every cell
    is empty or a decimal number, which ``float()`` reads to the same double. An infinite or negative value
    is a problem: the plain reader reports it."""
    arr = col.to_numpy()
    with np.errstate(invalid="ignore"):
        if np.isinf(arr).any() or (arr < 0).any():
            raise Fallback("number")
    return arr


def _no_duplicates(key: np.ndarray) -> None:
    """Fallback when a key occurs twice (the plain reader names both lines)."""
    if not len(key) or (key[1:] > key[:-1]).all():  # strictly increasing (a sorted file): no repeat
        return
    lo, hi = int(key.min()), int(key.max())
    if hi - lo < 4 * len(key) + 1024:  # a dense range: count per key in one pass
        seen = np.zeros(hi - lo + 1, dtype=bool)
        seen[key - lo] = True
        if np.count_nonzero(seen) < len(key):  # fewer distinct keys than keys
            raise Fallback("duplicate")
    elif len(np.unique(key)) < len(key):
        raise Fallback("duplicate")


def read_air_csv(path: str | Path):
    """:func:`taizhang.monitoring.air.read_air` of a CSV file, or :class:`Fallback`."""
    from taizhang.monitoring.air import AirData, layout, long_records, unit_factor

    p = Path(path)
    if p.stat().st_size < MIN_BYTES:
        raise Fallback("small")
    stations, times = _Codes(_station), _Codes(_hour)
    pols = lookup(aliases()["pollutants"])
    units, pol_codes = _Codes(lambda c: c), _Codes(lambda c: _pollutant(pols, c))
    lay = None
    parts: dict[str, list[np.ndarray]] = {}
    for block in _blocks(p):
        if lay is None:
            if block.startswith(b"\xef\xbb\xbf"):
                block = block[3:]
            h, header, start = _header(block)
            width = len(header)
            try:
                lay = layout(path, h + 1, header)
            except DataError:
                raise Fallback("header") from None
            if not lay.long and len({pol for pol, _ in lay.wide_cols.values()}) < len(lay.wide_cols):
                raise Fallback("two columns of one pollutant")
            numeric = {lay.role["value"]} if lay.long else set(lay.wide_cols)
            block = block[start:]
        df, typed = _frame(block, width, numeric)
        df = _without_blank_rows(df, lay.role["station"])
        if not df.height:
            continue
        cols = df.columns
        numbers = _typed_numbers if typed else _numbers
        parts.setdefault("station", []).append(stations.encode(df[cols[lay.role["station"]]]))
        parts.setdefault("hour", []).append(times.encode(df[cols[lay.role["time"]]]))
        if lay.long:
            parts.setdefault("pol", []).append(pol_codes.encode(df[cols[lay.role["pollutant"]]]))
            if "unit" in lay.role:
                parts.setdefault("unit", []).append(units.encode(df[cols[lay.role["unit"]]]))
            parts.setdefault("value", []).append(numbers(df[cols[lay.role["value"]]]))
        else:
            for j, (pol, factor) in lay.wide_cols.items():
                v = numbers(df[cols[j]])
                if factor != 1.0:
                    v = v * factor
                parts.setdefault(pol, []).append(v)
    if lay is None or "station" not in parts:
        raise Fallback("no data")
    station_idx = np.concatenate(parts.pop("station"))  # int32 codes
    hour_code = np.concatenate(parts.pop("hour"))  # int32 codes into times.values
    hour_of = np.asarray(times.values, dtype=np.int64)
    n_st = len(stations.values)
    if not lay.long:
        station_idx = station_idx.astype(np.int64)
        hours = hour_of[hour_code]
        _no_duplicates(station_idx * (int(hours.max()) - int(hours.min()) + 1) + (hours - hours.min()))
        values = {pol: np.concatenate(v) for pol, v in parts.items()}
        return AirData(str(path), "wide", list(stations.values), hours.astype("datetime64[h]"), station_idx,
                       values, list(lay.warnings))
    pol_idx = np.concatenate(parts.pop("pol"))
    values = np.concatenate(parts.pop("value"))
    unit_idx = np.concatenate(parts.pop("unit")) if "unit" in parts else np.zeros(len(values), dtype=np.int32)
    unit_names = units.values or [None]
    for a, pol in enumerate(pol_codes.values):
        for b, unit in enumerate(unit_names):
            try:
                factor = unit_factor(pol, None if unit is None else str(unit))
            except ValueError:
                if ((pol_idx == a) & (unit_idx == b)).any():
                    raise Fallback("unit") from None
                continue
            if factor != 1.0:  # only the rows that need it are scaled (a factor of 1 leaves a value as it is)
                rows = (pol_idx == a) & (unit_idx == b)
                values[rows] *= factor
    del unit_idx
    # Hours relative to the earliest one: the same order and equality of keys as absolute hours, smaller numbers.
    rel = hour_of - hour_of.min()
    station_hour = rel[hour_code]  # computed in place: each temporary array of this length is 8 bytes a row
    station_hour *= n_st
    station_hour += station_idx
    key = station_hour * len(pol_codes.values)
    key += pol_idx
    _no_duplicates(key)
    del key
    # long_records gives the hour of each record as it is given the hours: give it the hour codes, map them after.
    t, s, columns = long_records(station_hour, hour_code, station_idx, pol_idx, values, pol_codes.values)
    t = hour_of[t.astype(np.int64)].astype("datetime64[h]")
    return AirData(str(path), "long", list(stations.values), t, s.astype(np.int64), columns, [])


def _pollutant(pols: dict, cell) -> str:
    pol = pols.get(norm(cell))
    if pol is None:
        raise Fallback("pollutant")
    return pol


def _without_blank_rows(df, station_col: int):
    """The frame without the rows whose every cell is empty (the plain reader skips them too); a row with no
    station but some other cell is a problem, and a station of blanks is one too (:func:`_station`): both
    are left to the plain reader."""
    st = df[df.columns[station_col]]
    blank = st.is_null() | (st == "")  # empty, unquoted or quoted
    if not blank.any():
        return df
    rows = df.filter(blank).rows()
    if any(c is not None and (type(c) is not str or c.strip()) for r in rows for c in r):
        raise Fallback("a row without station")
    return df.filter(~blank)
