"""Readers: a plan document (.txt, .docx, .pdf) → :class:`taizhang.document.SourceDocument`.

``read_document(path)`` sniffs the content (zip → .docx, ``%PDF`` → .pdf, else text) and checks it against
the extension; bad input raises :class:`taizhang.errors.ReadError` naming the file and the problem.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from taizhang import limits
from taizhang.document import SourceDocument
from taizhang.errors import ReadError

TEXT_EXTENSIONS = {".txt", ".text", ".md", ""}
SUPPORTED = ".txt、.docx、.pdf"

__all__ = ["read_document", "read_bytes", "sniff_format"]


def sniff_format(data: bytes, suffix: str, name: str) -> str:
    """The reader to use: 'docx' | 'pdf' | 'txt'; ReadError for unknown or mismatched types."""
    suffix = suffix.lower()
    if data.startswith(b"%PDF") or (b"%PDF-" in data[:1024] and suffix == ".pdf"):
        return "pdf"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        if suffix in (".docx", ".docm", ".dotx", ".wps", ""):
            return "docx"
        if suffix in (".xlsx", ".pptx", ".zip", ".odt"):
            raise ReadError(f"不支持的文件类型 {suffix}（支持 {SUPPORTED}）", path=name)
        return "docx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        if suffix == ".docx":
            raise ReadError("文件受密码保护（已加密），或是改了扩展名的旧版 .doc；请解除密码或另存为 .docx 后再导入",
                            path=name)
        raise ReadError("这是旧版 Word（.doc）或其他 OLE 格式文件，请另存为 .docx 后再导入", path=name)
    if suffix == ".docx":
        raise ReadError("不是有效的 .docx 文件（文件已损坏或不是 Word 文档）", path=name)
    if suffix == ".pdf":
        raise ReadError("不是有效的 PDF 文件（缺少 %PDF 文件头，文件已损坏）", path=name)
    if suffix in TEXT_EXTENSIONS:
        return "txt"
    raise ReadError(f"不支持的文件类型 {suffix}（支持 {SUPPORTED}）", path=name)


def read_bytes(data: bytes, name: str) -> SourceDocument:
    """Read a document given as bytes; ``name`` (a file name) gives the extension and the error messages."""
    if not data:
        raise ReadError("文件为空（0 字节）", path=name)
    check_size(len(data), name)
    fmt = sniff_format(data, Path(name).suffix, name)
    if fmt == "pdf":
        from taizhang.read.pdf import read_pdf

        doc = read_pdf(data, name)
    elif fmt == "docx":
        from taizhang.read.docx import read_docx

        doc = read_docx(data, name)
    else:
        from taizhang.read.txt import read_txt

        doc = read_txt(data, name)
    doc.name = Path(name).name
    doc.sha256 = hashlib.sha256(data).hexdigest()
    doc.size = len(data)
    doc.format = fmt
    check_text_length(len(doc.text), name)
    if not doc.text.strip():
        raise ReadError("文件中没有任何文字内容", path=name)
    return doc


def check_size(size: int, name: str) -> None:
    """A plan document larger than the bound is refused before it is read into memory."""
    bound = limits.DOCUMENT_BYTES
    if size > bound.value:
        raise ReadError(f"文件过大（{size / limits.MiB:,.1f} MB），超过{bound.describe()}", path=name)


def check_page_count(pages: int, name: str) -> None:
    bound = limits.PDF_PAGES
    if pages > bound.value:
        raise ReadError(f"PDF 页数过多（超过 {bound.value:,} 页），超过{bound.describe()}", path=name)


def check_text_length(chars: int, name: str) -> None:
    bound = limits.TEXT_CHARS
    if chars > bound.value:
        raise ReadError(f"文字过长（{chars:,} 字），超过{bound.describe()}", path=name)


def read_document(path: str | Path) -> SourceDocument:
    """Read one plan document from disk."""
    p = Path(path)
    if not p.exists():
        raise ReadError("文件不存在", path=str(path))
    if p.is_dir():
        raise ReadError("这是一个文件夹，不是文件", path=str(path))
    try:
        check_size(p.stat().st_size, str(path))
        data = p.read_bytes()
    except OSError as exc:
        raise ReadError(f"无法读取文件（{exc.strerror or exc}）", path=str(path)) from None
    doc = read_bytes(data, str(path))
    doc.name = p.name
    return doc
