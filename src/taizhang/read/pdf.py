"""PDF reader: the text layer page by page, in reading order — read with PDFium (pypdfium2, fast and small);
pdfplumber only for the pages that draw lines, to find ruled tables.

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
_FIELD_START = re.compile(r"^[\u4e00-\u9fff]{2,8}[：:]")
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
    import pypdfium2 as pdfium

    _guard(data, name)
    try:
        pdf = pdfium.PdfDocument(data)
    except Exception as exc:  # PdfiumError for broken, encrypted or unsupported files
        raise _open_error(exc, name) from None
    try:
        n_pages = len(pdf)
        from taizhang.read import check_page_count

        check_page_count(n_pages, name)
        lines: list[_Line] = []
        ruled: list[int] = []
        for pno in range(n_pages):
            page = pdf[pno]
            try:
                lines += _page_lines(page, pno)
                if _has_rules(page):
                    ruled.append(pno)
            finally:
                page.close()
    except ReadError:
        raise
    except Exception as exc:
        raise ReadError(f"PDF 文件已损坏，无法读出文字（{type(exc).__name__}）", path=name) from None
    finally:
        pdf.close()
    tables = _ruled_tables(data, ruled, name) if ruled else []
    if tables:
        boxes: dict[int, list] = {}
        for pno, bbox, _grid in tables:
            boxes.setdefault(pno, []).append(bbox)
        lines = [ln for ln in lines if not _inside(ln, boxes.get(ln.page, ()))]
    items: list[tuple[int, float, object]] = [(ln.page, ln.top, ln) for ln in lines]
    items += [(pno, bbox[1], grid) for pno, bbox, grid in tables]
    if not lines and not tables:
        raise ReadError(NO_TEXT_MESSAGE, path=name)
    return _assemble(items, lines, n_pages, name)


def _guard(data: bytes, name: str) -> None:
    """The bounds of issue 10 (pages, characters and drawings a page, unpacked bytes; taizhang.read.pdfguard),
    checked on the file's structure before PDFium lays a page out."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser

    from taizhang.read.pdfguard import check_pdf

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        check_pdf(PDFDocument(PDFParser(io.BytesIO(data))), name)
    except ReadError:
        raise
    except Exception as exc:  # a structure the guard cannot walk is refused, as a damaged or locked file
        raise _open_error(exc, name) from None


def _page_lines(page, pno: int) -> list[_Line]:
    """The visual lines of a page's text layer as PDFium reads them (its text in reading order, a line break
    between visual lines), each placed by the boxes of its characters, top-down as pdfplumber measures."""
    _width, height = page.get_size()
    tp = page.get_textpage()
    try:
        text = tp.get_text_range()
        n = tp.count_chars()
        out: list[_Line] = []
        pos = 0
        for raw in text.split("\r\n") if len(text) == n else []:
            s, e = pos, pos + len(raw)
            pos = e + 2
            body = raw.strip()
            if not body:
                continue
            s += len(raw) - len(raw.lstrip())
            e -= len(raw) - len(raw.rstrip())
            boxes = [tp.get_charbox(k) for k in {s, (s + e - 1) // 2, e - 1}]
            line = _clean(body)
            if line:
                out.append(_Line(pno, line, min(b[0] for b in boxes), max(b[2] for b in boxes),
                                 height - max(b[3] for b in boxes), height - min(b[1] for b in boxes), float(height)))
        if len(text) != n:  # characters beyond the Basic Plane shift the indices: read by text rectangles
            out = _rect_lines(tp, pno, height)
    finally:
        tp.close()
    out.sort(key=lambda ln: (ln.top, ln.x0))
    return out


def _rect_lines(tp, pno: int, height: float) -> list[_Line]:
    """The visual lines of a page from PDFium's text rectangles grouped by their height on the page (slower)."""
    rects = []
    for i in range(tp.count_rects()):
        left, bottom, right, top = tp.get_rect(i)
        text = tp.get_text_bounded(left, bottom, right, top)
        if text.strip():
            rects.append((height - top, height - bottom, left, right, text))
    out: list[_Line] = []
    group: list = []

    def flush() -> None:
        if not group:
            return
        group.sort(key=lambda r: r[2])
        parts = [group[0][4]]
        for prev, cur in zip(group, group[1:], strict=False):
            gap = cur[2] - prev[3]
            words = prev[4][-1:].isascii() and prev[4][-1:].isalnum() and cur[4][:1].isascii() and cur[4][:1].isalnum()
            parts.append((" " if words and gap > 0.25 * (cur[1] - cur[0]) else "") + cur[4])
        text = _clean("".join(parts).replace("\r", "").replace("\n", " "))
        if text:
            out.append(_Line(pno, text, min(r[2] for r in group), max(r[3] for r in group),
                             min(r[0] for r in group), max(r[1] for r in group), float(height)))
        group.clear()

    rects.sort(key=lambda r: (r[0], r[2]))
    for r in rects:
        if group:
            # the same line when the boxes overlap by half the smaller one (a small “ or ， sits high or low)
            g_top = min(x[0] for x in group)
            g_bottom = max(x[1] for x in group)
            overlap = min(g_bottom, r[1]) - max(g_top, r[0])
            if overlap < 0.5 * min(g_bottom - g_top, r[1] - r[0]):
                flush()
        group.append(r)
    flush()
    return out


def _has_rules(page) -> bool:
    """Whether a page draws lines or boxes (path objects): only then can it hold a ruled table."""
    import pypdfium2.raw as pdfium_c

    raw = page.raw
    paths = 0
    for i in range(pdfium_c.FPDFPage_CountObjects(raw)):
        if pdfium_c.FPDFPageObj_GetType(pdfium_c.FPDFPage_GetObject(raw, i)) == pdfium_c.FPDF_PAGEOBJ_PATH:
            paths += 1
            if paths >= 4:
                return True
    return False


def _ruled_tables(data: bytes, pages: list[int], name: str) -> list[tuple[int, tuple, list]]:
    """Ruled tables of the given pages (pdfplumber's line strategy): (page, bbox, grid)."""
    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    out = []
    try:
        with pdfplumber.open(io.BytesIO(data), pages=[p + 1 for p in pages]) as pdf:
            for pno, page in zip(pages, pdf.pages, strict=False):
                try:
                    found = page.find_tables()
                except Exception:
                    continue
                for t in found:
                    grid = _table_grid(t)
                    if grid:
                        out.append((pno, t.bbox, grid))
    except Exception as exc:
        raise ReadError(f"PDF 文件已损坏，无法读出表格（{type(exc).__name__}）", path=name) from None
    return out


def _inside(ln: _Line, boxes) -> bool:
    cx = (ln.x0 + ln.x1) / 2
    cy = (ln.top + ln.bottom) / 2
    return any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)


def _assemble(items: list[tuple[int, float, object]], lines: list[_Line], n_pages: int,
              name: str) -> SourceDocument:
    """Paragraphs joined from visual lines, tables continued across pages, running headers and footers and page
    numbers dropped."""
    drop = _running_lines(lines, n_pages)
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
    return SourceDocument(name=name, sha256="", text=text, blocks=out.blocks, format="pdf", pages=n_pages)


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
    if prev.text.endswith(("。", "：", ":", "；")) and (_NUMBERED_RE.match(nxt.text) or _FIELD_START.match(nxt.text)):
        return False  # a numbered item or a field (整改时限：…) after a sentence's end starts its own line
    return not _NUMBERED_RE.match(nxt.text)


_HAN = re.compile(r"[\u4e00-\u9fff]")


def _join(para: list[_Line]) -> str:
    """Visual lines into one paragraph. Chinese typesetting breaks a line anywhere, inside a number or a Latin
    word too (3 | 3微克, VO | Cs): lines join without a blank, except between words of a Latin text."""
    out = para[0].text
    for ln in para[1:]:
        words = out[-1:].isascii() and out[-1:].isalpha() and ln.text[:1].isascii() and ln.text[:1].isalpha()
        out += (" " if words and not _HAN.search(out[-40:]) else "") + ln.text
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
