"""Zip containers from untrusted files (.docx, .xlsx), opened within the bounds of :mod:`taizhang.limits`.

* Before anything is parsed or decompressed, the end-of-directory record is read: the member count it states,
  and the size of the directory itself, must fit the member-count bound (so a directory of a million entries is
  never turned into a million objects).
* The directory is then checked: member count, the declared unpacked size of all members together, the
  compression method (Office writes only *stored* and *deflate*), encryption.
* Members are read by streaming decompression that stops at the unpacked-size bound (the declared sizes can
  lie), and an XML member with a document type declaration (never in Office files; it is how entity-expansion
  and external-entity attacks start) is refused.
* Every error of the zip and zlib layers (bad CRC, truncated data, unsupported method, damaged headers…)
  becomes a :class:`ReadError` naming the file.
"""

from __future__ import annotations

import io
import lzma
import struct
import zipfile
import zlib
from pathlib import Path

from taizhang import limits
from taizhang.errors import ReadError, TaizhangError

#: Compression methods of the Office Open XML packaging (ECMA-376 part 2): stored and deflate.
METHODS = {zipfile.ZIP_STORED: "不压缩", zipfile.ZIP_DEFLATED: "deflate"}
#: Everything the zip and zlib layers raise for a damaged or hostile archive.
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, lzma.LZMAError, EOFError, NotImplementedError,
              ValueError, struct.error, OSError, RuntimeError, OverflowError, KeyError, IndexError)
_CHUNK = 1 << 20
# Every directory entry takes 46 bytes plus its name and extra fields; Office names are short.
_DIRECTORY_BYTES_PER_MEMBER = 256
_DTD = b"<!DOCTYPE"


def corrupt(name: str, what: str = "zip 压缩包", exc: BaseException | None = None) -> ReadError:
    detail = f"（{type(exc).__name__}）" if exc is not None else ""
    return ReadError(f"文件已损坏：不是有效的 {what}{detail}", path=name)


class SafeZip:
    """A zip archive checked against the bounds; ``read``/``open`` decompress a member within them.

    ``what`` names the kind of file in messages (".docx（zip）压缩包"). All members share one unpacked-size
    budget, so reading many members cannot add up past the bound either.
    """

    def __init__(self, source: bytes | str | Path, name: str, what: str = "zip 压缩包", *,
                 members: limits.Bound = limits.ZIP_MEMBERS, unpacked: limits.Bound = limits.UNPACKED_BYTES,
                 office: bool = True) -> None:
        """``members`` and ``unpacked`` are the bounds in force (a backup archive has its own); ``office=False``
        for an archive whose members are arbitrary files (a backup's media), not Office XML parts: no DTD check
        and a member's declared size may be as large as the whole budget."""
        self.name = name
        self.what = what
        self.members = members
        self.unpacked = unpacked
        self.office = office
        self.budget = unpacked.value
        fp = io.BytesIO(source) if isinstance(source, bytes | bytearray) else None
        try:
            if fp is None:
                fp = open(source, "rb")  # noqa: SIM115 - kept open for the ZipFile, closed by close()
            self._check_end_record(fp)
            self.zf = zipfile.ZipFile(fp)
        except ReadError:
            if fp is not None:
                fp.close()
            raise
        except ZIP_ERRORS as exc:
            if fp is not None:
                fp.close()
            if isinstance(exc, FileNotFoundError | PermissionError | IsADirectoryError):
                raise ReadError(f"无法读取文件（{exc.strerror or exc}）", path=name) from None
            raise corrupt(name, what, exc if not isinstance(exc, zipfile.BadZipFile) else None) from None
        self._fp = fp
        self._check_directory()

    # ---- checks before anything is decompressed ----------------------------------------------------------
    def _check_end_record(self, fp) -> None:
        end = zipfile._EndRecData(fp)  # the record ZipFile itself reads (zip64 resolved)
        if not end:
            raise corrupt(self.name, self.what)
        count, size = end[zipfile._ECD_ENTRIES_TOTAL], end[zipfile._ECD_SIZE]
        bound = self.members
        if count > bound.value:
            raise ReadError(f"压缩包内文件过多（{count:,} 个），超过{bound.describe()}", path=self.name)
        if size > bound.value * _DIRECTORY_BYTES_PER_MEMBER:
            raise ReadError(f"压缩包的文件目录过大（{size / limits.MiB:,.1f} MB，文件个数远超"
                            f"{bound.describe()}）", path=self.name)

    def _check_directory(self) -> None:
        infos = self.zf.infolist()
        if len(infos) > self.members.value:
            self.close()
            raise ReadError(f"压缩包内文件过多（{len(infos):,} 个），超过{self.members.describe()}",
                            path=self.name)
        declared = sum(i.file_size for i in infos)
        if declared > self.budget:
            self.close()
            raise self._too_large(declared)
        for info in infos:
            if info.flag_bits & 0x1:
                self.close()
                raise ReadError(f"压缩包中的 {info.filename} 已加密，无法读取", path=self.name)
            if info.compress_type not in METHODS:
                self.close()
                raise ReadError(f"压缩包中的 {info.filename} 使用了不支持的压缩方式（{info.compress_type}），"
                                f"Office 文件只用 deflate 或不压缩；文件可能已损坏", path=self.name)

    def _too_large(self, size: int | None = None) -> ReadError:
        shown = f"（{size / limits.MiB:,.0f} MB）" if size else ""
        return ReadError(f"解压后过大{shown}，超过{self.unpacked.describe()}；文件可能是恶意构造的压缩炸弹",
                         path=self.name)

    # ---- reading ------------------------------------------------------------------------------------------
    def namelist(self) -> list[str]:
        return self.zf.namelist()

    def open(self, member: str) -> _Member:
        """A file object streaming ``member``'s decompressed bytes, within the remaining budget."""
        try:
            raw = self.zf.open(member)
        except ZIP_ERRORS as exc:
            raise corrupt(self.name, self.what, exc) from None
        return _Member(self, raw, member)

    def read(self, member: str) -> bytes:
        with self.open(member) as f:
            return f.read()

    def verify(self) -> None:
        """Decompress every member once (bounded, CRC checked, no DTD in XML) without keeping anything: for a
        file handed on to a library (openpyxl) that reads members itself."""
        for info in self.zf.infolist():
            if info.is_dir():
                continue
            with self.open(info.filename) as f:
                while f.read(_CHUNK):
                    pass

    def close(self) -> None:
        self.zf.close() if hasattr(self, "zf") else None
        if getattr(self, "_fp", None) is not None:
            self._fp.close()

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _Member(io.RawIOBase):
    """Streaming decompression of one member, charged to the archive's budget; errors become ReadError."""

    def __init__(self, archive: SafeZip, raw, member: str) -> None:
        super().__init__()
        self.archive = archive
        self.raw = raw
        self.member = member
        self.xml = archive.office and member.lower().endswith((".xml", ".rels"))
        self._tail = b""  # the last bytes of the previous chunk, to find a DTD split between chunks
        self.block_limit: limits.Bound | None = None  # set by a reader that frees what it has read (docx)
        self._block_max = 0
        self._since_mark = 0

    def mark(self) -> None:
        """The reader has finished one block (paragraph, table row) and freed it."""
        self._since_mark = 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0:
            parts = []
            while chunk := self.read(_CHUNK):
                parts.append(chunk)
            return b"".join(parts)
        a = self.archive
        try:
            data = self.raw.read(min(n, a.budget + 1))
        except ZIP_ERRORS as exc:
            raise corrupt(a.name, a.what, exc) from None
        a.budget -= len(data)
        if a.budget < 0:
            raise a._too_large()
        if self.block_limit is not None:
            self._since_mark += len(data)
            if not self._block_max:
                self._block_max = self.block_limit.value
            if self._since_mark > self._block_max:
                raise ReadError(f"{self.member} 中有一个段落或表格行过大，超过{self.block_limit.describe()}；"
                                "文件可能是恶意构造的", path=a.name)
        if self.xml and data:
            window = self._tail + data
            if _DTD in window or _DTD.lower() in window:
                raise ReadError(f"压缩包中的 {self.member} 含有文档类型声明（DTD），Office 文件不含 DTD；"
                                "文件可能是恶意构造的", path=a.name)
            self._tail = data[-len(_DTD):]
        return data

    def readinto(self, b) -> int:
        data = self.read(len(b))
        b[:len(data)] = data
        return len(data)

    def close(self) -> None:
        self.raw.close()
        super().close()


def check_zip(path: str | Path, error: type[TaizhangError] = ReadError, prefix: str = "无法读取Excel文件") -> None:
    """Check a zip-based file on disk against every bound before a library that reads it whole opens it
    (openpyxl in ``read_rows``): a broken bound raises ``error("{prefix}（why）")`` naming the file."""
    try:
        with SafeZip(path, str(path), "zip 压缩包") as z:
            z.verify()
    except ReadError as exc:
        raise error(f"{prefix}（{exc.message}）", path=str(path)) from None
