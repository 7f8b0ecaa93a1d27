"""A long plan as the files offices send: seed 003 (3,500 lines) typeset as an A4 PDF and written as a .docx.

Used by benchmarks/extract.py to time the PDF and .docx paths of the reader. The files are made once into a
folder the caller gives (a temporary directory by default), never committed: the PDF with reportlab and the
CJK font of Debian's fonts-wqy-microhei (reportlab's built-in STSong-Light where it is missing), lines broken at
the page width, a running header and page numbers "— N —"; the .docx with python-docx, one paragraph a line and
the flattened tables as Word tables.
"""

from __future__ import annotations

from pathlib import Path

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT.is_file():
        pdfmetrics.registerFont(TTFont("BenchCJK", str(FONT), subfontIndex=0))
        return "BenchCJK"
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def typeset_pdf(text: str, path: Path, *, size: float = 14.0, leading: float = 2.3) -> Path:
    """``text`` as A4 pages: each line a paragraph broken at the page width (a table cell is a line too)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    font = _font()
    width, height = A4
    left, right, top, bottom = 72.0, 72.0, 80.0, 72.0
    usable = width - left - right
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    page = 1
    y = height - top

    def furniture() -> None:
        c.setFont(font, 9)
        if page > 1:
            c.drawCentredString(width / 2, height - 40, "台账基准测试用排版文件")
        c.drawCentredString(width / 2, 36, f"— {page} —")
        c.setFont(font, size)

    furniture()
    for raw in text.split("\n"):
        line = raw.strip().replace("\t", " ")
        if not line:
            continue
        indent = 2 * size if not raw.startswith("\t") else size
        pieces, cur, avail = [], "", usable - indent
        for ch in line:
            if stringWidth(cur + ch, font, size) > avail:
                pieces.append(cur)
                cur, avail = ch, usable
            else:
                cur += ch
        pieces.append(cur)
        for k, piece in enumerate(pieces):
            if y < bottom:
                c.showPage()
                page += 1
                furniture()
                y = height - top
            c.drawString(left + (indent if k == 0 else 0), y, piece)
            y -= size * leading
    c.showPage()
    c.save()
    return path


def write_docx(text: str, path: Path) -> Path:
    """``text`` as a .docx: one paragraph a line; blocks of tab-led lines (the seeds' flattened tables) as
    tables of one row a block."""
    import docx

    d = docx.Document()
    rows: list[list[str]] = []

    def flush() -> None:
        if not rows:
            return
        width = max(len(r) for r in rows)
        t = d.add_table(rows=len(rows), cols=width)
        for i, r in enumerate(rows):
            for j, cell in enumerate(r):
                t.cell(i, j).text = cell
        rows.clear()

    row: list[str] = []
    for line in text.split("\n"):
        if line.startswith("\t"):
            row.append(line.strip())
            continue
        if row:
            rows.append(row)
            row = []
        if line.strip():
            flush()
            d.add_paragraph(line.strip())
    if row:
        rows.append(row)
    flush()
    d.save(str(path))
    return path


def plan_files(seed: Path, folder: Path) -> dict[str, Path]:
    """The seed as .pdf and .docx in ``folder`` (made once; kept while the folder is)."""
    folder.mkdir(parents=True, exist_ok=True)
    text = seed.read_text(encoding="utf-8")
    pdf = folder / f"{seed.stem}.pdf"
    if not pdf.exists():
        typeset_pdf(text, pdf)
    dx = folder / f"{seed.stem}.docx"
    if not dx.exists():
        write_docx(text, dx)
    return {"pdf": pdf, "docx": dx}
