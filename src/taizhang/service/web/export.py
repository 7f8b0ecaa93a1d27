"""Export of the (filtered) ledger to .xlsx, ready to print for a leader, written by the project's one writer
(:func:`taizhang.report.ledger_xlsx.write_ledger_rows`): 序号, 任务/问题, 牵头单位, 配合单位, 落实单位, 完成时限,
整改目标, 状态, 灯色, and the supervision columns 最近进度 (the report of the latest period), 最近报送,
逾期天数, 核查意见 — plus 来源文件 first when the view spans several documents — and the 目标指标 / 文件信息
sheets of the documents in the view (not the extractor's 提示: they concern the review, not supervision). The
title rows name the plan, the filters and the time of the export; the foot of every page carries the audit
chain's anchor (审计链：共 N 条，末条摘要 …)."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from taizhang.report.common import task_content
from taizhang.report.ledger_xlsx import write_ledger_rows
from taizhang.service.ledger import audit
from taizhang.service.ledger.lights import SUPERVISED
from taizhang.service.ledger.models import Assignment, ProgressReport, Task, Verification, label_of

Role = Assignment.Role
EXPORT_KEYS = ["number", "task", "lead", "support", "implementing", "deadline", "goal", "status", "light", "latest",
               "reported", "overdue", "verification", "id"]
LATEST_CHARS = 120  # of a report's text in 最近进度 (the whole text is on the task's page)
CHUNK = 500


def _short(text: str, n: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[:n - 1] + "…"


def supervision(tasks: list, user=None) -> dict[int, dict]:
    """Per task id: the report of its latest period (the latest submitted within that period) and its latest
    verification, in two queries per :data:`CHUNK` tasks. For ``user``, a task whose reports they may not read
    (a liaison's, of a task its unit has no part in: ``permissions.can_read_reports``) is marked
    ``summary_only``: its row gives the period, percent and verdict without the report's or the verifier's words."""
    from taizhang.service.ledger import permissions, services

    ids = [t.pk for t in tasks]
    limited = user is not None and permissions.role_of(user) == permissions.LIAISON
    readable: set[int] = set()
    if limited:
        for i in range(0, len(ids), CHUNK):
            readable |= set(services.report_readable_tasks(user).filter(pk__in=ids[i:i + CHUNK])
                            .values_list("pk", flat=True))
    out: dict[int, dict] = {i: {} for i in ids}
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i:i + CHUNK]
        latest = (ProgressReport.objects.filter(task=OuterRef("pk")).order_by("-period", "-submitted_at", "-id")
                  .values("id")[:1])
        checked = Verification.objects.filter(task=OuterRef("pk")).order_by("-at", "-id").values("id")[:1]
        pairs = list(Task.objects.filter(pk__in=chunk).annotate(r=Subquery(latest), v=Subquery(checked))
                     .values_list("pk", "r", "v"))
        reports = ProgressReport.objects.only("id", "period", "percent", "text", "submitted_at").in_bulk(
            [r for _, r, _ in pairs if r])
        checks = Verification.objects.only("id", "result", "note", "at").in_bulk([v for _, _, v in pairs if v])
        for pk, r, v in pairs:
            out[pk] = {"report": reports.get(r), "verification": checks.get(v),
                       "summary_only": limited and pk not in readable}
    return out


def task_row(index: int, task, units: dict[str, list[str]], due_text: str, light_label: str,
             extra: dict | None = None, today: date | None = None) -> dict:
    """One display row (keys of :data:`EXPORT_KEYS`, ``file``) of a task of the database."""
    extra = extra or {}
    doc = task.document
    report, check = extra.get("report"), extra.get("verification")
    words = not extra.get("summary_only")  # the report's and the verifier's words (see supervision)
    today = today or timezone.localdate()
    overdue = ""
    if task.state in SUPERVISED and task.due_date and task.due_date < today:
        overdue = (today - task.due_date).days
    return {
        "number": str(index),
        "task": task_content({"title": task.title, "text": task.text, "measures": task.measures}),
        "lead": "、".join(units.get(Role.LEAD, [])),
        "support": "、".join(units.get(Role.SUPPORT, [])),
        "implementing": "、".join(units.get(Role.TERRITORIAL, [])),
        "deadline": due_text,
        "goal": task.goal or "",
        "status": label_of(Task.State, task.state),
        "light": light_label if task.state in (*SUPERVISED, Task.State.CLOSED) else "",
        "latest": (f"{report.period}　{report.percent}%" + (f"　{_short(report.text, LATEST_CHARS)}" if words else "")
                   if report else ""),
        "reported": f"{timezone.localtime(report.submitted_at):%Y-%m-%d}" if report else "",
        "overdue": overdue,
        "verification": (f"{check.get_result_display()}" + (f"：{_short(check.note, LATEST_CHARS)}" if words else "")
                         + f"（{timezone.localtime(check.at):%Y-%m-%d}）") if check else "",
        "source": task.text,
        "section": task.section or "",
        "id": task.number or task.key or str(task.pk),
        "file": doc.title or doc.original_name,
        "_document": doc,
    }


def particulars(filters: list[tuple[str, str]], n: int, user=None) -> str:
    """The line under the title: the filters of the view, how many tasks, when and by whom it was exported."""
    shown = "；".join(f"{label}：{value}" for label, value in filters) or "全部任务"
    who = f"　导出人：{user.get_full_name() or user.get_username()}" if user is not None else ""
    return f"筛选条件：{shown}　共 {n} 项　导出时间：{timezone.localtime():%Y-%m-%d %H:%M}{who}"


def audit_footer() -> str:
    """The audit chain's anchor at the time of the export, printed at the foot of every page and kept in the
    workbook's description: a copy outside the database that ``taizhang audit-verify --anchor N:摘要`` checks."""
    return audit.anchor_line(*audit.current_head())


def write_workbook(rows: list[dict], targets: list[dict] | None = None, *, filters: list[tuple[str, str]] = (),
                   user=None) -> bytes:
    """The workbook's bytes; a 来源文件 column when the rows come from more than one document."""
    docs = {r["_document"].pk: r["_document"] for r in rows}
    many = len(docs) > 1
    counts: dict[int, int] = {}
    for r in rows:
        counts[r["_document"].pk] = counts.get(r["_document"].pk, 0) + 1
    targets = targets or []
    documents = [{"title": d.title or d.original_name, "doc_number": d.doc_number, "issuer": d.issuer,
                  "issue_date": d.issue_date.isoformat() if d.issue_date else "", "region": d.region,
                  "state": label_of(type(d).State, d.state) if hasattr(d, "state") else "",
                  "published_at": (f"{timezone.localtime(d.published_at):%Y-%m-%d %H:%M}"
                                   if getattr(d, "published_at", None) else ""),
                  "source": {"name": d.original_name, "sha256": d.sha256},
                  "_tasks": f"{counts[d.pk]}（本次导出）",
                  "_targets": sum(1 for t in targets if t.get("_document_id") == d.pk)} for d in docs.values()]
    if len(docs) == 1:
        only = next(iter(docs.values()))
        plan = f"《{only.title or only.original_name}》"
    else:
        plan = f"{len(docs)} 份文件的" if docs else ""
    with tempfile.TemporaryDirectory(prefix="taizhang-export-") as tmp:
        path = Path(tmp) / "台账.xlsx"
        write_ledger_rows(rows, path, keys=EXPORT_KEYS, plan=plan, particulars=particulars(filters, len(rows), user),
                          targets=targets, documents=documents, with_file_column=many, footer=audit_footer())
        return path.read_bytes()

