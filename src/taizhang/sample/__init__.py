"""The bundled sample plan (an invented county, 青禾县): ``taizhang extract $(taizhang-sample path)``.

``sample_path("docx")`` / ``sample_path("txt")`` give the shipped files; ``build_sample`` regenerates them.
"""

from __future__ import annotations

from pathlib import Path

from taizhang.errors import ReadError

_DIR = Path(__file__).resolve().parent
FORMATS = ("docx", "txt")


def sample_path(fmt: str = "docx") -> Path:
    """Path of the bundled sample plan in the given format ('docx' or 'txt')."""
    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ReadError(f"没有 {fmt} 格式的示例方案（可选：{'、'.join(FORMATS)}）")
    return _DIR / f"sample_plan.{fmt}"
