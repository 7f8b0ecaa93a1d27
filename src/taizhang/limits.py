"""Bounds on every input file: the one place that says how large a file may be, unpacked or read.

Each bound has a default sized far above any real plan or monitoring file and can be changed by an environment
variable (``TAIZHANG_MAX_…``, a positive whole number; sizes in bytes). The readers check them before they
spend memory: a zip's directory is checked before anything is decompressed, and decompression is streamed and
stopped at the bound (the sizes a directory declares can lie). Breaking a bound raises
:class:`taizhang.errors.ReadError` naming the file and the bound, so the CLI exits with status 2 and the
service shows a form error.

The domain core reads these values; the Django settings (``taizhang.service.settings``) read the upload limits
from here too. No Django import.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

MiB = 1024 * 1024


@dataclass(frozen=True)
class Bound:
    """One bound: its environment variable, its default, and how the error message names it (Chinese)."""

    env: str
    default: int
    label: str  # e.g. "解压后总大小"
    unit: str = "字节"

    @property
    def value(self) -> int:
        """The bound in force: the environment variable if set (a positive whole number), else the default."""
        raw = os.environ.get(self.env, "").strip().replace("_", "")
        if raw:
            try:
                value = int(raw)
            except ValueError:
                value = 0
            if value > 0:
                return value
        return self.default

    def describe(self, value: int | None = None) -> str:
        """``"解压后总大小上限 256 MB（TAIZHANG_MAX_UNPACKED_BYTES）"`` for the error messages."""
        v = self.value if value is None else value
        shown = _size(v) if self.unit == "字节" else f"{v:,} {self.unit}"
        return f"{self.label}的上限 {shown}（{self.env}）"


def _size(n: int) -> str:
    if n >= MiB:
        return f"{n / MiB:.4g} MB"
    if n >= 1024:
        return f"{n / 1024:.4g} KB"
    return f"{n} 字节"


# ---- upload (and CLI input) sizes: the file as it arrives ------------------------------------------------
DOCUMENT_BYTES = Bound("TAIZHANG_MAX_DOCUMENT_BYTES", 50 * MiB, "方案文件大小")
EVIDENCE_BYTES = Bound("TAIZHANG_MAX_EVIDENCE_BYTES", 50 * MiB, "佐证文件大小")
MONITORING_BYTES = Bound("TAIZHANG_MAX_MONITORING_BYTES", 50 * MiB, "监测数据文件大小")

# ---- zip containers (.docx, .xlsx) -------------------------------------------------------------------------
# A Word document has a few dozen members, a workbook a few dozen more per sheet.
ZIP_MEMBERS = Bound("TAIZHANG_MAX_ZIP_MEMBERS", 10_000, "压缩包内文件个数", "个")
# Unpacked size of all members together (as declared by the directory, and as actually decompressed): far above
# a 1000-page .docx or ten station-years of hourly monitoring data in one .xlsx (about 30 MB).
UNPACKED_BYTES = Bound("TAIZHANG_MAX_UNPACKED_BYTES", 256 * MiB, "解压后总大小")

# ---- what a reader builds -----------------------------------------------------------------------------------
# Characters of text read from one document: the largest real plans have under 100,000; extraction of a
# million characters takes a few seconds and about 150 MB (benchmarks/extract.py).
TEXT_CHARS = Bound("TAIZHANG_MAX_TEXT_CHARS", 1_000_000, "文字长度", "字")
PDF_PAGES = Bound("TAIZHANG_MAX_PDF_PAGES", 1_000, "PDF 页数", "页")
# What one PDF page draws (characters, plus path segments and text or image operations), estimated from its content
# before a PDF engine makes an object of each (a few KB apiece): a dense page of text and a ruled table has a few
# thousand.
PDF_PAGE_OBJECTS = Bound("TAIZHANG_MAX_PDF_PAGE_OBJECTS", 30_000, "PDF 单页字符与图形个数", "个")
# Tables inside table cells: real documents nest two or three deep.
TABLE_DEPTH = Bound("TAIZHANG_MAX_TABLE_DEPTH", 10, "表格嵌套层数", "层")
# Unpacked XML of one paragraph or one body table row of a .docx (the reader holds one at a time, and the tree of
# a few MB of XML takes some 30 times as much memory at worst): a real row or paragraph has a few KB.
BLOCK_BYTES = Bound("TAIZHANG_MAX_BLOCK_BYTES", 4 * MiB, "单个段落或表格行的 XML 大小")

# ---- backup archives (taizhang restore) --------------------------------------------------------------------------
# A backup holds the database and every stored file (evidence up to EVIDENCE_BYTES each): its bounds are far larger
# than an Office file's, and restore also refuses an archive whose unpacked size does not fit the free disk space.
BACKUP_MEMBERS = Bound("TAIZHANG_MAX_BACKUP_MEMBERS", 1_000_000, "备份内文件个数", "个")
BACKUP_UNPACKED_BYTES = Bound("TAIZHANG_MAX_BACKUP_BYTES", 256 * 1024 * MiB, "备份解压后总大小")

UPLOADS = (DOCUMENT_BYTES, EVIDENCE_BYTES, MONITORING_BYTES)


def largest_upload() -> int:
    """The largest file any upload may bring (the service's bound on a request body)."""
    return max(b.value for b in UPLOADS)


ALL = (DOCUMENT_BYTES, EVIDENCE_BYTES, MONITORING_BYTES, ZIP_MEMBERS, UNPACKED_BYTES, TEXT_CHARS, PDF_PAGES,
       PDF_PAGE_OBJECTS, TABLE_DEPTH, BLOCK_BYTES, BACKUP_MEMBERS, BACKUP_UNPACKED_BYTES)
