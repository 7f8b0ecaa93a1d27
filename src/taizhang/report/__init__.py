"""Exports of a ledger (``Ledger.to_dict()``): Excel in the clerks' layout and a Markdown review view."""

from taizhang.report.common import ROW_COLUMNS, ledger_rows
from taizhang.report.ledger_md import render_markdown
from taizhang.report.ledger_xlsx import write_ledger_rows, write_ledger_xlsx

__all__ = ["ROW_COLUMNS", "ledger_rows", "render_markdown", "write_ledger_rows", "write_ledger_xlsx"]
