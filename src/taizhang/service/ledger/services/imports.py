"""Import of a plan: the file is read and extracted by the domain pipeline, and the ledger
(``taizhang.ledger/1``, see docs/dev/ledger-format.md) is stored as a draft document with its tasks, units,
deadlines and targets. All-or-nothing, and the same file (same SHA-256) is never imported twice. A draft's units
are names: the organisations are filed when the plan is published (:func:`.organisations.file_units`), so an
import never changes the office's unit list.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from taizhang import limits
from taizhang.ledger import Comparator, DeadlineType, TaskKind, UnitRole

from .. import audit
from .. import permissions as perm
from ..errors import DuplicateDocument, ServiceError
from ..models import Assignment, Deadline, Document, Target, Task
from ..values import lenient_date
from .files import Upload, stored_files
from .organisations import get_jurisdiction

BATCH = 500  # rows per INSERT (SQLite takes up to 32766 parameters a statement)


def _span(obj: dict) -> tuple[int | None, int | None]:
    span = obj.get("span") or [None, None]
    return (span[0], span[1]) if len(span) == 2 else (None, None)


def check_duplicate(sha: str, name: str) -> None:
    """Refuse a file imported before (:class:`DuplicateDocument` naming the earlier import)."""
    existing = Document.objects.filter(sha256=sha).first()
    if existing:
        raise DuplicateDocument(
            f"该文件已导入过：《{existing.title or existing.original_name}》（编号 {existing.pk}，"
            f"{timezone.localtime(existing.imported_at):%Y-%m-%d %H:%M} 导入）", existing=existing, path=name)


def import_document(file: Any, user, *, parent: Document | None = None) -> Document:
    """Read a plan (.docx/.pdf/.txt), run the extraction engine, store a draft ledger. All-or-nothing."""
    perm.require_to("import", user)
    upload = Upload.of(file, limits.DOCUMENT_BYTES)
    check_duplicate(upload.sha256, upload.name)
    from taizhang.pipeline import extract_document
    from taizhang.read import read_bytes

    suffix = PurePath(upload.name).suffix.lower()
    # read from the bytes under the user's own file name: an error names that file, never a server path
    source = read_bytes(upload.content, upload.name)
    result = extract_document(source)
    ledger = result.to_dict() if hasattr(result, "to_dict") else dict(result)
    return import_ledger(ledger, upload=upload, text=source.text, fmt=source.format or suffix.lstrip("."),
                         user=user, parent=parent)


def import_ledger(ledger: dict, *, upload: Upload, text: str, fmt: str, user,
                  parent: Document | None = None) -> Document:
    """Store one extracted ledger (``taizhang.ledger/1``) with its original file as a draft document."""
    perm.require_to("import", user)
    if ledger.get("format") not in (None, "taizhang.ledger/1"):
        raise ServiceError(f"不支持的台账格式：{ledger.get('format')}", path=upload.name)
    with stored_files() as stored:
        try:
            with transaction.atomic():
                check_duplicate(upload.sha256, upload.name)
                doc = _store_ledger(ledger, upload=upload, text=text, fmt=fmt, user=user, parent=parent,
                                    original=stored.save("originals", upload))
        except IntegrityError as exc:
            if Document.objects.filter(sha256=upload.sha256).exists():
                check_duplicate(upload.sha256, upload.name)
            raise ServiceError(f"导入失败：{exc}", path=upload.name) from exc
    return doc


def _store_ledger(ledger: dict, *, upload: Upload, text: str, fmt: str, user, parent: Document | None,
                  original: str) -> Document:
    """The rows of one ledger (inside the caller's transaction)."""
    meta = ledger.get("document") or {}
    jurisdiction = get_jurisdiction(meta.get("region"))
    doc = Document.objects.create(
        title=(meta.get("title") or "")[:500], doc_number=meta.get("doc_number") or "",
        issuer=meta.get("issuer") or "", issue_date=lenient_date(meta.get("issue_date")),
        region=meta.get("region") or "", jurisdiction=jurisdiction,
        original=original, original_name=upload.name, sha256=upload.sha256,
        size=len(upload.content), text=text, format=fmt, parent=parent, imported_by=user,
        ledger_json=ledger,
    )
    items = list(ledger.get("tasks") or [])
    tasks = Task.objects.bulk_create([Task(
        document=doc, key=str(t.get("id") or ""), position=pos, number=t.get("number") or "",
        kind=t.get("kind") or TaskKind.MEASURE, title=(t.get("title") or "")[:500], text=t.get("text") or "",
        section=(t.get("section") or "")[:500], span_start=_span(t)[0], span_end=_span(t)[1],
        immediate=bool(t.get("immediate")), ongoing=bool(t.get("ongoing")),
        status_reported=t.get("status") or "", goal=t.get("goal") or "",
        measures=list(t.get("measures") or []),
    ) for pos, t in enumerate(items)], batch_size=BATCH)
    tasks_by_key: dict[str, Task] = {task.key: task for task in tasks}
    # The units are the plan's names (the resolver's canonical names): organisations are filed at publication.
    assignments: dict[tuple[int, str, str], Assignment] = {}
    deadlines: list[Deadline] = []
    for task, t in zip(tasks, items, strict=True):
        for role in UnitRole:
            for unit in t.get(role.ledger_key) or []:
                raw = (unit.get("raw") or "").strip()[:200]
                name = (unit.get("name") or raw).strip()[:200]
                if not name:
                    continue
                us, ue = _span(unit)
                assignments.setdefault((task.pk, role.value, name), Assignment(
                    task=task, role=role.value, name=name, raw=raw, span_start=us, span_end=ue,
                    renamed_from=(unit.get("renamed_from") or "")[:200], generic=bool(unit.get("generic"))))
        for d in t.get("deadlines") or []:
            ds, de = _span(d)
            deadlines.append(Deadline(task=task, type=d.get("type") or DeadlineType.BY,
                                      date=lenient_date(d.get("date")), text=(d.get("text") or "")[:200],
                                      span_start=ds, span_end=de))
    Assignment.objects.bulk_create(assignments.values(), batch_size=BATCH)
    Deadline.objects.bulk_create(deadlines, batch_size=BATCH)
    children = []
    for task, t in zip(tasks, items, strict=True):
        parent = tasks_by_key.get(str(t.get("parent_id"))) if t.get("parent_id") else None
        if parent is not None and parent.pk != task.pk:
            task.parent = parent
            children.append(task)
    Task.objects.bulk_update(children, ["parent"], batch_size=BATCH)
    for g in ledger.get("targets") or []:
        start, end = _span(g)
        Target.objects.create(
            document=doc, key=str(g.get("id") or ""), indicator=g.get("indicator") or "",
            comparator=g.get("comparator") or Comparator.AT_MOST, value=float(g.get("value")), unit=g.get("unit") or "",
            year=g.get("year"), baseline_year=g.get("baseline_year"), stretch_value=g.get("stretch_value"),
            text=g.get("text") or "", span_start=start, span_end=end,
            task=tasks_by_key.get(str(g.get("task_id"))) if g.get("task_id") else None,
        )
    audit.record("document.import", doc, actor=user, data={
        "name": upload.name, "sha256": upload.sha256, "title": doc.title,
        "tasks": len(tasks_by_key), "targets": len(ledger.get("targets") or []),
        "warnings": len(ledger.get("warnings") or [])})
    return doc
