"""Builders of hostile files for the hardening tests: zip bombs, lying directories, deep nesting, huge PDFs.

Nothing large is stored: each bomb is made in a temporary folder, small on disk, large only when unpacked.
A zip is written member by member with :func:`raw_zip`, which takes the compressed bytes and the sizes to
declare as given (so they can lie), and the compression method as given (so it can be one nobody supports).
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOC_HEAD = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W_NS}"><w:body>'
DOC_TAIL = "</w:body></w:document>"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)
PARAGRAPH = "<w:p><w:r><w:t>{}</w:t></w:r></w:p>"
LINE = "县生态环境局牵头，各乡镇人民政府落实，2026年底前完成燃煤锅炉整治。"


@dataclass
class Member:
    name: str
    data: bytes  # as stored (compressed already when method is not 0)
    file_size: int  # declared unpacked size
    crc: int
    method: int = 8
    flags: int = 0


def deflated(name: str, content: bytes) -> Member:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return Member(name, c.compress(content) + c.flush(), len(content), zlib.crc32(content))


def repeated(name: str, head: bytes, chunk: bytes, times: int, tail: bytes) -> Member:
    """``head + chunk * times + tail`` deflated without ever holding it: the chunk is compressed once after a
    full flush (which makes its compressed form independent of what came before) and that form repeated."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    body = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    end = c.compress(tail) + c.flush(zlib.Z_FINISH)
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    return Member(name, start + body * times + end, len(head) + len(chunk) * times + len(tail), crc)


def raw_zip(members: list[Member], *, declared_count: int | None = None) -> bytes:
    """A zip archive of ``members`` exactly as given; ``declared_count`` overrides the end record's count."""
    out = bytearray()
    directory = bytearray()
    for m in members:
        name = m.name.encode("utf-8")
        offset = len(out)
        out += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, m.flags, m.method, 0, 0x21, m.crc, len(m.data),
                           m.file_size, len(name), 0) + name + m.data
        directory += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, m.flags, m.method, 0, 0x21, m.crc,
                                 len(m.data), m.file_size, len(name), 0, 0, 0, 0, 0, offset) + name
    count = len(members) if declared_count is None else declared_count
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count & 0xFFFF, count & 0xFFFF, len(directory), len(out), 0)
    return bytes(out + directory + end)


def docx_parts(document: Member) -> list[Member]:
    return [deflated("[Content_Types].xml", CONTENT_TYPES.encode()), deflated("_rels/.rels", ROOT_RELS.encode()),
            document]


def docx_with_body(path: Path, body: str) -> Path:
    path.write_bytes(raw_zip(docx_parts(deflated("word/document.xml", (DOC_HEAD + body + DOC_TAIL).encode()))))
    return path


def text_bomb_docx(path: Path, unpacked_mb: int = 300) -> Path:
    """A few hundred KB that unpack to ``unpacked_mb`` MB of ordinary paragraphs (honest sizes)."""
    chunk = (PARAGRAPH.format(LINE) * 2000).encode()
    times = unpacked_mb * 1024 * 1024 // len(chunk)
    member = repeated("word/document.xml", DOC_HEAD.encode(), chunk, times, DOC_TAIL.encode())
    path.write_bytes(raw_zip(docx_parts(member)))
    return path


def lying_bomb_docx(path: Path, unpacked_mb: int = 300, declared: int = 20_000) -> Path:
    """The same bomb, its directory declaring only ``declared`` bytes for the document part."""
    chunk = (PARAGRAPH.format(LINE) * 2000).encode()
    times = unpacked_mb * 1024 * 1024 // len(chunk)
    member = repeated("word/document.xml", DOC_HEAD.encode(), chunk, times, DOC_TAIL.encode())
    member.file_size = declared
    path.write_bytes(raw_zip(docx_parts(member)))
    return path


def empty_paragraph_bomb_docx(path: Path, unpacked_mb: int) -> Path:
    """Many megabytes of empty paragraphs: no text, so only streaming keeps the memory down."""
    chunk = b"<w:p/>" * 100_000
    times = unpacked_mb * 1024 * 1024 // len(chunk)
    member = repeated("word/document.xml", DOC_HEAD.encode(), chunk, times, DOC_TAIL.encode())
    path.write_bytes(raw_zip(docx_parts(member)))
    return path


def giant_paragraph_docx(path: Path, unpacked_mb: int = 100) -> Path:
    """One paragraph of millions of empty runs: a single block far over the block bound."""
    chunk = b"<w:r/>" * 100_000
    times = unpacked_mb * 1024 * 1024 // len(chunk)
    member = repeated("word/document.xml", (DOC_HEAD + "<w:p>").encode(), chunk, times,
                      ("</w:p>" + DOC_TAIL).encode())
    path.write_bytes(raw_zip(docx_parts(member)))
    return path


def many_members_docx(path: Path, count: int = 200_000, declared_count: int | None = None) -> Path:
    """A valid .docx plus ``count`` empty stored members (optionally with an end record that understates them)."""
    doc = deflated("word/document.xml", (DOC_HEAD + PARAGRAPH.format(LINE) + DOC_TAIL).encode())
    extra = [Member(f"x/{i}", b"", 0, 0, method=0) for i in range(count)]
    path.write_bytes(raw_zip(docx_parts(doc) + extra, declared_count=declared_count))
    return path


def nested_tables_docx(path: Path, depth: int = 600) -> Path:
    body = "<w:tbl><w:tr><w:tc>" * depth + PARAGRAPH.format(LINE) + "</w:tc></w:tr></w:tbl>" * depth
    return docx_with_body(path, body + "<w:p/>")


def unsupported_method_docx(path: Path, method: int = 12) -> Path:
    """document.xml marked as compressed by ``method`` (12 = bzip2, 99 = AES; neither is in Office files)."""
    content = (DOC_HEAD + PARAGRAPH.format(LINE) + DOC_TAIL).encode()
    doc = deflated("word/document.xml", content)
    doc.method = method
    path.write_bytes(raw_zip(docx_parts(doc)))
    return path


def dtd_docx(path: Path) -> Path:
    """The classic entity-expansion attack ("billion laughs") in document.xml."""
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    xml = (f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY l0 "哈">{lol}]>'
           f'<w:document xmlns:w="{W_NS}"><w:body>{PARAGRAPH.format("&l9;")}</w:body></w:document>')
    path.write_bytes(raw_zip(docx_parts(deflated("word/document.xml", xml.encode()))))
    return path


def many_pages_pdf(path: Path, pages: int) -> Path:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    for i in range(pages):
        c.drawString(72, 720, f"page {i + 1}")
        c.showPage()
    c.save()
    return path


def bomb_xlsx(path: Path, unpacked_mb: int = 300) -> Path:
    """A workbook whose sheet unpacks to ``unpacked_mb`` MB of rows."""
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    members = [
        deflated("[Content_Types].xml", (
            b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            b'<Default Extension="xml" ContentType="application/xml"/>'
            b'<Override PartName="/xl/workbook.xml" '
            b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            b'<Override PartName="/xl/worksheets/sheet1.xml" '
            b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        )),
        deflated("_rels/.rels", (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ).encode()),
        deflated("xl/workbook.xml", (
            f'<?xml version="1.0"?><workbook xmlns="{ns}" xmlns:r="{rel}"><sheets>'
            '<sheet name="数据" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ).encode()),
        deflated("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ).encode()),
    ]
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c><c><v>1</v></c></row>'
    chunk = row * 10_000
    times = unpacked_mb * 1024 * 1024 // len(chunk)
    members.append(repeated("xl/worksheets/sheet1.xml", f'<?xml version="1.0"?><worksheet xmlns="{ns}"><sheetData>'
                            .encode(), chunk, times, b"</sheetData></worksheet>"))
    path.write_bytes(raw_zip(members))
    return path


def pdf_with_streams(path: Path, content: bytes, forms: dict[str, bytes] | None = None) -> Path:
    """A one-page PDF whose page content (and form XObjects ``/Name``) are ``content`` (and ``forms``),
    deflated: a small file that draws whatever the content says."""
    forms = forms or {}
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"]
    xobjects = b" ".join(b"/%s %d 0 R" % (k.encode(), 6 + i) for i, k in enumerate(forms))
    objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 "
                b"5 0 R >> /XObject << " + xobjects + b" >> >> >>")
    comp = zlib.compress(content, 9)
    objs.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(comp) + comp + b"\nendstream")
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for body in forms.values():
        comp = zlib.compress(body, 9)
        objs.append(b"<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> "
                    b"/Length %d /Filter /FlateDecode >>\nstream\n" % len(comp) + comp + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    path.write_bytes(bytes(out))
    return path


PDF_BOMBS = {
    # a million characters in one string (took 2.4 GB and two minutes before the guard)
    "one-huge-string": lambda p: pdf_with_streams(p, b"BT /F1 12 Tf 72 720 Td (" + b"a" * (1 << 20) + b") Tj ET"),
    # 750,000 one-character text objects (1.9 GB, three and a half minutes)
    "many-text-objects": lambda p: pdf_with_streams(p, b"BT /F1 12 Tf 72 720 Td " + b"(a) Tj " * 750_000 + b"ET"),
    # 100,000 line segments (310 MB and 15 s for a 3 KB file)
    "many-lines": lambda p: pdf_with_streams(p, b"0.5 w " + b"10 10 m 300 300 l S " * 50_000),
    # a form of 1,000 characters drawn 1,000 times
    "form-reused": lambda p: pdf_with_streams(p, b"/Fm1 Do " * 1000,
                                             {"Fm1": b"BT /F1 12 Tf 72 720 Td (" + b"b" * 1000 + b") Tj ET"}),
    # page content that inflates past the unpacked-size bound (tests set the bound to 16 MB)
    "inflates-past-the-bound": lambda p: pdf_with_streams(p, b"BT /F1 12 Tf 72 720 Td (x) Tj ET " + b" " * (40 << 20)),
}
