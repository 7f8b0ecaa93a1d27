"""Shared pieces of the readers: the text builder that keeps offsets, and page-number detection.

Text conventions (what every reader produces, see ``taizhang.document``):

* the text is a sequence of lines; a :class:`Paragraph` is one line, its span excludes leading and
  trailing whitespace (so ``text[p.start:p.end]`` starts with the numbering, if any);
* a table is rendered as the .txt seeds show flattened tables: each row is a block of lines, each cell
  starts a line with a tab (a cell of several paragraphs continues on the following lines), rows are
  separated by a blank line, and the table is surrounded by blank lines. A cell's span covers its text
  without the leading tab and without surrounding whitespace.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from taizhang.document import Cell, Paragraph, Table

# "— 38 —", "- 3 -", "－ 12 －", "·3·", "第 3 页", "第3页 共10页", "3 / 10"
PAGE_NUMBER_RE = re.compile(
    r"^\s*(?:[—\-－–─―‒·•]+\s*\d{1,4}\s*[—\-－–─―‒·•]+"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4})\s*$"
)

_WS = " \t\u3000\u00a0\r\f\v"


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def is_page_number(line: str) -> bool:
    return bool(PAGE_NUMBER_RE.match(line))


def stripped_span(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` narrowed to exclude surrounding whitespace (empty → ``(start, start)``)."""
    seg = text[start:end]
    left = len(seg) - len(seg.lstrip(_WS + "\n"))
    if left == len(seg):
        return start, start
    right = len(seg.rstrip(_WS + "\n"))
    return start + left, start + right


@dataclass
class CellContent:
    """A table cell as a reader found it: its text lines, and merge information."""

    lines: list[str] = field(default_factory=list)
    merged_from: tuple[int, int] | None = None  # (row, col) of the origin for covered cells
    row_span: int = 1
    col_span: int = 1
    vertical: bool = False  # covered by a vertical merge (rendered as an empty cell line)


class TextBuilder:
    """Accumulates lines of text and the blocks pointing into them (offsets stay exact)."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._len = 0
        self.blocks: list = []
        self._last_blank = True  # at the start no blank line is needed before a table

    def _append(self, s: str) -> None:
        self._parts.append(s)
        self._len += len(s)

    def add_paragraph(self, line: str, style: str | None = None, numbering: str | None = None) -> None:
        line = nfc(line).replace("\n", " ").replace("\t", " ")
        if not line.strip(_WS):
            return
        base = self._len
        self._append(line + "\n")
        s, e = stripped_span(line, 0, len(line))
        self.blocks.append(Paragraph(base + s, base + e, style=style, numbering=numbering))
        self._last_blank = False

    def add_table(self, rows: list[list[CellContent]]) -> None:
        """Render a table; ``rows`` is a grid (every row the same length) with merge info filled in."""
        if not rows:
            return
        if not self._last_blank:
            self._append("\n")
        tstart = self._len
        spans: dict[tuple[int, int], tuple[int, int]] = {}
        out_rows: list[list[Cell]] = []
        for r, row in enumerate(rows):
            if r:
                self._append("\n")
            for c, cell in enumerate(row):
                if cell.merged_from is not None:
                    if cell.vertical and cell.merged_from[1] == c:
                        self._append("\t\n")  # placeholder keeps the column count, as the seeds show
                    continue
                lines = [nfc(x).replace("\t", " ") for x in cell.lines] or [""]
                body = "\n".join(lines)
                base = self._len + 1
                self._append("\t" + body + "\n")
                spans[(r, c)] = stripped_span(body, 0, len(body))
                spans[(r, c)] = (base + spans[(r, c)][0], base + spans[(r, c)][1])
        tend = self._len - 1  # without the final line break
        for r, row in enumerate(rows):
            cells = []
            for c, cell in enumerate(row):
                origin = cell.merged_from or (r, c)
                s, e = spans.get(origin, (tend, tend))
                cells.append(
                    Cell(r, c, s, e, merged_from=cell.merged_from, row_span=cell.row_span, col_span=cell.col_span)
                )
            out_rows.append(cells)
        self.blocks.append(Table(tstart, tend, out_rows))
        self._append("\n")
        self._last_blank = True

    @property
    def length(self) -> int:
        """Characters of text so far."""
        return self._len

    def text(self) -> str:
        return "".join(self._parts)
