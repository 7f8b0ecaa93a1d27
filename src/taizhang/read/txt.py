"""Plain-text reader: encoding detected from the bytes, newlines normalised, flattened tables recognised.

Flattened tables (as word processors export them to text): a row is a block of lines, each cell on its
own line starting with a tab; rows are separated by a blank line; a cell of several paragraphs continues
on following lines without a tab (possibly after single blank lines). Two blank lines end a table.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from taizhang.document import Cell, Paragraph, Table
from taizhang.errors import ReadError
from taizhang.read.common import is_page_number, nfc, stripped_span

# Control characters that never occur in a text document (tab, LF, CR, FF, ESC-free).
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f\ufffd]")
# Characters expected in Chinese plan documents; a GB18030 decode of binary data yields few of these.
_COMMON = (r"\t\n\r\x20-\x7e\u00a0-\u024f\u2000-\u206f\u2160-\u2188\u2460-\u24ff\u2500-\u257f"
           r"\u25a0-\u25ff\u3000-\u303f\u4e00-\u9fff\uff00-\uffef")
_UNCOMMON_RE = re.compile(f"[^{_COMMON}]")
_CELL_CONT_MAX = 20  # a trailing continuation of the last cell before a table ends is short


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Return (text, encoding). Raises ReadError for empty, binary or undecodable data, or a text over the
    length bound (checked on the bytes first: no encoding takes more than 4 bytes a character)."""
    from taizhang.read import check_text_length

    check_text_length(len(data) // 4, name)
    if not data.strip():
        raise ReadError("文件为空，没有任何文字内容", path=name)
    text, encoding = _decode(data, name)
    check_text_length(len(text), name)
    return text, encoding


def _decode(data: bytes, name: str) -> tuple[str, str]:
    if data.startswith(codecs.BOM_UTF8):
        return _check_controls(_strict(data[3:], "utf-8", name), name), "utf-8-sig"
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return _check_controls(_strict(data, "utf-16", name), name), "utf-16"
    if b"\x00" in data:
        # UTF-16 without BOM: every other byte is NUL for mostly-ASCII text; CJK text has few NULs.
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if not _more_than(_UNCOMMON_RE, text, 0.05 * len(text)) and not _CONTROL_RE.search(text):
                return text, enc
        raise ReadError("不是文本文件（含有二进制数据），无法作为 .txt 读取", path=name)
    try:
        return _check_controls(data.decode("utf-8"), name), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_at = exc.start
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ReadError(
            f"无法识别文字编码（既不是 UTF-8，也不是 GB18030/GBK：按 UTF-8 第 {utf8_at} 字节处、"
            f"按 GB18030 第 {exc.start} 字节处无法解码）", path=name
        ) from None
    _check_controls(text, name)
    if _more_than(_UNCOMMON_RE, text, 0.1 * len(text)):
        raise ReadError("不是文本文件（内容无法识别为中文或英文文字，可能是二进制文件）", path=name)
    return text, "gb18030"


def _strict(data: bytes, enc: str, name: str) -> str:
    try:
        return data.decode(enc)
    except UnicodeDecodeError as exc:
        raise ReadError(f"文件声明为 {enc.upper()} 编码，但第 {exc.start} 字节处无法解码", path=name) from None


def _more_than(regex: re.Pattern, text: str, limit: float) -> bool:
    """Does ``regex`` match more than ``limit`` times? Stops counting there (no list of every match)."""
    count = 0
    for _ in regex.finditer(text):
        count += 1
        if count > limit:
            return True
    return False


def _check_controls(text: str, name: str) -> str:
    limit = max(2, len(text) // 1000)
    if _more_than(_CONTROL_RE, text, limit):
        raise ReadError(f"不是文本文件（含有超过 {limit} 个控制字符，可能是二进制文件）", path=name)
    return text


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_text(text: str) -> list:
    """Blocks of a plain text: one Paragraph per non-blank line (page-number lines such as "— 38 —" get no
    block; the text keeps them), Tables for flattened tables."""
    lines = text.split("\n")
    starts = []
    pos = 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    blocks: list = []
    n = len(lines)
    i = 0
    while i < n:
        line = lines[i]
        wraps: dict[tuple[int, int], list[tuple[int, int]]] = {}
        rows = _inline_rows(lines, starts, i, wraps)
        if rows:
            consumed = len(rows)  # before _inline_table drops trailing rows of no cells (a last wrapped line)
            blocks.append(_inline_table(text, rows, wraps))
            i += consumed
            continue
        if line.startswith("\t"):
            rows, j = _scan_table(lines, i)
            if _looks_like_table(rows):
                blocks.append(_make_table(text, lines, starts, rows, i, j))
            else:
                for k in range(i, j):
                    _add_paragraph(blocks, text, starts[k], len(lines[k]))
            i = j
            continue
        _add_paragraph(blocks, text, starts[i], len(line))
        i += 1
    return blocks


# cells of a table written one row a line: " | " (or "|"), tabs inside the line, or runs of three blanks
_CELL_SEP = re.compile(r"[ \u3000]*[|｜][ \u3000]*|[ \u3000]*\t[ \u3000]*| {2,}|\u3000{2,}")
_PIPES = re.compile(r"[|｜]")
_RULE_ROW = re.compile(r"^[\s|｜:：\-—–=+]+$")  # a markdown rule row |---|---|


def _row_cells(line: str, base: int) -> list[tuple[int, int]] | None:
    """The cells of one line of a table written one row a line (at least three), as spans; None otherwise."""
    body = line.strip()
    if not body or line.startswith("\t") or _RULE_ROW.match(line):
        return None
    lead = len(line) - len(line.lstrip())
    seg = line[lead:len(line.rstrip())]
    if seg[:1] in "|｜":
        seg, lead = seg[1:], lead + 1
    if seg[-1:] in "|｜":
        seg = seg[:-1]
    cells: list[tuple[int, int]] = []
    pos = 0
    # one kind of separator a line: pipes where there are pipes, else tabs (each tab a cell boundary, an empty
    # cell between two), else runs of blanks
    sep = _PIPES if _PIPES.search(seg) else (re.compile(r"[ \u3000]*\t[ \u3000]*") if "\t" in seg else _CELL_SEP)
    for m in sep.finditer(seg):
        cells.append((pos, m.start()))
        pos = m.end()
    cells.append((pos, len(seg)))
    cells = [(a + (len(seg[a:b]) - len(seg[a:b].lstrip(" \u3000"))), b - (len(seg[a:b]) - len(seg[a:b].rstrip(" \u3000"))))
             if seg[a:b].strip() else (a, a) for a, b in cells]
    if len(cells) < 3:
        return None
    return [(base + lead + a, base + lead + b) for a, b in cells]


def _width(s: str) -> int:
    """Display width of a text as a monospaced editor aligns it (a CJK character is two columns)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _wrapped(line: str, base: int, first_line: str, first: list[tuple[int, int]], first_base: int
             ) -> list[tuple[int, tuple[int, int]]]:
    """The pieces of a line of wrapped cell text under a row (its cells' second lines), each with the column it
    stands under (by display position against the first row's cells)."""
    cols = [_width(first_line[:a - first_base]) for a, _b in first]
    out = []
    for m in re.finditer(r"\S+(?:[ \u3000]\S+)*", line):
        x = _width(line[:m.start()])
        j = max((k for k, c in enumerate(cols) if c <= x + 2), default=0)
        out.append((j, (base + m.start(), base + m.end())))
    return out


def _closed_by_pipe(line: str) -> bool:
    return line.rstrip().endswith(("|", "｜"))


def _pipe_pieces(line: str, base: int) -> list[tuple[int, int]]:
    """The pieces of a line between its pipes (a closing pipe leaves no piece after it), blanks stripped."""
    out, pos = [], 0
    for m in _PIPES.finditer(line):
        out.append((pos, m.start()))
        pos = m.end()
    if line[pos:].strip():
        out.append((pos, len(line)))
    res = []
    for a, b in out:
        seg = line[a:b]
        if seg.strip():
            a, b = a + len(seg) - len(seg.lstrip()), b - (len(seg) - len(seg.rstrip()))
        res.append((base + a, base + (b if seg.strip() else a)))
    return res


def _pipe_row(lines: list[str], starts: list[int], j: int, width: int
              ) -> tuple[list[tuple[int, int]], list[tuple[int, tuple[int, int]]], int] | None:
    """A row of a table whose lines close with a pipe (… | 完成期限 |), from line j: a cell holding a line break
    runs the row over the next lines (…| 市国土资源局 / 市农牧林业局 | 2010年9月20日前 |) until a line closes
    with a pipe; merged cells may leave the row shorter than the header. (cells, pieces continuing the cell
    before the break, lines used) or None."""
    if not _PIPES.search(lines[j]):
        return None
    cells = _pipe_pieces(lines[j], starts[j])
    if lines[j].lstrip()[:1] in ("|", "｜") and cells and cells[0][0] == cells[0][1]:
        cells = cells[1:]  # | a | b |: the opening pipe leaves no cell before it
    more: list[tuple[int, tuple[int, int]]] = []  # (column, span)
    k = j
    while not _closed_by_pipe(lines[k]):
        k += 1
        if k >= len(lines) or k - j > 3 or not lines[k].strip() or not _PIPES.search(lines[k]):
            return None
        pieces = _pipe_pieces(lines[k], starts[k])
        if pieces and pieces[0][1] > pieces[0][0]:
            more.append((len(cells) - 1, pieces[0]))  # the text after the break continues the cell before it
        cells += pieces[1:]
    if not 2 <= len(cells) <= width:
        return None
    return cells, more, k - j + 1


def _inline_rows(lines: list[str], starts: list[int], i: int,
                 wraps: dict[tuple[int, int], list[tuple[int, int]]] | None = None) -> list[list[tuple[int, int]]]:
    """Rows of a table written one row a line from line i: two or more lines of the same number of cells.
    ``wraps`` receives the wrapped text of cells ((row, column) → spans of its later lines)."""
    first = _row_cells(lines[i], starts[i])
    if first is None:
        return []
    rows = [first]
    closed = _closed_by_pipe(lines[i])  # | 序号 | 任务 | … | 完成期限 |: every row closes with a pipe
    j = i + 1
    while j < len(lines):
        if _RULE_ROW.match(lines[j]) and lines[j].strip():
            rows.append([])  # kept as a row of no cells so that line counting stays right
            j += 1
            continue
        line = lines[j]
        r = _row_cells(line, starts[j])
        if r is not None and len(r) == len(first):
            rows.append(r)
            j += 1
            continue
        pr = _pipe_row(lines, starts, j, len(first)) if closed else None
        if pr is not None:
            cells, more, used = pr
            if wraps is not None:
                idx = sum(1 for x in rows if x)  # the row's index among the rows that have cells
                for col, span in more:
                    wraps.setdefault((idx, col), []).append(span)
            rows.append(cells)
            rows += [[] for _ in range(used - 1)]  # the lines the row ran over
            j += used
            continue
        nxt = _row_cells(lines[j + 1], starts[j + 1]) if j + 1 < len(lines) else None
        next_is_row = nxt is not None and len(nxt) == len(first)
        body = line.strip()
        if not body and next_is_row:
            rows.append([])  # a blank line between two rows
        elif body and line[:1] in " \u3000" and not line.startswith("\t") and (r is None or len(r) < len(first)) \
                and len(rows) > 1 and len(re.sub(r"\s+", "", body)) <= 40:
            rows.append([])  # wrapped cell text under its row, indented: its pieces continue the cells above
            if wraps is not None:
                above = sum(1 for r in rows[:-1] if r) - 1
                for col, span in _wrapped(line, starts[j], lines[i], first, starts[i]):
                    wraps.setdefault((above, col), []).append(span)
        elif body and next_is_row and len(body) <= 24 and "。" not in body and "\t" not in line:
            a = starts[j] + len(line) - len(line.lstrip())
            rows.append([(a, a + len(body))])  # a section heading between the rows (一、水源地规范化建设)
        else:
            break
        j += 1
    return rows if sum(1 for r in rows if r) >= 2 else []


def _inline_table(text: str, rows: list[list[tuple[int, int]]],
                  wraps: dict[tuple[int, int], list[tuple[int, int]]] | None = None) -> Table:
    while rows and not rows[-1]:
        rows.pop()
    wraps = wraps or {}
    out: list[list[Cell]] = []
    for cells in rows:
        if not cells:
            continue
        r = len(out)
        out.append([Cell(r, c, *stripped_span(text, a, b), more=tuple(wraps.get((r, c), ())))
                    for c, (a, b) in enumerate(cells)])
    last_wrap = max((z for spans in wraps.values() for _a, z in spans), default=0)
    first = rows[0][0][0]
    last = max(rows[-1][-1][1], last_wrap)
    return Table(text.rfind("\n", 0, first) + 1, last, out)


def _add_paragraph(blocks: list, text: str, start: int, length: int) -> None:
    s, e = stripped_span(text, start, start + length)
    if e > s and not is_page_number(text[s:e]):  # a printed page number ("— 38 —") is not content
        blocks.append(Paragraph(s, e))


def _is_blank(line: str) -> bool:
    return not line.startswith("\t") and not line.strip()


def _scan_table(lines: list[str], i: int) -> tuple[list[list[list[int]]], int]:
    """Rows of cells ([first_line, last_line]) from line i; returns (rows, index after the table)."""
    n = len(lines)
    rows: list[list[list[int]]] = []
    row: list[list[int]] | None = None
    cell: list[int] | None = None
    k = i
    end = i
    while k < n:
        if lines[k].startswith("\t"):
            if row is None:
                row = []
                rows.append(row)
            cell = [k, k]
            row.append(cell)
            end = k + 1
            k += 1
            continue
        b = k
        while b < n and _is_blank(lines[b]):
            b += 1
        blanks = b - k
        if b >= n or blanks >= 2:
            break
        if lines[b].startswith("\t"):  # exactly one blank line: next row
            row = None
            k = b
            continue
        # Non-tab content after at most one blank line: continuation of the current cell?
        last = b
        reached_tab = False
        while True:
            q = last + 1
            while q < n and _is_blank(lines[q]):
                q += 1
            if q >= n or q - last - 1 >= 2:
                break
            if lines[q].startswith("\t"):
                reached_tab = True
                break
            last = q
        content = [ln.strip() for ln in lines[b:last + 1] if ln.strip()]
        if not reached_tab and not (
            len(content) <= 3 and all(len(c) <= _CELL_CONT_MAX and "。" not in c for c in content)
        ):
            break
        assert cell is not None
        cell[1] = last
        end = last + 1
        k = last + 1
        if not reached_tab:
            break
    return rows, end


def _looks_like_table(rows: list[list[list[int]]]) -> bool:
    # A tab-indented prose text gives one-cell rows (blank-separated) or a single row; a table has at least
    # two rows of several cells.
    return sum(1 for r in rows if len(r) >= 2) >= 2


def _make_table(text: str, lines: list[str], starts: list[int], rows, i: int, j: int) -> Table:
    out: list[list[Cell]] = []
    for r, row in enumerate(rows):
        cells = []
        for c, (first, last) in enumerate(row):
            s, e = stripped_span(text, starts[first] + 1, starts[last] + len(lines[last]))
            cells.append(Cell(r, c, s, e))
        out.append(cells)
    return Table(starts[i], starts[j - 1] + len(lines[j - 1]), out)


def read_txt(data: bytes, name: str):
    from taizhang.document import SourceDocument

    raw, encoding = decode_text(data, name)
    text = nfc(normalise_newlines(raw))
    return SourceDocument(name=name, sha256="", text=text, blocks=parse_text(text), format="txt", encoding=encoding)
