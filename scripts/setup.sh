#!/usr/bin/env bash
# Sets taizhang up on a fresh machine: a virtual environment in .venv with the package and all
# dependencies (PyPI), and — for the browser tests — Debian's Chromium where it is missing and we may install.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
"$PY" -c 'import sys; assert sys.version_info >= (3, 11), "taizhang needs Python >= 3.11"'
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[dev]'
# Debian packages: chromium (+ CJK fonts) for the browser tests; an embeddable TrueType CJK font for the PDF
# variants that tests/variants.py typesets (reportlab cannot embed the CFF outlines of fonts-noto-cjk).
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium fonts-noto-cjk)
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing+=(fonts-wqy-microhei)
# LibreOffice Calc and poppler render the Excel workbooks to PDF for the print tests (they skip without them);
# Carlito is the metric twin of Calibri, the font that defines Excel's column widths.
office=()
command -v libreoffice >/dev/null || office+=(libreoffice-calc)
command -v pdftoppm >/dev/null || office+=(poppler-utils)
[ -n "$(fc-list 2>/dev/null | grep -i carlito)" ] || office+=(fonts-crosextra-carlito)
if [ ${#office[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's ${office[*]}…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${office[@]}" >/dev/null
  else
    echo "NOTE: install Debian's ${office[*]} (the Excel print tests skip without them)." >&2
  fi
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's ${missing[*]}…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "NOTE: install Debian's ${missing[*]} (browser tests; embedded fonts in the PDF variants)." >&2
  fi
fi
echo "taizhang is set up: .venv/bin/taizhang --help"
