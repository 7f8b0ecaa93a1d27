"""Word (.docx) reader: body paragraphs and tables in document order, read straight from the XML.

* automatic list numbering (numbering.xml) is rendered into the paragraph text, so an auto-numbered
  ``一、`` or ``（一）`` reads exactly like a typed one (``Paragraph.numbering`` keeps the label);
* tables are rendered like the flattened tables of the .txt seeds; merged cells are resolved: every covered
  cell points at the text of its origin (``Cell.merged_from``), the origin carries ``row_span``/``col_span``;
* headers and footers are not read; page-number paragraphs (``— 38 —``) in the body are dropped;
* text boxes are read after the paragraph that anchors them; deleted (tracked) and hidden text is skipped.
"""

from __future__ import annotations

import io
import posixpath
import zipfile

from docx.styles import BabelFish
from lxml import etree

from taizhang.document import SourceDocument
from taizhang.errors import ReadError
from taizhang.read.common import CellContent, TextBuilder, is_page_number, nfc
from taizhang.read.numbering import Numbering, W

MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_comments=True)

_SKIP = {W + "pPr", W + "rPr", W + "del", W + "delText", W + "instrText", W + "moveFrom", MC + "Fallback",
         W + "footnoteReference", W + "endnoteReference", W + "commentReference", W + "tblPr", W + "tcPr",
         W + "trPr", W + "sectPr"}


def read_docx(data: bytes, name: str) -> SourceDocument:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ReadError("文件已损坏：不是有效的 .docx（zip）压缩包", path=name) from None
    try:
        main = _main_part(zf, names)
        if main is None:
            raise ReadError("不是 Word 文档：压缩包中没有 word/document.xml", path=name)
        root = _xml(zf, main)
        rels = _rels(zf, names, main)
        styles = _xml(zf, rels["styles"]) if rels.get("styles") in names else None
        numbering = _xml(zf, rels["numbering"]) if rels.get("numbering") in names else None
    except ReadError:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, etree.XMLSyntaxError, zipfile.LargeZipFile) as exc:
        raise ReadError(f"文件已损坏：无法读取 Word 文档内容（{type(exc).__name__}）", path=name) from None
    reader = _DocxReader(Numbering(numbering), _Styles(styles))
    body = root.find(W + "body")
    if body is None:
        raise ReadError("Word 文档没有正文", path=name)
    reader.walk_body(body)
    return SourceDocument(name=name, sha256="", text=reader.out.text(), blocks=reader.out.blocks, format="docx")


def _xml(zf: zipfile.ZipFile, part: str):
    return etree.fromstring(zf.read(part), _PARSER)


def _main_part(zf: zipfile.ZipFile, names: set[str]) -> str | None:
    if "_rels/.rels" in names:
        root = _xml(zf, "_rels/.rels")
        for rel in root.findall(REL + "Relationship"):
            if rel.get("Type", "").endswith("/officeDocument"):
                target = rel.get("Target", "").lstrip("/")
                if target in names:
                    return target
    return "word/document.xml" if "word/document.xml" in names else None


def _rels(zf: zipfile.ZipFile, names: set[str], main: str) -> dict[str, str]:
    folder, base = posixpath.split(main)
    rel_path = posixpath.join(folder, "_rels", base + ".rels")
    out: dict[str, str] = {}
    if rel_path in names:
        for rel in _xml(zf, rel_path).findall(REL + "Relationship"):
            kind = rel.get("Type", "").rsplit("/", 1)[-1]
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            out.setdefault(kind, path)
    out.setdefault("styles", posixpath.join(folder, "styles.xml"))
    out.setdefault("numbering", posixpath.join(folder, "numbering.xml"))
    return out


class _Styles:
    def __init__(self, root) -> None:
        self.names: dict[str, str] = {}
        self.based_on: dict[str, str] = {}
        self.num: dict[str, tuple[str | None, str | None]] = {}
        self.default_para: str | None = None
        if root is None:
            return
        for st in root.findall(W + "style"):
            sid = st.get(W + "styleId")
            if sid is None:
                continue
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
    def __init__(self, numbering: Numbering, styles: _Styles) -> None:
        self.numbering = numbering
        self.styles = styles
        self.out = TextBuilder()

    # ---- body -------------------------------------------------------------------------------------------
    def walk_body(self, container) -> None:
        for child in container:
            tag = child.tag
            if tag == W + "p":
                self.paragraph(child)
            elif tag == W + "tbl":
                self.out.add_table(self.table(child))
            elif tag in (W + "sdt", W + "customXml", W + "sdtContent", W + "ins", W + "moveTo"):
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
                except ValueError:
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
        grid: list[list[CellContent | None]] = []
        for tr in self._rows(tbl):
            row: list[CellContent | None] = []
            trpr = tr.find(W + "trPr")
            before = _int_val(trpr, "gridBefore") if trpr is not None else 0
            row.extend(CellContent() for _ in range(before))
            r = len(grid)
            for tc in self._cells(tr):
                tcpr = tc.find(W + "tcPr")
                span = max(1, _int_val(tcpr, "gridSpan", 1)) if tcpr is not None else 1
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
                cell = CellContent(lines=self.cell_lines(tc), col_span=span)
                row.append(cell)
                for _ in range(span - 1):
                    row.append(CellContent(merged_from=(r, c)))
            grid.append(row)
        width = max((len(r) for r in grid), default=0)
        out: list[list[CellContent]] = []
        for row in grid:
            full = [c if c is not None else CellContent() for c in row]
            full.extend(CellContent() for _ in range(width - len(full)))
            out.append(full)
        return out

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
