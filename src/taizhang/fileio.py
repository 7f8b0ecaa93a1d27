"""Writing output files so that a failure leaves nothing half-written."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path


def atomic_write(path: str | Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` on a temporary file in the target folder, then move it into place.

    On any error the temporary file is removed and ``path`` is untouched. The temporary file is created
    with mode 0666 and the kernel applies the umask, so the result has the permissions an ordinary new file
    would get (not mkstemp's private 0600), without reading the umask (``os.umask`` would change it for
    every thread of the process for a moment, e.g. in the web service).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".taizhang-{uuid.uuid4().hex}{path.suffix}"
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


# ---- private files: what the service keeps in its data folder (TAIZHANG_HOME) ------------------------------------
# The service's own files hold password hashes, API tokens, evidence and the audit key: they are created 0600 and
# their folders 0700 whatever the umask (``os.open``/``mkdir`` take a mode that the umask can only narrow, and an
# explicit ``chmod`` fixes what already exists). Files a user asks for at a path of their own choosing
# (``extract -o``) go through :func:`atomic_write` and keep the ordinary umask behaviour instead.
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def private_dir(path: str | Path) -> Path:
    """Create ``path`` (and missing parents) as a private folder, or make an existing one private."""
    path = Path(path)
    missing = []
    p = path
    while not p.exists():
        missing.append(p)
        p = p.parent
    for p in reversed(missing):
        try:
            p.mkdir(PRIVATE_DIR)
        except FileExistsError:
            pass
    os.chmod(path, PRIVATE_DIR)
    return path


def private_file(path: str | Path) -> Path:
    """Create ``path`` empty as a private file if it does not exist, or make an existing one private (an SQLite
    database created this way before the first connection keeps 0600, and SQLite gives its -wal, -shm and
    -journal files the database file's mode)."""
    path = Path(path)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    except FileExistsError:
        os.chmod(path, PRIVATE_FILE)
    return path


def open_private(path: str | Path, mode: str = "wb"):
    """A new private file opened for writing (``O_EXCL``: never an existing file, never through a symlink)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), PRIVATE_FILE)
    return os.fdopen(fd, mode)


def write_private(path: str | Path, data: bytes, *, fsync: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically as a private file: a private temporary file in the same folder,
    then a rename over the target (readers see the old content or the new, never half of it)."""
    path = Path(path)
    tmp = path.parent / f".{path.name}.{uuid.uuid4().hex}.tmp"
    try:
        with open_private(tmp) as fh:
            fh.write(data)
            if fsync:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
