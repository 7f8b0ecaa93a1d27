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
