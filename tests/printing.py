"""Rendering a workbook as LibreOffice prints it: .xlsx → PDF (``libreoffice --headless --convert-to pdf``) and
the PDF's pages as text and word boxes (poppler's ``pdftotext``). Used by the print tests of the extract ledger
and of the service export; they skip, saying why, where LibreOffice or poppler is not installed
(``scripts/setup.sh`` installs Debian's libreoffice-calc, poppler-utils and fonts-crosextra-carlito, the
metric twin of Calibri that defines Excel's column widths)."""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

MISSING = [tool for tool in ("libreoffice", "pdftotext", "pdfinfo") if shutil.which(tool) is None]


def need_renderer() -> None:
    if MISSING:
        pytest.skip(f"{'、'.join(MISSING)} not installed: the PDF rendering of the workbook cannot be checked "
                    "(scripts/setup.sh installs libreoffice-calc and poppler-utils)")


@dataclass
class Rendered:
    pdf: Path
    pages: list[str]  # each page's text
    width_pt: float
    height_pt: float
    word_heights: list[float]  # the height of each word's box on every page, in points

    def median_word_height(self) -> float:
        return statistics.median(self.word_heights)


def render(xlsx: Path) -> Rendered:
    """Print ``xlsx`` to PDF with LibreOffice (a private profile, so parallel runs never share one)."""
    need_renderer()
    out = xlsx.parent / "pdf"
    profile = xlsx.parent / "lo-profile"
    subprocess.run(["libreoffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out), str(xlsx)], check=True, capture_output=True, timeout=180)
    pdf = out / (xlsx.stem + ".pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    n = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    w, h = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    pages = [subprocess.run(["pdftotext", "-layout", "-f", str(i), "-l", str(i), str(pdf), "-"], check=True,
                            capture_output=True, text=True).stdout for i in range(1, n + 1)]
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True,
                           text=True).stdout
    heights = [float(y2) - float(y1) for y1, y2 in
               re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', boxes)]
    return Rendered(pdf, pages, w, h, heights)
