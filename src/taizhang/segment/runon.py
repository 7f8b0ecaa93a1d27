"""Tables flattened into running text: a PDF's table copied out as text, its cells apart by single blanks.

    附件 某县职责清单 工作任务和内容 责任单位 配合单位 完成时间 负责…宣传报道. 县委宣传部 持续开展 负责…方案.
    县住建局 7月底前制定 方案 负责道路运输扬尘治理. 县交通 运输局 12月底前完成 …

A header is a run of at least three column labels (``data/tables.yaml``: a task column, a lead column, and support,
deadline … columns) inside a line. The cells after it are read row by row in the header's order: the task runs to
a word closing a sentence (。 . ；); a unit column takes the words that name units (a name broken by a blank,
县交通 运输局, is joined), or nothing when the row leaves it empty; a time column takes a schedule (7月底前,
持续开展) and the short words after it; a number column a number. The table ends where a row cannot be read.
What comes out is an ordinary :class:`~taizhang.document.Table` (empty cells for the columns a row leaves out),
so the extractor reads it as any other table.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from taizhang.document import Cell, Paragraph, SourceDocument, Table
from taizhang.text.basics import load_yaml

_WORD = re.compile(r"\S+")
_SENTENCE_END = tuple("。.；;！？!?")
_SCHEDULE = re.compile(r"(?:[0-9０-９一二三四五六七八九十]{1,2}月|年底|年内|上半年|下半年|季度|前|持续|长期|立行立改|"
                       r"常态|每年|每月|完成|(?:19|20)[0-9]{2}年)")
_NUMBER = re.compile(r"^[0-9０-９]{1,3}[.、．]?$")
_MAX_TASK_WORDS = 40
_SHORT = 10  # words after a schedule this short still belong to its cell (7月底前制定 扬尘治理方案)


@lru_cache(maxsize=1)
def _labels() -> dict[str, str]:
    """Column label → its kind (the first kind listing it wins, as the extractor classifies them)."""
    lex = load_yaml("taizhang.segment", "data/tables.yaml")
    out: dict[str, str] = {}
    for kind in ("number", "support", "implementing", "lead", "deadline", "progress"):
        for w in lex["columns"][kind]:
            out.setdefault(w, kind)
    for w in lex["task_columns"]:
        out.setdefault(w, "task")
    return out


def _label_kind(word: str) -> str | None:
    return _labels().get(word)


def find_runon_tables(doc: SourceDocument) -> SourceDocument:
    """The document with its run-on tables as Table blocks (the paragraphs they were read from cut or dropped)."""
    text = doc.text
    paras = [b for b in doc.blocks if isinstance(b, Paragraph)]
    if not paras:
        return doc
    found: list[tuple[int, int, Table]] = []  # (paragraph index of the header, index after the table, table)
    i = 0
    while i < len(paras):
        hdr = _header(text, paras[i])
        if hdr is None:
            i += 1
            continue
        table, last = _read(text, paras, i, hdr)
        if table is None:
            i += 1
            continue
        found.append((i, last, table))
        i = last + 1
    if not found:
        return doc
    repl: dict[int, list] = {}  # paragraph → the blocks that replace it
    for i, last, t in found:
        first, tail = paras[i], paras[last]
        out: list = []
        if t.start > first.start:
            out.append(Paragraph(first.start, _rstrip(text, first.start, t.start)))
        out.append(t)
        if t.end < tail.end and text[t.end:tail.end].strip():
            out.append(Paragraph(_lstrip(text, t.end, tail.end), tail.end))
        repl[id(first)] = out
        for k in range(i + 1, last + 1):
            repl[id(paras[k])] = []
    blocks: list = []
    for blk in doc.blocks:
        blocks += repl.get(id(blk), [blk])
    return replace(doc, blocks=blocks)


def _rstrip(text: str, a: int, b: int) -> int:
    while b > a and text[b - 1] in " \t\u3000":
        b -= 1
    return b


def _lstrip(text: str, a: int, b: int) -> int:
    while a < b and text[a] in " \t\u3000":
        a += 1
    return a


def _header(text: str, p: Paragraph) -> list[tuple[str, int, int]] | None:
    """The column labels (kind, start, end) of a header run inside a paragraph, if it holds one."""
    if text.count(" ", p.start, p.end) + text.count("\u3000", p.start, p.end) < 2:
        return None  # three labels apart by blanks need two blanks at least
    words = list(_WORD.finditer(text, p.start, p.end))
    best: list[tuple[str, int, int]] = []
    run: list[tuple[str, int, int]] = []
    for w in words:
        kind = _label_kind(w.group(0))
        if kind is None:
            if len(run) > len(best):
                best = run
            run = []
            continue
        run.append((kind, w.start(), w.end()))
    if len(run) > len(best):
        best = run
    kinds = [k for k, _, _ in best]
    if len(best) < 3 or "task" not in kinds or "lead" not in kinds or best[-1][2] >= p.end:
        return None  # a header with nothing after it is a table of another form (or a line of prose)
    return best


class _Words:
    """The words after the header, across the paragraphs that follow."""

    def __init__(self, text: str, paras: list[Paragraph], i: int, start: int):
        self.words: list[tuple[int, int, int]] = []  # (start, end, paragraph index)
        for k in range(i, len(paras)):
            p = paras[k]
            if k > i and _stops(text, p):
                break
            for m in _WORD.finditer(text, max(start, p.start), p.end):
                self.words.append((m.start(), m.end(), k))
        self.pos = 0

    def peek(self, k: int = 0) -> tuple[int, int, int] | None:
        j = self.pos + k
        return self.words[j] if j < len(self.words) else None


def _stops(text: str, p: Paragraph) -> bool:
    """A paragraph that begins a new part of the document (a numbered heading, an annex) ends the table."""
    from taizhang.segment.outline import ANNEX, match_label

    return match_label(text, p.start, p.end) is not None or ANNEX.match(text, p.start, p.end) is not None


def _is_unit(s: str) -> bool:
    from taizhang.resolve import is_generic_territorial, looks_like_unit, looks_like_unit_list

    s = s.strip("，,、；;")
    return bool(s) and len(s) <= 60 and (looks_like_unit(s) or is_generic_territorial(s) or looks_like_unit_list(s))


def _read(text: str, paras: list[Paragraph], i: int, hdr: list[tuple[str, int, int]]
          ) -> tuple[Table | None, int]:
    """The table whose header is ``hdr`` in paragraph i, and the index of its last paragraph."""
    ws = _Words(text, paras, i, hdr[-1][2])
    rows: list[list[tuple[int, int]]] = [[(s, e) for _k, s, e in hdr]]
    kinds = [k for k, _, _ in hdr]
    last_para = i
    while ws.peek() is not None:
        start = ws.pos
        row = _row(text, ws, kinds)
        if row is None:
            ws.pos = start
            break
        rows.append(row)
        last_para = ws.words[ws.pos - 1][2]
        if not any(e > s for s, e in row[1:]) and ws.peek() is None:
            break
    data = [r for r in rows[1:] if any(e > s for s, e in r)]
    if len(data) < 2 or not any(e > s for r in data for (s, e), k in zip(r, kinds, strict=False) if k == "lead"):
        return None, i
    cells = [[Cell(r, c, s, e) for c, (s, e) in enumerate(row)] for r, row in enumerate([rows[0], *data])]
    end = max(e for row in data for s, e in row if e > s)
    return Table(hdr[0][1], end, cells), last_para


def _row(text: str, ws: _Words, kinds: list[str]) -> list[tuple[int, int]] | None:
    """One row's cells (empty cells where the row leaves a column out), or None when no row begins here."""
    row: list[tuple[int, int]] = []
    for kind in kinds:
        w = ws.peek()
        if w is None:
            row.append((0, 0))
            continue
        if kind == "number":
            if _NUMBER.match(text[w[0]:w[1]]):
                ws.pos += 1
                row.append((w[0], w[1]))
            else:
                row.append((w[0], w[0]))
        elif kind == "task":
            cell = _task(text, ws)
            if cell is None:
                return None
            row.append(cell)
        elif kind in ("lead", "support", "implementing"):
            row.append(_units(text, ws))
        elif kind == "deadline":
            row.append(_schedule(text, ws))
        else:
            ws.pos += 1
            row.append((w[0], w[1]))
    return row


def _task(text: str, ws: _Words) -> tuple[int, int] | None:
    first = ws.peek()
    assert first is not None
    if _is_unit(text[first[0]:first[1]]) or _SCHEDULE.match(text[first[0]:first[1]]):
        return None  # a row starts with its task
    for k in range(_MAX_TASK_WORDS):
        w = ws.peek(k)
        if w is None:  # the text is cut inside the task: the row ends there
            last = ws.peek(k - 1)
            ws.pos += k
            return first[0], last[1]
        if text[w[0]:w[1]].endswith(_SENTENCE_END):
            ws.pos += k + 1
            return first[0], w[1]
    return None


def _units(text: str, ws: _Words) -> tuple[int, int]:
    """The words naming a cell's units: a name broken by a blank is joined (县交通 运输局, 县委县政府 督查室)."""
    w = ws.peek()
    assert w is not None
    cur = text[w[0]:w[1]]
    nxt = ws.peek(1)
    if not _is_unit(cur):
        if nxt is not None and _is_unit(cur + text[nxt[0]:nxt[1]]) and not _SCHEDULE.search(cur):
            ws.pos += 2
            return w[0], nxt[1]
        return w[0], w[0]
    end = w[1]
    ws.pos += 1
    nxt = ws.peek()
    if nxt is not None and len(text[nxt[0]:nxt[1]]) <= 3 and _is_unit(cur + text[nxt[0]:nxt[1]]):
        ws.pos += 1
        end = nxt[1]
    return w[0], end


def _schedule(text: str, ws: _Words) -> tuple[int, int]:
    w = ws.peek()
    assert w is not None
    word = text[w[0]:w[1]]
    if not _SCHEDULE.search(word) or word.endswith(_SENTENCE_END) or len(word) > 30:
        return w[0], w[0]
    ws.pos += 1
    end = w[1]
    while (n := ws.peek()) is not None:
        nw = text[n[0]:n[1]]
        after = ws.peek(1)
        if len(nw) > _SHORT or nw.endswith(_SENTENCE_END) or _is_unit(nw) or after is None:
            break
        ws.pos += 1
        end = n[1]
    return w[0], end
