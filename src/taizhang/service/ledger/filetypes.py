"""What an evidence file is, told from its bytes (``filetype``'s signatures), never from the name or the type
the browser sent; and whether the ledger takes it.

Taken (佐证材料 as units send them): pictures (JPEG, PNG, GIF, WebP, BMP, TIFF, HEIC), PDF, Word/Excel/PowerPoint
documents (current and the older binary ones, WPS's included), OFD (the national e-document format), archives
of many photos (ZIP, RAR, 7z), site videos (MP4, MOV, AVI, WMV), and plain text or CSV. Anything else — a
program, a web page, a script, an unrecognised binary — is refused with a Chinese message.

Downloads carry the sniffed type; pictures and PDF may open in the browser, everything else is an attachment.
"""

from __future__ import annotations

import codecs
from pathlib import PurePath

import filetype

IMAGES = {"image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp", "image/tiff", "image/heic"}
PDF = "application/pdf"
OFFICE = {
    "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation", "application/rtf",
}
ARCHIVES = {"application/zip", "application/x-rar-compressed", "application/x-7z-compressed"}
VIDEOS = {"video/mp4", "video/quicktime", "video/x-msvideo", "video/x-ms-wmv"}
OFD = "application/ofd"
TEXT = "text/plain"
ALLOWED = IMAGES | OFFICE | ARCHIVES | VIDEOS | {PDF, OFD, TEXT}
INLINE = IMAGES | {PDF}  # shown by the browser itself; the rest is downloaded

DESCRIBE_ALLOWED = ("图片（JPG、PNG、GIF、WebP、BMP、TIFF、HEIC）、PDF、Word/Excel/PowerPoint/WPS 文档、OFD、"
                    "压缩包（ZIP、RAR、7Z）、视频（MP4、MOV、AVI、WMV）、文本（TXT、CSV）")

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of .doc/.xls/.ppt and WPS's .wps/.et/.dps
OLE_BY_SUFFIX = {".doc": "application/msword", ".wps": "application/msword", ".dot": "application/msword",
                 ".xls": "application/vnd.ms-excel", ".et": "application/vnd.ms-excel",
                 ".ppt": "application/vnd.ms-powerpoint", ".dps": "application/vnd.ms-powerpoint"}
TEXT_SUFFIXES = {".txt", ".csv"}
HEAD = 8192  # what filetype reads; also what a download reads to tell the type


def sniff(data: bytes, name: str = "") -> str | None:
    """The type of ``data`` (its first bytes suffice) if the ledger takes it, else ``None``."""
    suffix = PurePath(name).suffix.lower()
    head = data[:HEAD]
    kind = filetype.guess_mime(head)
    if kind == "application/zip" and suffix == ".ofd":
        return OFD
    if kind in ALLOWED:
        return kind
    if kind is None and head.startswith(OLE_MAGIC):
        return OLE_BY_SUFFIX.get(suffix, "application/msword" if not suffix else None)
    if kind is None and suffix in TEXT_SUFFIXES and _is_text(head):
        return TEXT
    return None


def describe(data: bytes) -> str:
    """What a refused file looks like, for the message (``可执行程序``, ``网页`` …)."""
    kind = filetype.guess_mime(data[:HEAD])
    if kind in ("application/x-msdownload", "application/x-executable", "application/x-elf"):
        return "可执行程序"
    stripped = data[:512].lstrip().lower()
    if stripped.startswith((b"<!doctype html", b"<html", b"<svg", b"<?xml", b"<script")):
        return "网页或 XML/SVG 文件"
    return kind or "无法识别的文件"


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    lowered = head.lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<svg", b"<?xml", b"<script")):
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            # final=False: a multi-byte character cut at the end of the head is not an error
            codecs.getincrementaldecoder(encoding)().decode(head, final=len(head) < HEAD)
            return True
        except UnicodeDecodeError:
            continue
    return False


def disposition(content_type: str) -> str:
    """``inline`` for pictures and PDF, ``attachment`` for everything else."""
    return "inline" if content_type in INLINE else "attachment"
