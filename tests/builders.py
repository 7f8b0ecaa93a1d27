"""Builders of real test documents (.txt, .docx, .pdf, broken files) in a temporary directory.

All text is invented for the tests (a fictional county, 青禾县), in the genre of the plans the project reads.
Other test modules import these helpers.
"""

from __future__ import annotations

import io
from pathlib import Path

PLAN_LINES = [
    "青禾县2026年大气污染防治工作方案",
    "一、工作目标",
    "到2026年底，全县PM2.5平均浓度控制在32微克/立方米以下，优良天数比率达到85%以上。",
    "二、重点任务",
    "（一）推进燃煤锅炉整治。2026年6月底前完成10蒸吨/小时以下燃煤锅炉淘汰。（县生态环境局牵头，县发展改革局配合）",
    "（二）加强扬尘管控。建筑工地落实“六个百分之百”要求，长期坚持。（县住房城乡建设局负责，各乡镇人民政府落实）",
]

FLAT_TABLE = (
    "附件\n\n重点任务分解表\n"
    "\t序号\n\t任务\n\t牵头单位\n\t配合单位\n\t完成时限\n\n"
    "\t1\n\t淘汰燃煤小锅炉\n\t县生态环境局\n\t县市场监管局\n\n县发展改革局\n\t2026年6月底前\n\n"
    "\t2\n\t整治露天焚烧\n\t县农业农村局\n\t\n\t长期坚持\n"
    "\n\n抄送：县委办公室。\n"
)


def write_text(path: Path, text: str, encoding: str = "utf-8", newline: str = "\n", bom: bool = False) -> Path:
    data = text.replace("\n", newline).encode(encoding)
    if bom:
        data = "\ufeff".encode(encoding) + data
    path.write_bytes(data)
    return path


def gbk_txt(tmp_path: Path, name: str = "plan_gbk.txt") -> Path:
    return write_text(tmp_path / name, "\n".join(PLAN_LINES) + "\n", encoding="gbk")


def bom_crlf_txt(tmp_path: Path, name: str = "plan_bom.txt") -> Path:
    return write_text(tmp_path / name, "\n".join(PLAN_LINES) + "\n", newline="\r\n", bom=True)


def flat_table_txt(tmp_path: Path, name: str = "plan_table.txt") -> Path:
    return write_text(tmp_path / name, "\n".join(PLAN_LINES) + "\n\n" + FLAT_TABLE)


def binary_file(tmp_path: Path, name: str = "blob.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(bytes(range(256)) * 8)
    return path


def empty_file(tmp_path: Path, name: str = "empty.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(b"")
    return path


def corrupt_docx(tmp_path: Path, name: str = "broken.docx") -> Path:
    path = tmp_path / name
    path.write_bytes(b"PK\x03\x04" + b"\x14\x00\x00\x00broken zip data" * 10)
    return path


# ---- .docx ------------------------------------------------------------------------------------------------

# The numbering definitions and paragraph helpers are shared with the bundled sample's builder.
from taizhang.sample.build_sample import add_page_field, install_numbering, numbered  # noqa: E402


def responsibility_docx(tmp_path: Path, name: str = "plan.docx") -> Path:
    """A plan with Word auto-numbering, a merged-cell responsibility table, header/footer page numbers."""
    import docx

    d = docx.Document()
    install_numbering(d)
    section = d.sections[0]
    section.header.paragraphs[0].text = "青禾县人民政府办公室文件（页眉）"
    add_page_field(section.footer.paragraphs[0])
    d.add_paragraph("青禾县2026年水污染防治工作方案", style="Title")
    numbered(d, "总体要求", 90, 0)
    d.add_paragraph("到2026年底，国考断面水质优Ⅲ比例达到80%。")
    numbered(d, "重点任务", 90, 0)
    numbered(d, "加强工业污染治理", 90, 1)
    numbered(d, "开展入河排污口排查。（县生态环境局牵头，县水利局配合）", 90, 2)
    numbered(d, "推进污水处理厂提标改造。2026年9月底前完成。", 90, 2)
    numbered(d, "推进农业面源治理", 90, 1)
    numbered(d, "减少化肥使用量。（县农业农村局负责）", 90, 2)
    numbered(d, "测土配方", 91, 0)
    numbered(d, "有机肥替代", 91, 0)
    d.add_paragraph("— 2 —")  # a page number typed into the body
    numbered(d, "保障措施", 90, 0)
    d.add_paragraph("附件")
    table = d.add_table(rows=4, cols=4)
    rows = [
        ["序号", "任务", "牵头单位", "完成时限"],
        ["1", "排污口整治", "县生态环境局", "2026年底前"],
        ["2", "污水管网建设", "", "2026年10月底前"],
        ["3", "跨部门联合执法", "", ""],
    ]
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    table.cell(1, 2).merge(table.cell(2, 2))  # vertical merge: one lead unit for rows 1–2
    table.cell(3, 1).merge(table.cell(3, 3))  # horizontal merge across three columns
    table.cell(3, 1).text = "跨部门联合执法，长期坚持（县公安局、县生态环境局）"
    d.add_paragraph("抄送：县委办公室。")
    path = tmp_path / name
    d.save(path)
    return path


# ---- .pdf -------------------------------------------------------------------------------------------------

PDF_PARAGRAPH = (
    "（一）推进燃煤锅炉整治。全面排查县域内10蒸吨/小时以下燃煤锅炉，建立整治清单，"
    "2026年6月底前全部完成淘汰或清洁能源替代。（县生态环境局牵头，县市场监管局配合）"
)


def _cjk_canvas(path: Path, **kwargs):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4, **kwargs)
    return c, A4


def _wrap(text: str, chars: int) -> list[str]:
    return [text[i:i + chars] for i in range(0, len(text), chars)]


def plan_pdf(tmp_path: Path, name: str = "plan.pdf", **canvas_options) -> Path:
    """Two pages: title, a paragraph wrapped over several lines, a ruled table with a merged cell,
    a running header, and page numbers (— 1 —) in the footer. ``canvas_options`` go to reportlab's Canvas
    (``invariant=1`` for the same bytes on every run, ``pageCompression=0`` for readable content streams)."""
    path = tmp_path / name
    c, (width, height) = _cjk_canvas(path, **canvas_options)
    size = 12
    left = 72
    chars = int((width - 2 * left) // size)

    def furniture(page: int) -> None:
        c.setFont("STSong-Light", 9)
        c.drawCentredString(width / 2, height - 30, "青禾县人民政府办公室")
        c.drawCentredString(width / 2, 30, f"— {page} —")

    furniture(1)
    y = height - 100
    c.setFont("STSong-Light", 16)
    c.drawCentredString(width / 2, y, "青禾县2026年大气污染防治工作方案")
    y -= 40
    c.setFont("STSong-Light", size)
    c.drawString(left, y, "一、工作目标")
    y -= 20
    c.drawString(left + 2 * size, y, "到2026年底，PM2.5平均浓度控制在32微克/立方米以下。")
    y -= 20
    c.drawString(left, y, "二、重点任务")
    y -= 20
    for i, part in enumerate(_wrap(PDF_PARAGRAPH, chars)):
        c.drawString(left, y, part)
        y -= 18 if i < 10 else 0
    y -= 20
    # ruled table: 3 rows x 3 columns, the lead cell of rows 1–2 merged vertically
    cols = [left, left + 60, left + 300, left + 440]
    row_h = 24
    top = y
    ys = [top - k * row_h for k in range(4)]
    c.setLineWidth(0.8)
    for k, yy in enumerate(ys):
        # the rule between rows 1 and 2 stops before the last column: that cell is merged vertically
        c.line(cols[0], yy, cols[2] if k == 2 else cols[-1], yy)
    for x in cols:
        c.line(x, ys[0], x, ys[-1])
    cells = [["序号", "任务", "牵头单位"], ["1", "淘汰燃煤小锅炉", "县生态环境局"], ["2", "治理工业炉窑", None]]
    for r, row in enumerate(cells):
        for k, value in enumerate(row):
            if value:
                yy = ys[r] - 16 if not (r == 1 and k == 2) else ys[r] - 26
                c.drawString(cols[k] + 4, yy, value)
    c.showPage()
    furniture(2)
    c.setFont("STSong-Light", size)
    c.drawString(left, height - 100, "三、保障措施")
    c.drawString(left + 2 * size, height - 120, "各乡镇要加强组织领导，确保各项任务按期完成。")
    c.showPage()
    c.save()
    return path


def image_only_pdf(tmp_path: Path, name: str = "scan.pdf") -> Path:
    """A 'scanned' page: only a raster image, no text layer."""
    from reportlab.lib.utils import ImageReader

    path = tmp_path / name
    c, (width, height) = _cjk_canvas(path)
    png = _tiny_png()
    c.drawImage(ImageReader(io.BytesIO(png)), 72, 300, width=400, height=300)
    c.showPage()
    c.save()
    return path


def encrypted_pdf(tmp_path: Path, name: str = "locked.pdf") -> Path:
    path = tmp_path / name
    c, (width, height) = _cjk_canvas(path, encrypt="secret-user-pw")
    c.setFont("STSong-Light", 12)
    c.drawString(72, height - 100, "青禾县加密文件")
    c.showPage()
    c.save()
    return path


def _tiny_png() -> bytes:
    import struct
    import zlib

    w, h = 16, 16
    raw = b"".join(b"\x00" + b"".join(bytes([(x * 16) % 256, (y * 16) % 256, 128]) for x in range(w)) for y in range(h))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def sample_pdf(tmp_path: Path, name: str = "sample_plan.pdf") -> Path:
    """The bundled sample plan typeset by reportlab (wrapped paragraphs across pages, a ruled table with
    merged cells, '— N —' page numbers), as an office would print it to PDF."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    from taizhang.read import read_document
    from taizhang.sample import sample_path

    _cjk_canvas(tmp_path / ".font-registration.pdf")  # registers STSong-Light
    src = read_document(sample_path())
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=14, leading=24, wordWrap="CJK")
    story = []
    for block in src.blocks:
        if hasattr(block, "rows"):
            data = [[src.text[c.start:c.end] if c.merged_from is None else "" for c in row] for row in block.rows]
            style = [("FONT", (0, 0), (-1, -1), "STSong-Light", 10), ("GRID", (0, 0), (-1, -1), 0.5, (0, 0, 0))]
            for r, row in enumerate(block.rows):
                for c, cell in enumerate(row):
                    if cell.merged_from is None and (cell.row_span > 1 or cell.col_span > 1):
                        style.append(("SPAN", (c, r), (c + cell.col_span - 1, r + cell.row_span - 1)))
            table = Table(data)
            table.setStyle(TableStyle(style))
            story.append(table)
        else:
            story.append(Paragraph(src.text[block.start:block.end], body))

    def footer(canvas, doc) -> None:
        canvas.setFont("STSong-Light", 9)
        canvas.drawCentredString(A4[0] / 2, 30, f"— {doc.page} —")

    path = tmp_path / name
    SimpleDocTemplate(str(path), pagesize=A4).build(story, onFirstPage=footer, onLaterPages=footer)
    return path


def long_table_pdf(tmp_path: Path, rows: int = 70, name: str = "long_table.pdf") -> Path:
    """A ruled table running over several pages with its header row repeated on the second page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    _cjk_canvas(tmp_path / ".font-registration.pdf")
    data = [["序号", "任务", "牵头单位"]] + [[str(i), f"第{i}项整治任务", "县生态环境局"] for i in range(1, rows + 1)]
    table = Table(data, repeatRows=1)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "STSong-Light", 11),
                               ("GRID", (0, 0), (-1, -1), 0.5, (0, 0, 0))]))
    path = tmp_path / name
    SimpleDocTemplate(str(path), pagesize=A4).build([table])
    return path
