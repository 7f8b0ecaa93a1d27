"""Word (.docx) reader: body paragraphs and tables in document order, read straight from the XML.

* automatic list numbering (numbering.xml) is rendered into the paragraph text, so an auto-numbered
  ``一、`` or ``（一）`` reads exactly like a typed one (``Paragraph.numbering`` keeps the label);
* tables are rendered like the flattened tables of the .txt seeds; merged cells are resolved: every covered
  cell points at the text of its origin (``Cell.merged_from``), the origin carries ``row_span``/``col_span``;
* headers and footers are not read; page-number paragraphs (``— 38 —``) in the body are dropped;
* text boxes are read after the paragraph that anchors them; deleted (tracked) and hidden text is skipped.
"""

from __future__ import annotations

import posixpath

from docx.styles import BabelFish
from lxml import etree

from taizhang import limits
from taizhang.document import SourceDocument
from taizhang.errors import ReadError
from taizhang.read.common import CellContent, TextBuilder, is_page_number, nfc
from taizhang.read.numbering import Numbering, W
from taizhang.read.safezip import SafeZip

MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# No entity expansion, no network, and libxml2's own bounds (depth 256, 10 MB per text node): no huge_tree.
_XML_OPTIONS = {"resolve_entities": False, "no_network": True, "huge_tree": False, "load_dtd": False,
                "remove_comments": True}
_WHAT = ".docx（zip）压缩包"

_SKIP = {W + "pPr", W + "rPr", W + "del", W + "delText", W + "instrText", W + "moveFrom", MC + "Fallback",
         W + "footnoteReference", W + "endnoteReference", W + "commentReference", W + "tblPr", W + "tcPr",
         W + "trPr", W + "sectPr"}
# Containers whose paragraphs and tables read as if they stood in the body (or, for rows, in the table)
_BODY_WRAPPERS = {W + "sdt", W + "customXml", W + "sdtContent", W + "ins", W + "moveTo"}
_ROW_WRAPPERS = {W + "sdt", W + "sdtContent", W + "customXml"}
_MAX_SPAN = 64  # Word tables have at most 63 columns; a larger gridSpan/gridBefore is damage


def read_docx(data: bytes, name: str) -> SourceDocument:
    """Read a .docx. The parts are streamed: each body paragraph and each row of a body table is read and then
    freed, so memory follows the largest paragraph or row, not the document; every bound of
    :mod:`taizhang.limits` is checked on the way."""
    with SafeZip(data, name, _WHAT) as z:
        try:
            names = set(z.namelist())
            main = _main_part(z, names)
            if main is None:
                raise ReadError("不是 Word 文档：压缩包中没有 word/document.xml", path=name)
            rels = _rels(z, names, main)
            styles = _Styles()
            if rels.get("styles") in names:
                _stream(z, rels["styles"], (W + "style",), styles.add)
            numbering = Numbering()
            if rels.get("numbering") in names:
                _stream(z, rels["numbering"], (W + "abstractNum", W + "num"), numbering.add)
            reader = _DocxReader(numbering, styles, name)
            reader.read_body(z, main)
        except etree.XMLSyntaxError as exc:
            raise _xml_error(exc, name) from None
    return SourceDocument(name=name, sha256="", text=reader.out.text(), blocks=reader.out.blocks, format="docx")


def _xml_error(exc: etree.XMLSyntaxError, name: str) -> ReadError:
    msg = str(exc)
    if "Excessive depth" in msg:
        return ReadError(f"Word 文档结构嵌套过深（XML 超过 256 层，如表格中层层套表格；"
                         f"{limits.TABLE_DEPTH.describe()}）", path=name)
    if "huge" in msg.lower():
        return ReadError(f"Word 文档中有超出解析器界限的内容（如单段文字超过 1000 万字）：{msg}", path=name)
    return ReadError(f"文件已损坏：无法读取 Word 文档内容（XMLSyntaxError：{msg}）", path=name)


def _events(stream, tags, events=("end",)):
    return etree.iterparse(stream, events=events, tag=tags, **_XML_OPTIONS)


def _free(el) -> None:
    """Drop an element that has been read, and every finished element before it, from the growing tree."""
    el.clear(keep_tail=True)
    node = el
    while node is not None:
        parent = node.getparent()
        if parent is not None:
            while node.getprevious() is not None:
                del parent[0]
        node = parent


def _stream(z: SafeZip, part: str, tags: tuple[str, ...], take) -> None:
    """Call ``take(el)`` for each element of ``tags`` in ``part`` (not nested in one another), then free it."""
    with z.open(part) as f:
        f.block_limit = limits.BLOCK_BYTES
        for _, el in _events(f, tags):
            take(el)
            _free(el)
            f.mark()


def _main_part(z: SafeZip, names: set[str]) -> str | None:
    found: list[str] = []
    if "_rels/.rels" in names:
        def take(rel) -> None:
            if rel.get("Type", "").endswith("/officeDocument"):
                target = rel.get("Target", "").lstrip("/")
                if target in names:
                    found.append(target)
        _stream(z, "_rels/.rels", (REL + "Relationship",), take)
    if found:
        return found[0]
    return "word/document.xml" if "word/document.xml" in names else None


def _rels(z: SafeZip, names: set[str], main: str) -> dict[str, str]:
    folder, base = posixpath.split(main)
    rel_path = posixpath.join(folder, "_rels", base + ".rels")
    out: dict[str, str] = {}
    if rel_path in names:
        def take(rel) -> None:
            kind = rel.get("Type", "").rsplit("/", 1)[-1]
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            out.setdefault(kind, path)
        _stream(z, rel_path, (REL + "Relationship",), take)
    out.setdefault("styles", posixpath.join(folder, "styles.xml"))
    out.setdefault("numbering", posixpath.join(folder, "numbering.xml"))
    return out


class _Styles:
    def __init__(self, root=None) -> None:
        self.names: dict[str, str] = {}
        self.based_on: dict[str, str] = {}
        self.num: dict[str, tuple[str | None, str | None]] = {}
        self.default_para: str | None = None
        if root is not None:
            for st in root.findall(W + "style"):
                self.add(st)

    def add(self, st) -> None:
        """Take one ``w:style`` definition."""
        sid = st.get(W + "styleId")
        if sid is None:
            return
        name = st.find(W + "name")
        # Word stores built-in names in lower case ("heading 1"); show them as Word's UI does
        self.names[sid] = BabelFish.internal2ui(name.get(W + "val")) if name is not None else sid
        based = st.find(W + "basedOn")
        if based is not None:
            self.based_on[sid] = based.get(W + "val")
        num_pr = st.find(f"{W}pPr/{W}numPr")
        if num_pr is not None:
            self.num[sid] = _num_pr(num_pr)
        if st.get(W + "type") == "paragraph" and st.get(W + "default") in ("1", "true"):
            self.default_para = sid

    def numbering(self, sid: str | None) -> tuple[str | None, str | None]:
        seen = set()
        while sid and sid not in seen:
            seen.add(sid)
            if sid in self.num:
                return self.num[sid]
            sid = self.based_on.get(sid)
        return None, None


def _num_pr(num_pr) -> tuple[str | None, str | None]:
    num_id = num_pr.find(W + "numId")
    ilvl = num_pr.find(W + "ilvl")
    return (num_id.get(W + "val") if num_id is not None else None,
            ilvl.get(W + "val") if ilvl is not None else None)


def _hidden(run) -> bool:
    rpr = run.find(W + "rPr")
    if rpr is None:
        return False
    vanish = rpr.find(W + "vanish")
    return vanish is not None and vanish.get(W + "val") not in ("0", "false", "off")


class _DocxReader:
    def __init__(self, numbering: Numbering, styles: _Styles, name: str = "") -> None:
        self.numbering = numbering
        self.styles = styles
        self.name = name
        self.out = TextBuilder()
        self.max_chars = limits.TEXT_CHARS.value
        self.empty = 0  # body paragraphs and tables that gave no text

    # ---- body -------------------------------------------------------------------------------------------
    def read_body(self, z: SafeZip, part: str) -> None:
        """Stream the main part: a body paragraph is read at its end, a body table row by row."""
        max_depth = limits.TABLE_DEPTH.value
        depth = 0  # tables open around the parser's position
        body = False
        grids: dict = {}  # body-level w:tbl element → its rows so far
        with z.open(part) as f:
            f.block_limit = limits.BLOCK_BYTES
            for event, el in _events(f, (W + "body", W + "p", W + "tbl", W + "tr"), ("start", "end")):
                tag = el.tag
                if event == "start":
                    if tag == W + "tbl":
                        depth += 1
                        if depth > max_depth:
                            raise ReadError(f"表格嵌套过深（超过 {max_depth} 层），超过"
                                            f"{limits.TABLE_DEPTH.describe()}", path=self.name)
                    elif tag == W + "body":
                        body = True
                    continue
                before = self.out.length
                if tag == W + "tbl":
                    depth -= 1
                    if _top_level(el):
                        grid = grids.pop(el, None) or _Grid(self)
                        self.out.add_table(grid.finish())
                        self._done(el, f, before)
                elif tag == W + "p":
                    if _top_level(el):
                        self.paragraph(el)
                        self._done(el, f, before)
                elif tag == W + "tr":
                    tbl = _row_table(el)
                    if tbl is not None and _top_level(tbl):
                        grids.setdefault(tbl, _Grid(self)).add_row(el)
                        self._done(el, f, before)
        if not body:
            raise ReadError("Word 文档没有正文", path=self.name)

    def _done(self, el, f, before: int) -> None:
        _free(el)
        f.mark()
        if self.out.length == before:
            self.empty += 1  # an empty block costs reading time too: it counts as the line break it would be
        self.check_length()

    def check_length(self, more: int = 0) -> None:
        if self.out.length + self.empty + more > self.max_chars:
            raise ReadError(f"文字过长（已超过 {self.max_chars:,} 字），超过{limits.TEXT_CHARS.describe()}",
                            path=self.name)

    def walk_body(self, container) -> None:
        for child in container:
            tag = child.tag
            if tag == W + "p":
                self.paragraph(child)
            elif tag == W + "tbl":
                self.out.add_table(self.table(child))
            elif tag in _BODY_WRAPPERS:
                self.walk_body(child)

    def paragraph(self, p) -> None:
        label, style = self.label_and_style(p)
        parts: list[str] = []
        boxes: list = []
        self._collect(p, parts, boxes)
        text = nfc("".join(parts))
        lines = text.split("\n")
        first = lines[0].strip(" \t\u3000\u00a0")
        if label:
            lines[0] = label + first
        if not (len(lines) == 1 and not label and is_page_number(text)):
            for i, line in enumerate(lines):
                self.out.add_paragraph(line, style=style, numbering=label if i == 0 else None)
        for box in boxes:
            self.walk_body(box)

    def label_and_style(self, p) -> tuple[str | None, str | None]:
        ppr = p.find(W + "pPr")
        sid = None
        num_id = ilvl = None
        if ppr is not None:
            ps = ppr.find(W + "pStyle")
            if ps is not None:
                sid = ps.get(W + "val")
            num_pr = ppr.find(W + "numPr")
            if num_pr is not None:
                num_id, ilvl = _num_pr(num_pr)
        sid = sid or self.styles.default_para
        if num_id is None:
            s_num, s_ilvl = self.styles.numbering(sid)
            num_id = s_num
            ilvl = ilvl or s_ilvl
        label = None
        if num_id and num_id != "0":
            try:
                level = int(ilvl or 0)
            except ValueError:
                level = 0
            label = self.numbering.label(num_id, level)
        style = self.styles.names.get(sid, sid) if sid else None
        return (nfc(label) if label else None), style

    def _collect(self, el, parts: list[str], boxes: list) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            if tag == W + "t":
                parts.append(child.text or "")
            elif tag == W + "r":
                if not _hidden(child):
                    self._collect(child, parts, boxes)
            elif tag == W + "tab" or tag == W + "ptab":
                parts.append("\t")
            elif tag in (W + "br", W + "cr"):
                if child.get(W + "type") not in ("page", "column"):
                    parts.append("\n")
            elif tag == W + "noBreakHyphen":
                parts.append("-")
            elif tag == W + "sym":
                code = child.get(W + "char") or ""
                try:
                    ch = chr(int(code, 16))
                except (ValueError, OverflowError):
                    ch = ""
                if ch and not ("\ue000" <= ch <= "\uf8ff"):
                    parts.append(ch)
            elif tag == W + "txbxContent":
                boxes.append(child)
            else:
                self._collect(child, parts, boxes)

    # ---- tables -----------------------------------------------------------------------------------------
    def cell_lines(self, tc) -> list[str]:
        lines: list[str] = []
        for child in tc:
            tag = child.tag
            if tag == W + "p":
                label, _ = self.label_and_style(child)
                parts: list[str] = []
                boxes: list = []
                self._collect(child, parts, boxes)
                text = nfc("".join(parts)).strip(" \t\u3000\u00a0")
                if label:
                    text = label + text
                lines.extend(x.strip(" \t\u3000\u00a0") for x in text.split("\n"))
                for box in boxes:
                    lines.extend(self._box_lines(box))
            elif tag == W + "tbl":
                for row in self.table(child):
                    for cell in row:
                        if cell.merged_from is None:
                            lines.extend(cell.lines)
            elif tag in (W + "sdt", W + "sdtContent", W + "customXml"):
                lines.extend(self.cell_lines(child))
        while lines and not lines[-1]:
            lines.pop()
        while lines and not lines[0]:
            lines.pop(0)
        return lines

    def _box_lines(self, box) -> list[str]:
        return self.cell_lines(box)

    def table(self, tbl) -> list[list[CellContent]]:
        grid = _Grid(self)
        for tr in self._rows(tbl):
            grid.add_row(tr)
        return grid.finish()

    def _rows(self, tbl):
        for child in tbl:
            if child.tag == W + "tr":
                yield child
            elif child.tag in (W + "sdt", W + "sdtContent", W + "customXml"):
                yield from self._rows(child)

    def _cells(self, tr):
        for child in tr:
            if child.tag == W + "tc":
                yield child
            elif child.tag in (W + "sdt", W + "sdtContent", W + "customXml"):
                yield from self._cells(child)


class _Grid:
    """The rows of one table as they are read: merged cells resolved, rows padded to one width at the end."""

    def __init__(self, reader: _DocxReader) -> None:
        self.reader = reader
        self.rows: list[list[CellContent | None]] = []
        self.cells = 0

    def _room(self, row: list, more: int) -> None:
        # every cell is rendered as at least a tab and a line break: the text bound caps the cell count
        self.reader.check_length(2 * (self.cells + len(row) + more))

    def add_row(self, tr) -> None:
        grid = self.rows
        row: list[CellContent | None] = []
        trpr = tr.find(W + "trPr")
        before = min(_int_val(trpr, "gridBefore"), _MAX_SPAN) if trpr is not None else 0
        self._room(row, before)
        row.extend(CellContent() for _ in range(before))
        r = len(grid)
        for tc in self.reader._cells(tr):
            tcpr = tc.find(W + "tcPr")
            span = min(max(1, _int_val(tcpr, "gridSpan", 1)), _MAX_SPAN) if tcpr is not None else 1
            self._room(row, span)
            vmerge = tcpr.find(W + "vMerge") if tcpr is not None else None
            c = len(row)
            if vmerge is not None and vmerge.get(W + "val") != "restart" and r > 0:
                above = grid[r - 1]
                for k in range(span):
                    col = c + k
                    if col < len(above) and above[col] is not None:
                        a = above[col]
                        origin = a.merged_from or (r - 1, col)
                    else:
                        origin = (r, c)
                    row.append(CellContent(merged_from=origin if origin != (r, c) else None, vertical=True))
                first = row[c]
                if first is not None and first.merged_from is not None:
                    org = first.merged_from
                    origin_cell = grid[org[0]][org[1]]
                    if origin_cell is not None:
                        origin_cell.row_span = r - org[0] + 1
                continue
            cell = CellContent(lines=self.reader.cell_lines(tc), col_span=span)
            row.append(cell)
            for _ in range(span - 1):
                row.append(CellContent(merged_from=(r, c)))
        grid.append(row)
        self.cells += len(row)

    def finish(self) -> list[list[CellContent]]:
        width = max((len(r) for r in self.rows), default=0)
        self.reader.check_length(2 * width * len(self.rows))
        out: list[list[CellContent]] = []
        for row in self.rows:
            full = [c if c is not None else CellContent() for c in row]
            full.extend(CellContent() for _ in range(width - len(full)))
            out.append(full)
        return out


def _top_level(el) -> bool:
    """Does ``el`` stand in the body (possibly inside content controls or tracked insertions)?"""
    parent = el.getparent()
    while parent is not None and parent.tag != W + "body":
        if parent.tag not in _BODY_WRAPPERS:
            return False
        parent = parent.getparent()
    return parent is not None


def _row_table(tr):
    """The table a row belongs to (through content controls), or None."""
    parent = tr.getparent()
    while parent is not None and parent.tag in _ROW_WRAPPERS:
        parent = parent.getparent()
    return parent if parent is not None and parent.tag == W + "tbl" else None


def _int_val(parent, tag: str, default: int = 0) -> int:
    if parent is None:
        return default
    el = parent.find(W + tag)
    if el is None:
        return default
    try:
        return int(el.get(W + "val", default))
    except (TypeError, ValueError):
        return default
