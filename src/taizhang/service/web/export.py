"""Export of the (filtered) ledger to .xlsx in the clerks' layout, written by the project's one writer
(:func:`taizhang.report.ledger_xlsx.write_ledger_rows`): 序号, 任务/问题, 牵头单位, 配合单位, 落实单位, 完成时限,
整改目标, 状态, 出处 (the source sentence), 所在章节, 任务编号 — plus 来源文件 first when the view spans
several documents — and the 目标指标 / 文件信息 sheets of the documents in the view."""

from __future__ import annotations

import tempfile
from pathlib import Path

from taizhang.report.common import task_content
from taizhang.report.ledger_xlsx import write_ledger_rows
from taizhang.service.ledger.lights import SUPERVISED
from taizhang.service.ledger.models import Assignment, Task, label_of

Role = Assignment.Role


def task_row(index: int, task, units: dict[str, list[str]], due_text: str, light_label: str) -> dict:
    """One display row (keys of ``taizhang.report.common.ROW_COLUMNS``) of a task of the database."""
    state = label_of(Task.State, task.state)
    if light_label and task.state in SUPERVISED:
        state = f"{state}（{light_label}）"
    doc = task.document
    return {
        "number": str(index),
        "task": task_content({"title": task.title, "text": task.text, "measures": task.measures}),
        "lead": "、".join(units.get(Role.LEAD, [])),
        "support": "、".join(units.get(Role.SUPPORT, [])),
        "implementing": "、".join(units.get(Role.TERRITORIAL, [])),
        "deadline": due_text,
        "goal": task.goal or "",
        "status": state,
        "source": task.text,
        "section": task.section or "",
        "id": task.number or task.key or str(task.pk),
        "file": doc.title or doc.original_name,
        "_document": doc,
    }


def write_workbook(rows: list[dict], targets: list[dict] | None = None) -> bytes:
    """The workbook's bytes; a 来源文件 column when the rows come from more than one document."""
    many = len({r["_document"].pk for r in rows}) > 1
    docs = {r["_document"].pk: r["_document"] for r in rows}
    documents = [{"title": d.title or d.original_name, "doc_number": d.doc_number, "issuer": d.issuer,
                  "issue_date": d.issue_date.isoformat() if d.issue_date else "", "region": d.region,
                  "source": {"name": d.original_name, "sha256": d.sha256}} for d in docs.values()]
    with tempfile.TemporaryDirectory(prefix="taizhang-export-") as tmp:
        path = Path(tmp) / "台账.xlsx"
        write_ledger_rows(rows, path, targets=targets, documents=documents, with_file_column=many)
        return path.read_bytes()
