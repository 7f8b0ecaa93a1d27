"""PDF reader (pdfplumber): the text layer page by page, in reading order.

* visual lines are joined back into paragraphs where a line runs to the right margin and the next one
  starts at the left margin without numbering; each paragraph is one line of the text;
* ruled tables (pdfplumber's line strategy) are rendered like the flattened tables of the .txt seeds, cells
  covered by a merge point at their origin;
* page numbers (— 3 —, 第 3 页) and running headers/footers repeated on several pages are dropped;
* a PDF without a text layer (a scan) and an encrypted PDF are refused with a clear message.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from dataclasses import dataclass

from taizhang.document import SourceDocument
from taizhang.errors import ReadError
from taizhang.read.common import CellContent, TextBuilder, is_page_number, nfc

_CJK = r"\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_CJK_SPACE_RE = re.compile(rf"(?<=[{_CJK}])[ \u00a0]+(?=[{_CJK}])")
_NUMBERED_RE = re.compile(
    r"^\s*(?:[一二三四五六七八九十百]+[、．.]|[（(][一二三四五六七八九十百\d]+[）)]|\d+(?:\.\d+)*[.．、]\D|"
    r"[①-⑳]|第[一二三四五六七八九十百\d]+[章节条部分]|附件|附表)"
)
_MARGIN = 0.08  # top/bottom share of the page where running headers and footers live

NO_TEXT_MESSAGE = "PDF 没有文字层（可能是扫描件），请先做文字识别（OCR）后再导入"


@dataclass
class _Line:
    page: int
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    height: float  # page height


def read_pdf(data: bytes, name: str) -> SourceDocument:
    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        _check_pages(pdf, name)
        pages = list(pdf.pages)
    except ReadError:
        raise
    except Exception as exc:  # pdfminer raises many types for broken or protected files
        raise _open_error(exc, name) from None
    try:
        items: list[tuple[int, float, object]] = []  # (page, top, _Line | table grid)
        lines: list[_Line] = []
        for pno, page in enumerate(pages):
            try:
                tables = page.find_tables()
            except Exception:
                tables = []
            boxes = [t.bbox for t in tables]

            def outside(obj, boxes=boxes) -> bool:
                if obj.get("object_type") != "char":
                    return True
                cx = (obj["x0"] + obj["x1"]) / 2
                cy = (obj["top"] + obj["bottom"]) / 2
                return not any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)

            body = page.filter(outside) if boxes else page
            for ln in body.extract_text_lines(strip=True, return_chars=False):
                text = _clean(ln["text"])
                if text:
                    line = _Line(pno, text, ln["x0"], ln["x1"], ln["top"], ln["bottom"], float(page.height))
                    lines.append(line)
                    items.append((pno, ln["top"], line))
            for t in tables:
                grid = _table_grid(t)
                if grid:
                    items.append((pno, t.bbox[1], grid))
            page.close()  # the page's layout objects are not needed any more: memory follows one page
    except Exception as exc:
        raise ReadError(f"PDF 文件已损坏，无法读出文字（{type(exc).__name__}）", path=name) from None
    finally:
        pdf.close()
    if not lines and not any(isinstance(it[2], list) for it in items):
        raise ReadError(NO_TEXT_MESSAGE, path=name)
    drop = _running_lines(lines, len(pages))
    items.sort(key=lambda it: (it[0], it[1]))
    out = TextBuilder()
    margins = _margins(lines)
    para: list[_Line] = []
    pending: list | None = None  # a table that may continue on the next page
    pending_page = -1
    for pno, _, item in items:
        if isinstance(item, _Line):
            if id(item) in drop or is_page_number(item.text):
                continue
            if pending is not None:
                out.add_table(pending)
                pending = None
            if para and not _continues(para[-1], item, margins[para[-1].page]):
                out.add_paragraph(_join(para))
                para = []
            para.append(item)
            continue
        if para:
            out.add_paragraph(_join(para))
            para = []
        if pending is not None and pno == pending_page + 1 and len(item[0]) == len(pending[0]):
            # the same table continued after a page break; a repeated header row is dropped
            rows = item[1:] if _row_text(item[0]) == _row_text(pending[0]) else item
            offset = len(pending)
            for row in rows:
                for cell in row:
                    if cell.merged_from is not None:
                        r, c = cell.merged_from
                        cell.merged_from = (r + offset - (len(item) - len(rows)), c)
            pending.extend(rows)
        else:
            if pending is not None:
                out.add_table(pending)
            pending = item
        pending_page = pno
    if pending is not None:
        out.add_table(pending)
    if para:
        out.add_paragraph(_join(para))
    text = out.text()
    if not text.strip():
        raise ReadError(NO_TEXT_MESSAGE, path=name)
    return SourceDocument(name=name, sha256="", text=text, blocks=out.blocks, format="pdf", pages=len(pages))


def _check_pages(pdf, name: str) -> None:
    """The page-count and per-page bounds, checked before any page is laid out (taizhang.read.pdfguard)."""
    from taizhang.read.pdfguard import check_pdf

    try:
        check_pdf(pdf.doc, name)
    except ReadError:
        pdf.close()
        raise


def _open_error(exc: Exception, name: str) -> ReadError:
    chain = []
    e: BaseException | None = exc
    while e is not None and len(chain) < 5:
        chain.append(type(e).__name__ + " " + str(e))
        e = e.__cause__ or e.__context__
    joined = " ".join(chain).lower()
    if "password" in joined or "encrypt" in joined:
        return ReadError("PDF 已加密（需要密码才能打开），请先解除密码保护后再导入", path=name)
    return ReadError("PDF 文件已损坏，无法解析", path=name)


def _clean(text: str) -> str:
    return _CJK_SPACE_RE.sub("", nfc(text)).strip()


def _running_lines(lines: list[_Line], n_pages: int) -> set[int]:
    """Ids of header/footer lines: in the page margins and repeated (digits aside) on several pages."""
    if n_pages < 2:
        return set()

    def key(ln: _Line) -> str:
        return re.sub(r"\d+", "#", ln.text)

    in_margin = [ln for ln in lines if ln.top < _MARGIN * ln.height or ln.bottom > (1 - _MARGIN) * ln.height]
    counts = Counter(key(ln) for ln in in_margin)
    need = max(2, n_pages // 2)
    return {id(ln) for ln in in_margin if counts[key(ln)] >= need}


def _margins(lines: list[_Line]) -> dict[int, tuple[float, float]]:
    """Per page: the left margin, and the typical right end of full lines (the median of the long lines,
    so punctuation hanging past the margin does not move it)."""
    by_page: dict[int, list[_Line]] = {}
    for ln in lines:
        by_page.setdefault(ln.page, []).append(ln)
    def typical_right(group: list[_Line]) -> tuple[float, float]:
        left = min(ln.x0 for ln in group)
        longest = max(ln.x1 for ln in group)
        full = sorted(ln.x1 for ln in group if ln.x1 - left >= 0.75 * (longest - left))
        return left, full[len(full) // 2]

    # a page with only a few short lines (the end of a document) has no full line: the document's
    # typical right end is the floor
    _, doc_right = typical_right(lines) if lines else (0.0, 0.0)
    out = {}
    for page, page_lines in by_page.items():
        left, right = typical_right(page_lines)
        out[page] = (left, max(right, doc_right))
    return out


def _continues(prev: _Line, nxt: _Line, margin: tuple[float, float]) -> bool:
    """Does ``nxt`` continue the paragraph whose last visual line is ``prev``?"""
    size = max(prev.bottom - prev.top, 1.0)
    same_page = prev.page == nxt.page
    if same_page and not (0 <= nxt.top - prev.bottom <= 1.2 * size):
        return False
    left, right = margin
    if prev.x1 < right - 2 * size:
        return False  # the previous line stops short: paragraph end
    if nxt.x0 > left + 0.8 * size:
        return False  # indented first line of a new paragraph
    if prev.text.endswith(("。", "：", ":")) and _NUMBERED_RE.match(nxt.text):
        return False
    return not _NUMBERED_RE.match(nxt.text)


def _join(para: list[_Line]) -> str:
    out = para[0].text
    for ln in para[1:]:
        if out and out[-1].isascii() and out[-1].isalnum() and ln.text[:1].isascii() and ln.text[:1].isalnum():
            out += " " + ln.text
        else:
            out += ln.text
    return out


def _row_text(row: list[CellContent]) -> list[str]:
    return ["\n".join(c.lines) for c in row]


def _table_grid(table) -> list[list[CellContent]]:
    """pdfplumber table → grid of CellContent with merges (a None cell is covered by a neighbour)."""
    texts = table.extract()
    if not texts:
        return []
    bboxes = [row.cells for row in table.rows]
    width = max(len(r) for r in texts)
    # x-centre of each column from the cells that are present
    col_x: list[float | None] = []
    for c in range(width):
        xs = [(b[c][0] + b[c][2]) / 2 for b in bboxes if c < len(b) and b[c] is not None]
        col_x.append(sum(xs) / len(xs) if xs else None)
    grid: list[list[CellContent]] = []
    for r, row in enumerate(texts):
        out_row: list[CellContent] = []
        for c in range(width):
            value = row[c] if c < len(row) else None
            box = bboxes[r][c] if r < len(bboxes) and c < len(bboxes[r]) else None
            if value is not None or box is not None:
                cell_lines = [_clean(x) for x in (value or "").split("\n")]
                out_row.append(CellContent(lines=[x for x in cell_lines if x]))
                continue
            origin = None
            if c > 0:
                left = out_row[c - 1].merged_from or (r, c - 1)
                lbox = bboxes[left[0]][left[1]] if left[1] < len(bboxes[left[0]]) else None
                if lbox is not None and col_x[c] is not None and lbox[2] > col_x[c] and left[0] == r:
                    origin = left
                    grid_cell = out_row[left[1]]
                    grid_cell.col_span = c - left[1] + 1
                    out_row.append(CellContent(merged_from=origin))
                    continue
            if r > 0 and c < len(grid[r - 1]):
                above = grid[r - 1][c]
                origin = above.merged_from or (r - 1, c)
                org_cell = grid[origin[0]][origin[1]]
                org_cell.row_span = r - origin[0] + 1
                out_row.append(CellContent(merged_from=origin, vertical=True))
                continue
            out_row.append(CellContent())
        grid.append(out_row)
    return grid
