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
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's chromium for the browser tests…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  else
    echo "NOTE: /usr/bin/chromium is missing; install Debian's 'chromium' package to run the browser tests." >&2
  fi
fi
echo "taizhang is set up: .venv/bin/taizhang --help"
