"""Variants of a plan document as offices also produce them, with the gold answers mapped to each variant.

A clerk's plan does not always arrive as the clean .txt the project's gold was annotated on:

* :func:`typeset_pdf` lays the text out as an A4 PDF, the way a word processor prints it: lines broken at the
  page width (a sentence, a unit name or a target phrase runs over two lines), a running header on every page
  but the first, the page number "— N —" in the footer, and the flattened tables of the .txt (seed blocks of
  tab-led cells, rows of " | " or tab separated cells) drawn as ruled tables. The font is embedded (WenQuanYi
  Micro Hei from Debian's fonts-wqy-microhei, installed by scripts/setup.sh); without it, reportlab's built-in
  STSong-Light CID font is used, which extractors read the same way but viewers must supply.
* :func:`to_traditional` converts to traditional characters with OpenCC (``s2t``; ``s2hk`` for the Hong Kong
  forms), the package the extractor's normalisation layer uses for the way back (``t2s``).
* :func:`width_mixture` types digits and Latin letters full width on some lines and the Chinese punctuation
  half width on others (ＰＭ２．５, ２０２４年６月底前, (牵头单位:…)), as pages copied out of web sites and
  older word processors do. It keeps every character's position.

:func:`write_variant` writes a variant of one document and its gold file: gold quotes are mapped to the
characters they cover in the variant (the scorer looks them up in the ledger's task text, and the held-out
well-formedness rules want them in the document), unit names, deadline texts and document fields are converted
the same way. :func:`remap_evaluated_lines` moves a gold file's line ranges onto the text an extractor read
out of a PDF, whose lines are not the .txt's. Everything is written into folders the caller owns (pytest's
tmp_path, a benchmark's temporary directory): variants are never committed.
"""

from __future__ import annotations

import copy
import functools
import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

FONT_FILES = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
FALLBACK_FONT = "STSong-Light"
PAGE_NUMBER = "— {} —"


# ------------------------------------------------------------------------------------------------ PDF
@functools.cache
def cjk_font() -> str:
    """The name of a registered reportlab font that covers Chinese: an embedded TrueType font if one of
    FONT_FILES is installed, else reportlab's STSong-Light (not embedded)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    for path in FONT_FILES:
        if Path(path).is_file():
            pdfmetrics.registerFont(TTFont("VariantCJK", path, subfontIndex=0))
            return "VariantCJK"
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
    return FALLBACK_FONT


@dataclass
class Block:
    """A run of the text: one paragraph line, or a flattened table (rows of cells)."""

    kind: str  # "line" or "table"
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)


_PIPE_ROW = re.compile(r"^[^|]*\|[^|]*\|")


def _row_kind(line: str) -> str | None:
    if line.startswith("\t"):
        return "block"  # the seeds' layout: one cell a line, each led by a tab; rows apart by blank lines
    if _PIPE_ROW.match(line) and line.count(" | ") >= 2:
        return "pipe"
    if line.count("\t") >= 2:
        return "tab"
    return None


def split_blocks(text: str) -> list[Block]:
    """The text as paragraph lines and flattened tables, in order."""
    lines = text.split("\n")
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        kind = _row_kind(lines[i])
        if kind is None:
            blocks.append(Block("line", lines[i]))
            i += 1
            continue
        rows: list[list[str]] = []
        if kind == "block":
            row: list[str] = []
            while i < len(lines) and (lines[i].startswith("\t") or (lines[i] == "" and i + 1 < len(lines)
                                                                     and lines[i + 1].startswith("\t"))):
                if lines[i] == "":
                    if row:
                        rows.append(row)
                    row = []
                else:
                    row.append(lines[i][1:].strip())
                i += 1
            if row:
                rows.append(row)
        else:
            sep = " | " if kind == "pipe" else "\t"
            while i < len(lines):
                if _row_kind(lines[i]) == kind:
                    rows.append([c.strip() for c in lines[i].split(sep)])
                elif (0 < len(lines[i].strip()) <= 30 and i + 1 < len(lines)
                      and _row_kind(lines[i + 1]) == kind):
                    rows.append([lines[i].strip()])  # a section row (一、…) spanning the table
                else:
                    break
                i += 1
        blocks.append(Block("table", rows=rows))
    return blocks


NO_LINE_START = "，。、；：！？）》」』”’%…—"  # closing marks hang at a line's end rather than open the next


def break_lines(text: str, width: float, font: str, size: float, indent: float = 0.0) -> list[str]:
    """One paragraph broken into lines of at most ``width`` points (the first ``indent`` narrower), the way
    Chinese word processors break: anywhere, except before a closing mark, which hangs at the line's end."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, line, used, limit = [], "", 0.0, width - indent
    for ch in text:
        w = stringWidth(ch, font, size)
        if line and used + w > limit and ch not in NO_LINE_START:
            lines.append(line)
            line, used, limit = "", 0.0, width
        line += ch
        used += w
    lines.append(line)
    return lines


def typeset_pdf(text: str, path: Path, *, header: str | None = None, font_size: float = 12.0) -> Path:
    """Write ``text`` as an A4 PDF with fixed line breaks, a running header (default: the text's first line)
    on pages 2…, "— N —" in every footer and ruled tables; return ``path``."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = cjk_font()
    leading = font_size * 1.65
    cell = ParagraphStyle("cell", fontName=font, fontSize=font_size * 0.8, leading=font_size * 1.15,
                          wordWrap="CJK")
    if header is None:
        header = next((ln.strip() for ln in text.split("\n") if ln.strip()), "")
    width = A4[0] - 28 * mm - 26 * mm  # the margins of a printed government document (GB/T 9704)

    class Line(Flowable):
        """One printed line: a page break may fall between any two lines of a paragraph."""

        def __init__(self, chars: str, indent: float):
            super().__init__()
            self.chars, self.indent = chars, indent

        def wrap(self, avail_width, avail_height):
            return width, leading

        def draw(self):
            self.canv.setFont(font, font_size)
            self.canv.drawString(self.indent, leading * 0.3, self.chars)

    story = []
    for block in split_blocks(text):
        if block.kind == "line":
            stripped = block.text.lstrip(" \u3000")
            if not stripped:
                story.append(Spacer(1, font_size * 0.5))
                continue
            indent = 2 * font_size if len(block.text) - len(stripped) >= 2 else 0.0
            for k, chars in enumerate(break_lines(stripped, width, font, font_size, indent)):
                story.append(Line(chars, indent if k == 0 else 0.0))
            continue
        n = max(len(r) for r in block.rows)
        data = [[Paragraph(escape(c), cell) for c in r] + [""] * (n - len(r)) for r in block.rows]
        weights = [min(max(len(r[k]) if k < len(r) else 0 for r in block.rows if len(r) > 1), 24) + 2
                   for k in range(n)]
        widths = [width * w / sum(weights) for w in weights]
        style = [("GRID", (0, 0), (-1, -1), 0.6, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
        style += [("SPAN", (0, r), (-1, r)) for r, row in enumerate(block.rows) if len(row) == 1 and n > 1]
        table = Table(data, colWidths=widths)
        table.setStyle(TableStyle(style))
        story.append(table)

    def furniture(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(font, 9)
        page = canvas.getPageNumber()
        if page > 1 and header:
            canvas.drawCentredString(A4[0] / 2, A4[1] - 20 * mm, header)
            canvas.line(28 * mm, A4[1] - 22 * mm, A4[0] - 26 * mm, A4[1] - 22 * mm)
        canvas.setFont(font, 11)
        canvas.drawCentredString(A4[0] / 2, 18 * mm, PAGE_NUMBER.format(page))
        canvas.restoreState()

    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=28 * mm, rightMargin=26 * mm,
                            topMargin=30 * mm, bottomMargin=30 * mm, title=header)
    doc.build(story, onFirstPage=furniture, onLaterPages=furniture)
    return path


def pdf_page_texts(path: Path) -> list[str]:
    """The text layer of every page, as PDFium reads it."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(path))
    try:
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()


# ------------------------------------------------------------------------------------------------ characters
@functools.cache
def _opencc(config: str):
    import opencc

    return opencc.OpenCC(config)


def to_traditional(text: str, config: str = "s2t") -> str:
    """Simplified → traditional characters (OpenCC; ``s2hk`` gives the Hong Kong forms)."""
    return _opencc(config).convert(text)


def to_simplified(text: str) -> str:
    """Traditional → simplified characters (OpenCC ``t2s``)."""
    return _opencc("t2s").convert(text)


_HALF_PUNCT = str.maketrans({"，": ",", "：": ":", "；": ";", "（": "(", "）": ")", "！": "!", "？": "?"})
_FULL_ALNUM = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F) if chr(c).isalnum() or chr(c) in "%."}


def _full_width(line: str) -> str:
    return "".join(_FULL_ALNUM.get(c, c) for c in line)


def width_mixture(text: str, seed: int = 0) -> str:
    """The text with full-width digits and letters on some lines, half-width Chinese punctuation on others and
    both on a few; ideographic spaces become ASCII spaces where punctuation turns half width. Every character
    keeps its position (the result has the same length), and the choice of lines is fixed by ``seed``."""
    rnd = random.Random(seed)
    out = []
    for line in text.split("\n"):
        mode = rnd.choice(("full", "half", "both", "none"))
        if mode in ("full", "both"):
            line = _full_width(line)
        if mode in ("half", "both"):
            line = line.translate(_HALF_PUNCT).replace("\u3000", " ")
        out.append(line)
    result = "\n".join(out)
    assert len(result) == len(text)
    return result


# ------------------------------------------------------------------------------------------------ gold
def _squeeze(s: str) -> str:
    return re.sub(r"\s+", "", s)


def map_gold(gold: dict, src: str, variant: str, convert) -> dict:
    """The gold answers of ``src`` for ``variant`` (``convert`` turned one into the other). Quotes: the
    variant's characters at the quote's place where the conversion kept every position, else the quote
    converted alone; units, deadline texts, indicators and document fields: converted alone."""
    same_length = len(src) == len(variant)

    def quote(q: str) -> str:
        pos = src.find(q)
        if same_length and pos >= 0:
            return variant[pos:pos + len(q)]
        return convert(q)

    out = copy.deepcopy(gold)
    for t in out["tasks"]:
        t["quote"] = quote(t["quote"])
        if t.get("parent_quote"):
            t["parent_quote"] = quote(t["parent_quote"])
        for f in ("lead_units", "support_units", "implementing_units"):
            t[f] = [convert(u) for u in t.get(f, [])]
        for d in t.get("deadlines", []):
            d["text"] = convert(d["text"])
    for g in out["targets"]:
        g["quote"] = quote(g["quote"])
        g["indicator"] = convert(g["indicator"])
    doc = out.get("document") or {}
    for k in ("title", "issuer", "region", "doc_number"):
        if doc.get(k):
            doc[k] = convert(doc[k])
    return out


VARIANTS = {
    "traditional": lambda text: to_traditional(text, "s2t"),
    "traditional_hk": lambda text: to_traditional(text, "s2hk"),
    "width": width_mixture,
}


def write_variant(doc_path: Path, gold_path: Path, kind: str, docs_dir: Path, gold_dir: Path) -> tuple[Path, Path]:
    """Write the ``kind`` variant (a key of VARIANTS) of one document and its mapped gold; return both paths."""
    convert = VARIANTS[kind]
    src = doc_path.read_text(encoding="utf-8")
    variant = convert(src)
    gold = map_gold(json.loads(gold_path.read_text(encoding="utf-8")), src, variant, convert)
    docs_dir.mkdir(parents=True, exist_ok=True)
    gold_dir.mkdir(parents=True, exist_ok=True)
    out_doc = docs_dir / doc_path.name
    out_doc.write_text(variant, encoding="utf-8")
    out_gold = gold_dir / gold_path.name
    out_gold.write_text(json.dumps(gold, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return out_doc, out_gold


def remap_evaluated_lines(gold: dict, src: str, text: str) -> list[list[int]]:
    """The gold's evaluated line ranges of ``src`` moved onto ``text`` (the same document read back with other
    line breaks, e.g. out of a PDF): each range's first and last line are found by their characters."""
    src_lines = src.split("\n")
    n_new = text.count("\n") + 1
    ranges = gold.get("evaluated_lines") or [[1, len(src_lines)]]
    if len(ranges) == 1 and ranges[0][0] <= 1 and ranges[0][1] >= len(src_lines) - 1:
        return [[1, n_new]]
    flat, line_of = [], []  # the squeezed text and, for each of its characters, its 1-based line in text
    line = 1
    for ch in text:
        if ch == "\n":
            line += 1
        elif not ch.isspace():
            flat.append(ch)
            line_of.append(line)
    flat_text = "".join(flat)
    before = [0]
    for ln in src_lines:
        before.append(before[-1] + len(_squeeze(ln)))
    src_flat = "".join(_squeeze(ln) for ln in src_lines)
    out = []
    for a, b in ranges:
        start, end = before[a - 1], before[b] - 1
        pos_a = flat_text.find(src_flat[start:start + 12]) if start < len(src_flat) else -1
        tail = src_flat[max(start, end - 11):end + 1]
        pos_b = flat_text.find(tail, max(pos_a, 0))
        if pos_a < 0 or pos_b < 0:
            raise ValueError(f"lines {a}-{b} of the source were not found in the read-back text")
        out.append([line_of[pos_a], line_of[pos_b + len(tail) - 1]])
    return out
