"""Files handed to the services and the files they store (originals, evidence, monitoring data).

Stored files are named by their SHA-256, so the same bytes are kept once. A service call writes its files
inside :func:`stored_files`: when the call fails, the files it wrote are removed again, so a refused or
failed call leaves neither rows nor files behind.
"""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any, BinaryIO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse

from taizhang import limits

from .. import filetypes
from ..errors import TooLarge


@dataclass
class Upload:
    """A file handed to a service: its name as the user sees it and its bytes."""

    name: str
    content: bytes
    content_type: str = ""

    @classmethod
    def of(cls, obj: Any, bound: limits.Bound | None = None) -> Upload:
        """``obj`` (an Upload, a path, a (name, bytes) tuple, an uploaded file) as an Upload; with ``bound``, a
        file over it raises :class:`TooLarge` before its bytes are read into memory."""
        if bound is not None:
            check_size(obj, bound)
        if isinstance(obj, Upload):
            return obj
        if isinstance(obj, str | Path):
            path = Path(obj)
            return cls(path.name, path.read_bytes(), mimetypes.guess_type(path.name)[0] or "")
        if isinstance(obj, tuple):
            return cls(obj[0], obj[1], obj[2] if len(obj) > 2 else (mimetypes.guess_type(obj[0])[0] or ""))
        # Django UploadedFile / File / binary file object
        name = PurePath(getattr(obj, "name", "") or "file").name
        data = b"".join(obj.chunks()) if hasattr(obj, "chunks") else obj.read()
        return cls(name, data, getattr(obj, "content_type", "") or mimetypes.guess_type(name)[0] or "")

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def _name_of(obj: Any) -> str:
    if isinstance(obj, str | Path):
        return Path(obj).name
    if isinstance(obj, tuple):
        return obj[0]
    return PurePath(getattr(obj, "name", "") or "file").name


def _size_of(obj: Any) -> int | None:
    if isinstance(obj, Upload):
        return len(obj.content)
    if isinstance(obj, str | Path):
        return Path(obj).stat().st_size
    if isinstance(obj, tuple):
        return len(obj[1])
    return getattr(obj, "size", None)


def check_size(obj: Any, bound: limits.Bound) -> None:
    """Refuse a file over ``bound`` (:class:`TooLarge`, naming the file, its size and the bound). A file the
    upload handler already cut off (taizhang.service.uploads) is over every bound."""
    size = _size_of(obj)
    if getattr(obj, "oversize", False) or (size is not None and size > bound.value):
        shown = f"{size / limits.MiB:,.1f} MB" if size else "过大"
        more = "以上" if getattr(obj, "oversize", False) else ""
        raise TooLarge(f"“{_name_of(obj)}”文件过大（{shown}{more}），超过{bound.describe()}，未保存")


class FileStore:
    """The files written during one service call (see :func:`stored_files`)."""

    def __init__(self):
        self.created: list[str] = []

    def save(self, folder: str, upload: Upload) -> str:
        """Store ``upload`` under ``folder`` (named by its SHA-256); returns the storage name."""
        digest = upload.sha256
        suffix = PurePath(upload.name).suffix.lower()[:10]
        name = f"{folder}/{digest[:2]}/{digest}{suffix}"
        if not default_storage.exists(name):
            name = default_storage.save(name, ContentFile(upload.content))
            self.created.append(name)
        return name

    def discard(self) -> None:
        for name in self.created:
            try:
                default_storage.delete(name)
            except OSError:
                pass


@contextmanager
def stored_files() -> Iterator[FileStore]:
    """All-or-nothing for files: the files saved through the yielded store are deleted again when the block
    raises (any exception, also a rolled-back transaction inside it), then the exception goes on."""
    store = FileStore()
    try:
        yield store
    except BaseException:
        store.discard()
        raise


def open_file(field) -> BinaryIO:
    """A stored file (a model's FileField) opened for reading."""
    return default_storage.open(field.name, "rb")


def download(field, name: str) -> FileResponse:
    """A stored evidence or original file for download: the type told from its bytes (not the one recorded
    from the browser at upload), ``nosniff``, and opened in the browser only for pictures and PDF
    (``Content-Disposition: attachment`` for everything else). OSError when the file is missing."""
    fh = open_file(field)
    head = fh.read(filetypes.HEAD)
    fh.seek(0)
    content_type = filetypes.sniff(head, name) or "application/octet-stream"
    inline = filetypes.disposition(content_type) == "inline"
    resp = FileResponse(fh, as_attachment=not inline, filename=name, content_type=content_type)
    resp["X-Content-Type-Options"] = "nosniff"
    return resp
