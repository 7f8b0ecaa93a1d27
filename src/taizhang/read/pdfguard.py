"""Bounds on a PDF checked before any engine lays its pages out (pdfminer/pdfplumber, PDFium).

A PDF engine builds an object for every character and every line it draws — a few hundred bytes to a few KB
each — so a PDF of a few KB whose page draws a million characters or lines takes gigabytes (measured: 1.6 KB →
2.4 GB). The guard walks the page tree once (at most the page bound + 1 pages), inflates each page's content
streams with a cap (the unpacked-size bound, for all pages together), and estimates from the content what the
page draws: the bytes of its strings (characters) and its drawing and text-showing operators, form XObjects
counted as often as they are used. A page over :data:`taizhang.limits.PDF_PAGE_OBJECTS` is refused.

Streams the guard cannot decode are left to the engine, which refuses them itself.
"""

from __future__ import annotations

import re
import zlib
from itertools import islice

from taizhang import limits
from taizhang.errors import ReadError

# the string operands of a content stream: (literal) — possibly cut at the end of a chunk — and <hex> (not <<)
_LITERAL = re.compile(rb"\((?:[^\\)]++|\\.)*+(?:\)|\Z)", re.DOTALL)
_LITERAL_REST = re.compile(rb"(?:[^\\)]++|\\.)*+(?:\)|\Z)", re.DOTALL)
_HEX = re.compile(rb"(?<!<)<[0-9A-Fa-f\s]*>(?!>)")
# operators that make a layout object each: path segments and rectangles, text showing, XObject use
_OPERATOR = re.compile(rb"(?<![^\s\])>])(?:m|l|c|v|y|re|Tj|TJ|'|\"|Do)(?=[\s/\[(<]|\Z)")
_DO = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s*Do(?=[\s/\[(<]|\Z)")
_MAX_FORM_DEPTH = 4
_OTHER_FILTER_RAW = 64 * 1024  # a stream in a filter the guard does not inflate itself: only when small
_CHUNK = 1 << 20


class _Budget:
    def __init__(self) -> None:
        self.left = limits.UNPACKED_BYTES.value


class _Tally:
    """Characters, operators and form uses of content streams read chunk by chunk (a string cut by a chunk's
    end is continued in the next; an operator cut there may be missed, which an estimate can afford)."""

    def __init__(self) -> None:
        self.glyphs = 0
        self.ops = 0
        self.uses: dict[bytes, int] = {}
        self._in_string = False

    def feed(self, chunk: bytes) -> None:
        at = 0
        if self._in_string:
            m = _LITERAL_REST.match(chunk)
            self.glyphs += m.end()
            self._in_string = not chunk[:m.end()].endswith(b")")
            at = m.end()
        rest = chunk[at:]
        for m in _LITERAL.finditer(rest):
            self.glyphs += m.end() - m.start() - 2
            if m.end() == len(rest) and not rest.endswith(b")"):
                self._in_string = True
        self.glyphs += sum((m.end() - m.start()) // 2 for m in _HEX.finditer(rest))
        self.ops += sum(1 for _ in _OPERATOR.finditer(rest))
        if b"Do" in rest:
            for m in _DO.finditer(rest):
                self.uses[m.group(1)] = self.uses.get(m.group(1), 0) + 1


def check_pdf(doc, name: str) -> int:
    """Raise ReadError when ``doc`` (a pdfminer PDFDocument) breaks a bound; return its page count."""
    from pdfminer.pdfpage import PDFPage

    from taizhang.read import check_page_count

    max_pages = limits.PDF_PAGES.value
    max_objects = limits.PDF_PAGE_OBJECTS.value
    budget = _Budget()
    forms: dict = {}
    count = 0
    for count, page in enumerate(islice(PDFPage.create_pages(doc), max_pages + 1), 1):
        if count > max_pages:
            break
        glyphs, ops = _content(page.contents, page.resources, budget, forms, 0, name)
        if glyphs + ops > max_objects:
            raise ReadError(f"PDF 第 {count} 页内容过于复杂（约 {glyphs:,} 个字符、{ops:,} 个图形或文字操作），超过"
                            f"{limits.PDF_PAGE_OBJECTS.describe()}；如是矢量地图等，请转为图片后再导入", path=name)
    check_page_count(count, name)
    return count


def _content(contents, resources, budget: _Budget, forms: dict, depth: int, name: str) -> tuple[int, int]:
    from pdfminer.pdftypes import resolve1

    tally = _Tally()
    streams = resolve1(contents)
    for s in streams if isinstance(streams, list) else [streams]:
        if s is not None:
            for chunk in _decoded(resolve1(s), budget, name):
                tally.feed(chunk)
    glyphs, ops = tally.glyphs, tally.ops
    if depth >= _MAX_FORM_DEPTH or not tally.uses:
        return glyphs, ops
    try:
        xobjects = resolve1(resolve1(resources or {}).get("XObject")) or {}
        items = list(xobjects.items())
    except Exception:  # a damaged resource dictionary: the engine will meet it too
        return glyphs, ops
    for key, ref in items:
        uses = tally.uses.get(str(key).encode("latin-1", "replace"), 0)
        if not uses:
            continue
        key_id = getattr(ref, "objid", None) or id(ref)
        if key_id not in forms:
            forms[key_id] = (0, 0)  # a form that uses itself counts once
            form = resolve1(ref)
            attrs = getattr(form, "attrs", None) or {}
            if _name(resolve1(attrs.get("Subtype"))) == "Form":
                forms[key_id] = _content(form, attrs.get("Resources"), budget, forms, depth + 1, name)
        g, o = forms[key_id]
        glyphs += uses * g
        ops += uses * o
    return glyphs, ops


def _decoded(stream, budget: _Budget, name: str):
    """A stream's data in chunks, inflated within the budget; nothing for what the guard cannot decode."""
    raw = getattr(stream, "rawdata", None)
    if raw is None:
        raw = getattr(stream, "data", None)
    if not isinstance(raw, bytes):
        return
    try:
        filters = [_name(f) for f, _ in stream.get_filters()]
    except Exception:
        return
    data = raw
    for k, f in enumerate(filters):
        if f in ("FlateDecode", "Fl") and k == len(filters) - 1:
            yield from _inflate(data, budget, name)
            return
        if f in ("ASCII85Decode", "A85"):
            from pdfminer.ascii85 import ascii85decode

            data = _safe(ascii85decode, data)
        elif f in ("ASCIIHexDecode", "AHx"):
            from pdfminer.ascii85 import asciihexdecode

            data = _safe(asciihexdecode, data)
        elif len(raw) <= _OTHER_FILTER_RAW:
            try:
                data = stream.get_data()
            except Exception:
                return
            break
        else:
            raise ReadError(f"PDF 中有一段 {len(raw):,} 字节的内容使用了不常见的压缩方式（{f}），无法先行检查其大小",
                            path=name)
    if data is not raw:
        budget.left -= len(data)
        if budget.left < 0:
            raise _too_large(name)
    for i in range(0, len(data), _CHUNK):
        yield data[i:i + _CHUNK]


def _name(literal) -> str:
    value = getattr(literal, "name", literal)
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)


def _safe(decode, data: bytes) -> bytes:
    try:
        return decode(data)
    except Exception:
        return b""


def _inflate(data: bytes, budget: _Budget, name: str):
    """zlib in chunks with a cap; a damaged stream gives what inflated before the damage (as pdfminer reads it)."""
    d = zlib.decompressobj()
    tail = data
    while tail:
        try:
            out = d.decompress(tail, _CHUNK)
        except zlib.error:
            return
        if not out and len(d.unconsumed_tail) == len(tail):
            return  # no progress
        tail = d.unconsumed_tail
        budget.left -= len(out)
        if budget.left < 0:
            raise _too_large(name)
        if out:
            yield out
        elif not tail:
            return
        if d.eof:
            return


def _too_large(name: str) -> ReadError:
    return ReadError(f"PDF 内容解压后过大，超过{limits.UNPACKED_BYTES.describe()}；文件可能是恶意构造的", path=name)
