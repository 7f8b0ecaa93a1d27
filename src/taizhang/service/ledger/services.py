"""Every state change of the ledger. The UI, the API and the commands call these functions only.

Each function checks the user's permission (:mod:`.permissions`), runs in one transaction, and appends
audit events (who, when, what, why, before/after). Errors are :mod:`.errors` exceptions with a Chinese
message: :class:`NotAllowed`, :class:`Conflict` (stale version), :class:`DuplicateDocument`,
:class:`InvalidTransition`, :class:`ServiceError`.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePath
from typing import Any, BinaryIO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from . import audit, lights
from . import permissions as perm
from .errors import Conflict, DuplicateDocument, InvalidTransition, ServiceError
from .models import (
    Assignment,
    Deadline,
    DeadlineChangeRequest,
    Document,
    EvidenceFile,
    Jurisdiction,
    MonitoringDataset,
    Organisation,
    OrganisationAlias,
    OrganisationRename,
    ProgressReport,
    ReportMonthCount,
    Setting,
    Target,
    Task,
    Verification,
)

PERIOD_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
EDITABLE_FIELDS = ("number", "kind", "title", "text", "section", "goal", "immediate", "ongoing", "measures",
                   "span_start", "span_end")
ROLE_OF_LEDGER_KEY = {"lead_units": "lead", "support_units": "support", "implementing_units": "territorial"}
GENERIC_RE = re.compile(r"^(各|相关|有关|所在|属地)")


# ---------------------------------------------------------------- files


@dataclass
class Upload:
    """A file handed to a service: its name as the user sees it and its bytes."""

    name: str
    content: bytes
    content_type: str = ""

    @classmethod
    def of(cls, obj: Any) -> Upload:
        if isinstance(obj, Upload):
            return obj
        if isinstance(obj, str | Path):
            path = Path(obj)
            return cls(path.name, path.read_bytes(), mimetypes.guess_type(path.name)[0] or "")
        if isinstance(obj, tuple):
            return cls(obj[0], obj[1], obj[2] if len(obj) > 2 else (mimetypes.guess_type(obj[0])[0] or ""))
        # Django UploadedFile / File / binary file object
        name = PurePath(getattr(obj, "name", "") or "file").name
        data = b"".join(obj.chunks()) if hasattr(obj, "chunks") else obj.read()
        return cls(name, data, getattr(obj, "content_type", "") or mimetypes.guess_type(name)[0] or "")

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


class _Stored:
    """Files written during one service call, removed again when the call fails (all-or-nothing)."""

    def __init__(self):
        self.created: list[str] = []

    def save(self, folder: str, upload: Upload) -> str:
        digest = upload.sha256
        suffix = PurePath(upload.name).suffix.lower()[:10]
        name = f"{folder}/{digest[:2]}/{digest}{suffix}"
        if not default_storage.exists(name):
            name = default_storage.save(name, ContentFile(upload.content))
            self.created.append(name)
        return name

    def discard(self):
        for name in self.created:
            try:
                default_storage.delete(name)
            except OSError:
                pass


# ---------------------------------------------------------------- organisations


JURISDICTION_LEVELS = (("省", "province"), ("自治区", "province"), ("市", "city"), ("州", "city"), ("盟", "city"),
                       ("县", "county"), ("区", "county"), ("旗", "county"), ("镇", "town"), ("乡", "town"),
                       ("街道", "town"))


def get_jurisdiction(name: str | None) -> Jurisdiction:
    name = (name or "").strip() or "未注明地区"
    existing = Jurisdiction.objects.filter(name=name).order_by("id").first()
    if existing:
        return existing
    level = next((lv for suffix, lv in JURISDICTION_LEVELS if name.endswith(suffix)), "other")
    return Jurisdiction.objects.create(name=name, level=level)


def find_organisation(jurisdiction: Jurisdiction, *names: str) -> Organisation | None:
    """By canonical name, then alias, then a reform rename, within the jurisdiction."""
    names = tuple(n for n in names if n)
    org = Organisation.objects.filter(jurisdiction=jurisdiction, name__in=names).first()
    if org:
        return org
    alias = OrganisationAlias.objects.filter(jurisdiction=jurisdiction, alias__in=names).select_related(
        "organisation").first()
    if alias:
        return alias.organisation
    rename = OrganisationRename.objects.filter(organisation__jurisdiction=jurisdiction, old_name__in=names
                                               ).select_related("organisation").first()
    return rename.organisation if rename else None


def _remember_alias(org: Organisation, alias: str, *, override: bool = False) -> bool:
    """Remember ``alias`` for ``org``; an existing alias is re-pointed only when a reviewer chose (override)."""
    alias = (alias or "").strip()
    if not alias or alias == org.name:
        return False
    existing = OrganisationAlias.objects.filter(jurisdiction=org.jurisdiction, alias=alias).first()
    if existing is None:
        OrganisationAlias.objects.create(jurisdiction=org.jurisdiction, alias=alias, organisation=org)
        return True
    if override and existing.organisation_id != org.pk:
        existing.organisation = org
        existing.save(update_fields=["organisation"])
        return True
    return False


def _resolve_unit(jurisdiction: Jurisdiction, unit: dict, user) -> Organisation:
    raw, name = (unit.get("raw") or "").strip(), (unit.get("name") or unit.get("raw") or "").strip()
    # The surface form first: a reviewer's earlier choice for it (an alias) beats the extractor's guess.
    org = (find_organisation(jurisdiction, raw) if raw else None) or find_organisation(jurisdiction, name)
    if org is None:
        kind = "generic" if unit.get("generic") or GENERIC_RE.match(name) else (
            "government" if name.endswith(("人民政府", "管委会", "管委会）")) else "department")
        org = Organisation.objects.create(jurisdiction=jurisdiction, name=name, kind=kind)
        audit.record("organisation.create", org, actor=user, data={"name": name, "raw": raw, "why": "导入时新建"})
    if raw and raw != org.name:
        _remember_alias(org, raw)
    renamed_from = unit.get("renamed_from")
    if renamed_from and not OrganisationRename.objects.filter(organisation=org, old_name=renamed_from).exists():
        OrganisationRename.objects.create(organisation=org, old_name=renamed_from)
    return org


def create_organisation(user, jurisdiction: Jurisdiction, name: str, *, kind: str = "department",
                        aliases: list[str] = ()) -> Organisation:
    perm.require(perm.can_review(user), "新建单位")
    name = name.strip()
    if not name:
        raise ServiceError("单位名称不能为空")
    with transaction.atomic():
        if Organisation.objects.filter(jurisdiction=jurisdiction, name=name).exists():
            raise ServiceError(f"单位“{name}”已存在")
        org = Organisation.objects.create(jurisdiction=jurisdiction, name=name, kind=kind)
        for a in aliases:
            _remember_alias(org, a)
        audit.record("organisation.create", org, actor=user, data={"name": name, "aliases": list(aliases)})
    return org


# ---------------------------------------------------------------- import


def _parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _span(obj: dict) -> tuple[int | None, int | None]:
    span = obj.get("span") or [None, None]
    return (span[0], span[1]) if len(span) == 2 else (None, None)


def _check_duplicate(sha: str, name: str) -> None:
    existing = Document.objects.filter(sha256=sha).first()
    if existing:
        raise DuplicateDocument(
            f"该文件已导入过：《{existing.title or existing.original_name}》（编号 {existing.pk}，"
            f"{timezone.localtime(existing.imported_at):%Y-%m-%d %H:%M} 导入）", existing=existing, path=name)


def import_document(file: Any, user, *, parent: Document | None = None) -> Document:
    """Read a plan (.docx/.pdf/.txt), run the extraction engine, store a draft ledger. All-or-nothing."""
    perm.require(perm.can_import(user), "导入文件")
    upload = Upload.of(file)
    _check_duplicate(upload.sha256, upload.name)
    from taizhang.pipeline import extract_document
    from taizhang.read import read_document

    suffix = PurePath(upload.name).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="taizhang-import-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(upload.content)
        source = read_document(path)
    source.name = upload.name
    result = extract_document(source)
    ledger = result.to_dict() if hasattr(result, "to_dict") else dict(result)
    return import_ledger(ledger, upload=upload, text=source.text, fmt=source.format or suffix.lstrip("."),
                         user=user, parent=parent)


def import_ledger(ledger: dict, *, upload: Upload, text: str, fmt: str, user,
                  parent: Document | None = None) -> Document:
    """Store one extracted ledger (``taizhang.ledger/1``) with its original file as a draft document."""
    perm.require(perm.can_import(user), "导入文件")
    if ledger.get("format") not in (None, "taizhang.ledger/1"):
        raise ServiceError(f"不支持的台账格式：{ledger.get('format')}", path=upload.name)
    stored = _Stored()
    try:
        with transaction.atomic():
            _check_duplicate(upload.sha256, upload.name)
            meta = ledger.get("document") or {}
            jurisdiction = get_jurisdiction(meta.get("region"))
            doc = Document.objects.create(
                title=(meta.get("title") or "")[:500], doc_number=meta.get("doc_number") or "",
                issuer=meta.get("issuer") or "", issue_date=_parse_date(meta.get("issue_date")),
                region=meta.get("region") or "", jurisdiction=jurisdiction,
                original=stored.save("originals", upload), original_name=upload.name, sha256=upload.sha256,
                size=len(upload.content), text=text, format=fmt, parent=parent, imported_by=user,
                ledger_json=ledger,
            )
            tasks_by_key: dict[str, Task] = {}
            for pos, t in enumerate(ledger.get("tasks") or []):
                start, end = _span(t)
                task = Task.objects.create(
                    document=doc, key=str(t.get("id") or ""), position=pos, number=t.get("number") or "",
                    kind=t.get("kind") or "measure", title=(t.get("title") or "")[:500], text=t.get("text") or "",
                    section=(t.get("section") or "")[:500], span_start=start, span_end=end,
                    immediate=bool(t.get("immediate")), ongoing=bool(t.get("ongoing")),
                    status_reported=t.get("status") or "", goal=t.get("goal") or "",
                    measures=list(t.get("measures") or []),
                )
                tasks_by_key[task.key] = task
                for key, role in ROLE_OF_LEDGER_KEY.items():
                    for unit in t.get(key) or []:
                        org = _resolve_unit(jurisdiction, unit, user)
                        us, ue = _span(unit)
                        Assignment.objects.get_or_create(task=task, organisation=org, role=role, defaults={
                            "raw": unit.get("raw") or "", "span_start": us, "span_end": ue})
                for d in t.get("deadlines") or []:
                    ds, de = _span(d)
                    Deadline.objects.create(task=task, type=d.get("type") or "by", date=_parse_date(d.get("date")),
                                            text=(d.get("text") or "")[:200], span_start=ds, span_end=de)
            for t in ledger.get("tasks") or []:
                if t.get("parent_id") and t["parent_id"] in tasks_by_key:
                    Task.objects.filter(pk=tasks_by_key[str(t["id"])].pk).update(parent=tasks_by_key[t["parent_id"]])
            for g in ledger.get("targets") or []:
                start, end = _span(g)
                Target.objects.create(
                    document=doc, key=str(g.get("id") or ""), indicator=g.get("indicator") or "",
                    comparator=g.get("comparator") or "<=", value=float(g.get("value")), unit=g.get("unit") or "",
                    year=g.get("year"), baseline_year=g.get("baseline_year"), stretch_value=g.get("stretch_value"),
                    text=g.get("text") or "", span_start=start, span_end=end,
                    task=tasks_by_key.get(str(g.get("task_id"))) if g.get("task_id") else None,
                )
            audit.record("document.import", doc, actor=user, data={
                "name": upload.name, "sha256": upload.sha256, "title": doc.title,
                "tasks": len(tasks_by_key), "targets": len(ledger.get("targets") or []),
                "warnings": len(ledger.get("warnings") or [])})
    except IntegrityError as exc:
        stored.discard()
        if Document.objects.filter(sha256=upload.sha256).exists():
            _check_duplicate(upload.sha256, upload.name)
        raise ServiceError(f"导入失败：{exc}", path=upload.name) from exc
    except BaseException:
        stored.discard()
        raise
    return doc


# ---------------------------------------------------------------- review


def _task_snapshot(task: Task, fields=EDITABLE_FIELDS) -> dict:
    return {f: getattr(task, f) for f in fields}


def _bump(task: Task, version: int, **changes) -> None:
    """Conditional update: only when nobody changed the task since ``version`` was read."""
    n = Task.objects.filter(pk=task.pk, version=version).update(version=F("version") + 1,
                                                                updated_at=timezone.now(), **changes)
    if n == 0:
        current = Task.objects.filter(pk=task.pk).values_list("version", flat=True).first()
        raise Conflict(f"任务 {task.pk} 已被他人修改（您编辑的是第 {version} 版，当前为第 {current} 版），请刷新后重新编辑")
    for k, v in changes.items():
        setattr(task, k, v)
    task.version = version + 1


def _require_reviewable(task: Task) -> None:
    if task.state in ("closed", "deleted"):
        raise InvalidTransition(f"任务处于“{task.get_state_display()}”状态，不能修改")


def edit_task(task: Task, user, *, version: int, changes: dict, why: str = "") -> Task:
    """A reviewer corrects fields of a task; a stale ``version`` raises :class:`Conflict`."""
    perm.require(perm.can_review(user), "修改任务")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ServiceError(f"不能修改的字段：{'、'.join(sorted(unknown))}")
    with transaction.atomic():
        task.refresh_from_db()
        _require_reviewable(task)
        before = _task_snapshot(task, changes.keys())
        _bump(task, version, **changes)
        audit.record("task.edit", task, actor=user, task=task,
                     data={"before": before, "after": _task_snapshot(task, changes.keys()), "why": why})
    return task


def _copy_relations(src: Task, dst: Task) -> None:
    """Give ``dst`` the units (with their roles) and the active deadlines of ``src`` it does not have yet."""
    for a in src.assignments.all():
        Assignment.objects.get_or_create(task=dst, organisation=a.organisation, role=a.role,
                                         defaults={"raw": a.raw, "span_start": a.span_start, "span_end": a.span_end})
    have = set(dst.deadlines.filter(active=True).values_list("type", "date", "text"))
    for d in src.deadlines.filter(active=True):
        if (d.type, d.date, d.text) not in have:
            have.add((d.type, d.date, d.text))
            Deadline.objects.create(task=dst, type=d.type, date=d.date, text=d.text, span_start=d.span_start,
                                    span_end=d.span_end)


def split_task(task: Task, user, *, version: int, at: int, why: str = "") -> Task:
    """Split the task's text at character ``at``: the task keeps the first part, a new task gets the rest."""
    perm.require(perm.can_review(user), "拆分任务")
    with transaction.atomic():
        task.refresh_from_db()
        _require_reviewable(task)
        if not 0 < at < len(task.text):
            raise ServiceError(f"拆分位置 {at} 不在任务文本之内（1–{len(task.text) - 1}）")
        first, second = task.text[:at].rstrip(), task.text[at:].lstrip()
        cut = task.span_start + at if task.span_start is not None else None
        old_end = task.span_end
        _bump(task, version, text=first, span_end=cut if cut is not None else task.span_end)
        Task.objects.filter(document=task.document, position__gt=task.position).update(position=F("position") + 1)
        new = Task.objects.create(
            document=task.document, parent=task.parent, position=task.position + 1, number=task.number,
            kind=task.kind, title=second[:60], text=second, section=task.section,
            span_start=cut, span_end=old_end, state=task.state, immediate=task.immediate, ongoing=task.ongoing,
            goal=task.goal, start_date=task.start_date,
        )
        _copy_relations(task, new)
        refresh_schedule(new)
        audit.record("task.split", task, actor=user, task=task,
                     data={"at": at, "new_task": new.pk, "first": first, "second": second, "why": why})
        audit.record("task.create", new, actor=user, task=new, data={"split_from": task.pk, "why": why})
    return new


def _merged_parent(keep: Task, absorbed: set[int]) -> int | None:
    """The parent of the merged task: its own, unless a task merged into it is one of its ancestors — then the
    merged task takes the place of the topmost such ancestor (that ancestor's parent), which leaves no cycle."""
    parent, seen = keep.parent_id, set()
    ancestor = keep.parent_id
    while ancestor is not None and ancestor not in seen:
        seen.add(ancestor)
        above = Task.objects.filter(pk=ancestor).values_list("parent_id", flat=True).first()
        if ancestor in absorbed:
            parent = above
        ancestor = above
    return parent


def merge_tasks(keep: Task, others: list[Task], user, *, versions: dict[int, int], why: str = "") -> Task:
    """Merge ``others`` into ``keep``: any draft tasks of the same document, wherever they stand.

    The merged task takes the texts joined in document order (position), the span from the first start to the
    last end, the first position, every unit with its role, the active deadlines, the goals and measures, and
    the targets and children of the others; the others become ``deleted``. Each task's ``version`` (from
    ``versions``) must still be current, else :class:`Conflict` and nothing changes."""
    perm.require(perm.can_review(user), "合并任务")
    if not others:
        raise ServiceError("请选择要合并的任务")
    ids = [keep.pk, *(o.pk for o in others)]
    if len(set(ids)) != len(ids):
        raise ServiceError("不能把任务与它自身合并，也不能重复选择同一项任务")
    with transaction.atomic():
        tasks = [keep, *others]
        for t in tasks:
            t.refresh_from_db()
            if t.document_id != keep.document_id:
                raise ServiceError(f"只能合并同一文件中的任务：任务 {t.pk} 属于另一份文件")
            if t.state != "draft":
                raise InvalidTransition(f"只能合并待审核的任务：任务 {t.number or t.pk} 处于“{t.get_state_display()}”状态")
            if t.pk not in versions:
                raise ServiceError(f"缺少任务 {t.pk} 的版本号")
        ordered = sorted(tasks, key=lambda t: (t.position, t.pk))
        absorbed = {o.pk for o in others}
        starts = [t.span_start for t in tasks if t.span_start is not None]
        ends = [t.span_end for t in tasks if t.span_end is not None]
        goals = list(dict.fromkeys(t.goal.strip() for t in ordered if t.goal.strip()))
        changes = {
            "text": "".join(t.text for t in ordered),
            "span_start": min(starts) if starts else None,
            "span_end": max(ends) if ends else None,
            "position": ordered[0].position,
            "title": keep.title or next((t.title for t in ordered if t.title), ""),
            "number": keep.number or next((t.number for t in ordered if t.number), ""),
            "goal": "；".join(goals),
            "measures": [m for t in ordered for m in (t.measures or [])],
            "immediate": any(t.immediate for t in tasks),
            "ongoing": any(t.ongoing for t in tasks),
            "parent_id": _merged_parent(keep, absorbed),
        }
        changes = {k: v for k, v in changes.items() if getattr(keep, k) != v}
        before = {k: getattr(keep, k) for k in changes}
        # conditional updates in primary-key order: two merges of overlapping tasks lock rows in the same order
        for t in sorted(tasks, key=lambda t: t.pk):
            if t.pk == keep.pk:
                _bump(keep, versions[keep.pk], **changes)
            else:
                _bump(t, versions[t.pk], state="deleted")
        children = list(Task.objects.filter(parent_id__in=absorbed).exclude(pk__in=[*absorbed, keep.pk])
                        .values_list("pk", flat=True))
        Task.objects.filter(pk__in=children).update(parent=keep)
        targets = list(Target.objects.filter(task_id__in=absorbed).values_list("pk", flat=True))
        Target.objects.filter(pk__in=targets).update(task=keep)
        for o in sorted(others, key=lambda t: (t.position, t.pk)):
            _copy_relations(o, keep)
            audit.record("task.delete", o, actor=user, task=o,
                         data={"before": "draft", "merged_into": keep.pk, "why": why})
        refresh_schedule(keep)
        audit.record("task.merge", keep, actor=user, task=keep,
                     data={"kept": keep.pk, "merged": sorted(absorbed), "text": keep.text,
                           "before": before, "children": children, "targets": targets, "why": why})
    return keep


def delete_task(task: Task, user, *, version: int, why: str) -> Task:
    """Remove a false task (kept in the database and the audit trail as state ``deleted``)."""
    perm.require(perm.can_review(user), "删除任务")
    if not (why or "").strip():
        raise ServiceError("删除任务须说明理由")
    with transaction.atomic():
        task.refresh_from_db()
        _require_reviewable(task)
        before = task.state
        _bump(task, version, state="deleted")
        audit.record("task.delete", task, actor=user, task=task, data={"before": before, "why": why})
    return task


def set_task_units(task: Task, user, *, version: int, role: str, units: list[dict], why: str = "") -> Task:
    """Replace the task's units of ``role``. Each unit: ``{"organisation": id}`` or ``{"name": new name}``,
    with an optional ``"raw"`` surface form that is remembered as an alias of the chosen organisation."""
    perm.require(perm.can_review(user), "修改责任单位")
    if role not in dict(Assignment.ROLES):
        raise ServiceError(f"未知的责任角色：{role}")
    with transaction.atomic():
        task.refresh_from_db()
        _require_reviewable(task)
        jurisdiction = task.document.jurisdiction
        before = list(task.assignments.filter(role=role).values_list("organisation__name", flat=True))
        _bump(task, version)
        old_raw = {a.organisation_id: a for a in task.assignments.filter(role=role)}
        chosen: list[tuple[Organisation, str]] = []
        for u in units:
            raw = (u.get("raw") or "").strip()
            if u.get("organisation"):
                org = Organisation.objects.filter(pk=u["organisation"]).first()
                if org is None:
                    raise ServiceError(f"单位 {u['organisation']} 不存在")
            elif (u.get("name") or "").strip():
                name = u["name"].strip()
                org = find_organisation(jurisdiction, name)
                if org is None:
                    org = Organisation.objects.create(jurisdiction=jurisdiction, name=name,
                                                      kind=u.get("kind") or "department")
                    audit.record("organisation.create", org, actor=user, task=task,
                                 data={"name": name, "why": why or "审核时新建"})
            else:
                raise ServiceError("请选择单位或填写新单位名称")
            if raw and _remember_alias(org, raw, override=True):
                audit.record("organisation.alias", org, actor=user, task=task, data={"alias": raw})
            chosen.append((org, raw))
        task.assignments.filter(role=role).delete()
        for org, raw in chosen:
            prev = old_raw.get(org.pk)
            Assignment.objects.get_or_create(task=task, organisation=org, role=role, defaults={
                "raw": raw or (prev.raw if prev else ""), "span_start": prev.span_start if prev else None,
                "span_end": prev.span_end if prev else None})
        audit.record("task.units", task, actor=user, task=task, data={
            "role": role, "before": before, "after": [o.name for o, _ in chosen], "why": why})
    return task


def set_task_deadline(task: Task, user, *, version: int, due: date | None, text: str = "", why: str = "") -> Task:
    """Review-time correction of the by-deadline (a draft task). Published tasks use a change request."""
    perm.require(perm.can_review(user), "修改时限")
    with transaction.atomic():
        task.refresh_from_db()
        if task.state != "draft":
            raise InvalidTransition("已发布任务的时限调整须提出申请并经管理员批准")
        before = [str(d.date) for d in task.deadlines.filter(active=True, type="by")]
        _bump(task, version)
        _replace_by_deadline(task, due, text or (f"{due:%Y年%m月%d日}前" if due else ""))
        audit.record("task.deadline", task, actor=user, task=task,
                     data={"before": before, "after": str(due) if due else None, "why": why})
    return task


def _replace_by_deadline(task: Task, due: date | None, text: str) -> Deadline | None:
    new = Deadline.objects.create(task=task, type="by", date=due, text=text[:200]) if due else None
    task.deadlines.filter(active=True, type="by").exclude(pk=new.pk if new else None).update(
        active=False, superseded_by=new)
    refresh_schedule(task)
    return new


# ---------------------------------------------------------------- schedule


def refresh_schedule(task: Task) -> None:
    """Recompute the denormalised schedule columns the lights read."""
    by = task.deadlines.filter(active=True, type="by", date__isnull=False).order_by("date").values_list(
        "date", flat=True).first()
    frm = task.deadlines.filter(active=True, type="from", date__isnull=False).order_by("-date").values_list(
        "date", flat=True).first()
    published = task.document.published_at
    start = frm or (timezone.localdate(published) if published else None)
    fields = {"due_date": by, "start_date": start,
              "behind_after": lights.behind_after(start, by, task.last_percent)}
    Task.objects.filter(pk=task.pk).update(**fields)
    for k, v in fields.items():
        setattr(task, k, v)


def publish_document(document: Document, user, *, why: str = "") -> Document:
    """Draft → published: all its draft tasks become active (交办)."""
    perm.require(perm.can_publish(user), "发布台账")
    with transaction.atomic():
        n = Document.objects.filter(pk=document.pk, state="draft").update(state="published",
                                                                          published_at=timezone.now())
        if n == 0:
            raise InvalidTransition("该文件已发布")
        document.refresh_from_db()
        tasks = list(document.tasks.filter(state="draft"))
        Task.objects.filter(pk__in=[t.pk for t in tasks]).update(state="active", version=F("version") + 1)
        for task in tasks:
            task.state = "active"
            refresh_schedule(task)
            audit.record("task.publish", task, actor=user, task=task,
                         data={"before": "draft", "after": "active", "due_date": task.due_date})
        audit.record("document.publish", document, actor=user, data={"tasks": len(tasks), "why": why})
    return document


# ---------------------------------------------------------------- progress and verification


def _transition(task: Task, from_states: tuple[str, ...], to_state: str, **extra) -> str:
    before = Task.objects.filter(pk=task.pk).values_list("state", flat=True).first()
    n = Task.objects.filter(pk=task.pk, state__in=from_states).update(state=to_state, updated_at=timezone.now(),
                                                                      **extra)
    if n == 0:
        labels = dict(Task.STATES)
        raise InvalidTransition(
            f"任务当前状态为“{labels.get(before, before)}”，不能变为“{labels[to_state]}”")
    task.state = to_state
    for k, v in extra.items():
        setattr(task, k, v)
    return before


def _check_period(period: str) -> str:
    period = (period or "").strip()
    if not PERIOD_RE.match(period):
        raise ServiceError(f"报送期“{period}”格式不对，应为 YYYY-MM")
    return period


def _check_percent(percent: Any) -> int:
    try:
        value = int(percent)
    except (TypeError, ValueError):
        raise ServiceError(f"完成进度“{percent}”应为 0–100 的整数") from None
    if not 0 <= value <= 100:
        raise ServiceError(f"完成进度 {value} 应在 0–100 之间")
    return value


def _reporting_organisation(user, task: Task) -> Organisation | None:
    org_id = perm.organisation_id_of(user)
    if org_id is not None:
        return Organisation.objects.filter(pk=org_id).first()
    lead = task.assignments.filter(role="lead").select_related("organisation").first()
    return lead.organisation if lead else None


def _create_report(task: Task, user, *, period: str, text: str, percent: int, files: list, claim: bool,
                   stored: _Stored) -> ProgressReport:
    report = ProgressReport.objects.create(
        task=task, organisation=_reporting_organisation(user, task), period=period, text=text,
        percent=percent, submitted_by=user, is_completion_claim=claim)
    ReportMonthCount.add(period)  # the dashboard's monthly trend, in the same transaction
    saved = []
    for f in files:
        up = Upload.of(f)
        if not up.content:
            raise ServiceError(f"佐证材料“{up.name}”是空文件")
        ev = EvidenceFile.objects.create(report=report, file=stored.save("evidence", up), original_name=up.name,
                                         sha256=up.sha256, size=len(up.content), content_type=up.content_type)
        saved.append({"id": ev.pk, "name": up.name, "sha256": up.sha256, "size": len(up.content)})
    Task.objects.filter(pk=task.pk).update(last_percent=percent, last_period=period,
                                           last_reported_at=report.submitted_at)
    task.last_percent, task.last_period = percent, period
    refresh_schedule(task)
    audit.record("report.claim" if claim else "report.submit", report, actor=user, task=task, data={
        "period": period, "percent": percent, "text": text, "files": saved,
        "organisation": report.organisation.name if report.organisation else None})
    return report


def submit_progress(task: Task, user, *, period: str, text: str, percent: Any, files: list = ()) -> ProgressReport:
    """A monthly progress report (liaison of a lead/support unit, or admin), with optional evidence files."""
    perm.require(perm.can_report(user, task), "报送该任务的进展（仅牵头或配合单位可报送）")
    period, percent = _check_period(period), _check_percent(percent)
    if not (text or "").strip():
        raise ServiceError("请填写进展情况")
    stored = _Stored()
    try:
        with transaction.atomic():
            state = Task.objects.filter(pk=task.pk).values_list("state", flat=True).first()
            if state != "active":
                raise InvalidTransition(f"任务当前状态为“{dict(Task.STATES).get(state)}”，不能报送进展")
            return _create_report(task, user, period=period, text=text.strip(), percent=percent,
                                  files=list(files), claim=False, stored=stored)
    except BaseException:
        stored.discard()
        raise


def claim_completion(task: Task, user, *, text: str, files: list, period: str | None = None) -> ProgressReport:
    """申请销号: active → claimed, with at least one evidence file."""
    perm.require(perm.can_claim(user, task), "为该任务申请销号")
    if not files:
        raise ServiceError("申请销号必须上传佐证材料")
    if not (text or "").strip():
        raise ServiceError("请说明完成情况")
    today = timezone.localdate()
    period = _check_period(period or f"{today.year:04d}-{today.month:02d}")
    stored = _Stored()
    try:
        with transaction.atomic():
            _transition(task, ("active",), "claimed")
            report = _create_report(task, user, period=period, text=text.strip(), percent=100, files=list(files),
                                    claim=True, stored=stored)
            audit.record("task.claim", task, actor=user, task=task,
                         data={"before": "active", "after": "claimed", "report": report.pk, "why": text.strip()})
            return report
    except BaseException:
        stored.discard()
        raise


def _latest_claim(task: Task) -> ProgressReport | None:
    return task.reports.filter(is_completion_claim=True).order_by("-submitted_at", "-id").first()


def close_task(task: Task, user, *, note: str) -> Verification:
    """核查销号: claimed → closed, by an inspector or admin, with a verification note."""
    perm.require(perm.can_verify(user), "核查销号")
    if not (note or "").strip():
        raise ServiceError("销号须填写核查意见")
    with transaction.atomic():
        _transition(task, ("claimed",), "closed", closed_at=timezone.now())
        v = Verification.objects.create(task=task, report=_latest_claim(task), inspector=user, result="closed",
                                        note=note.strip())
        audit.record("task.close", task, actor=user, task=task,
                     data={"before": "claimed", "after": "closed", "verification": v.pk, "why": note.strip()})
    return v


def reject_claim(task: Task, user, *, note: str) -> Verification:
    """核查不通过: claimed → active, with the reason."""
    perm.require(perm.can_verify(user), "退回销号申请")
    if not (note or "").strip():
        raise ServiceError("退回须填写核查意见")
    with transaction.atomic():
        _transition(task, ("claimed",), "active")
        v = Verification.objects.create(task=task, report=_latest_claim(task), inspector=user, result="rejected",
                                        note=note.strip())
        audit.record("task.reject", task, actor=user, task=task,
                     data={"before": "claimed", "after": "active", "verification": v.pk, "why": note.strip()})
    return v


def reopen_task(task: Task, user, *, reason: str) -> Task:
    """反弹回潮: closed → active, with the reason."""
    perm.require(perm.can_reopen(user), "重新打开任务")
    if not (reason or "").strip():
        raise ServiceError("重新打开任务须说明理由（如反弹回潮的情况）")
    with transaction.atomic():
        _transition(task, ("closed",), "active", closed_at=None)
        refresh_schedule(task)
        audit.record("task.reopen", task, actor=user, task=task,
                     data={"before": "closed", "after": "active", "why": reason.strip()})
    return task


# ---------------------------------------------------------------- deadline changes


def request_deadline_change(task: Task, user, *, new_date: date, reason: str) -> DeadlineChangeRequest:
    perm.require(perm.can_request_deadline_change(user, task), "申请调整该任务的时限")
    if not (reason or "").strip():
        raise ServiceError("申请调整时限须说明理由")
    if isinstance(new_date, str):
        new_date = _parse_date(new_date) or _bad_date(new_date)
    with transaction.atomic():
        task.refresh_from_db()
        if task.state not in ("active", "claimed"):
            raise InvalidTransition("只有推进中的任务可以申请调整时限")
        current = task.deadlines.filter(active=True, type="by").order_by("date").first()
        req = DeadlineChangeRequest.objects.create(task=task, deadline=current, new_date=new_date,
                                                   reason=reason.strip(), requested_by=user)
        audit.record("deadline.request", req, actor=user, task=task, data={
            "from": str(current.date) if current and current.date else None, "to": str(new_date),
            "why": reason.strip()})
    return req


def _bad_date(value) -> date:
    raise ServiceError(f"日期“{value}”格式不对，应为 YYYY-MM-DD")


def decide_deadline_change(req: DeadlineChangeRequest, user, *, approve: bool, note: str = "") -> DeadlineChangeRequest:
    perm.require(perm.can_decide_deadline_change(user), "审批时限调整")
    with transaction.atomic():
        n = DeadlineChangeRequest.objects.filter(pk=req.pk, state="pending").update(
            state="approved" if approve else "rejected", decided_by=user, decided_at=timezone.now(),
            decision_note=note.strip())
        if n == 0:
            raise InvalidTransition("该申请已处理")
        req.refresh_from_db()
        task = req.task
        if approve:
            _replace_by_deadline(task, req.new_date, f"{req.new_date:%Y年%m月%d日}前（经批准调整）")
        audit.record("deadline.approve" if approve else "deadline.reject", req, actor=user, task=task, data={
            "to": str(req.new_date), "why": note.strip(), "request_reason": req.reason})
    return req


def approve_deadline_change(req, user, *, note: str = ""):
    return decide_deadline_change(req, user, approve=True, note=note)


def reject_deadline_change(req, user, *, note: str = ""):
    return decide_deadline_change(req, user, approve=False, note=note)


# ---------------------------------------------------------------- monitoring data


def add_monitoring_dataset(file: Any, user, *, jurisdiction: Jurisdiction, kind: str = "air",
                           note: str = "") -> MonitoringDataset:
    """Store a monitoring file (hourly air data or water samples, CSV/.xlsx) for ``jurisdiction``: the
    original file, what the domain reader made of it, the period, stations and row count. All-or-nothing:
    a bad file raises :class:`ServiceError` with its name and line and nothing is stored; the same file
    (same SHA-256) uploaded again raises :class:`DuplicateDocument`. The reader's warnings (ignored
    columns) are on the returned dataset as ``warnings``."""
    from . import monitoring

    perm.require(perm.can_upload_monitoring(user), "上传监测数据")
    upload = Upload.of(file)
    note = (note or "").strip()
    if len(note) > 200:
        raise ServiceError("备注不能超过200字")
    _check_duplicate_dataset(upload)
    parsed = monitoring.parse(upload.name, upload.content, kind)
    stored = _Stored()
    try:
        with transaction.atomic():
            _check_duplicate_dataset(upload)
            ds = MonitoringDataset.objects.create(
                jurisdiction=jurisdiction, kind=kind, original=stored.save("monitoring", upload),
                original_name=upload.name[:300], sha256=upload.sha256, size=len(upload.content),
                parsed=stored.save("monitoring", Upload(f"parsed{parsed.suffix}", parsed.content)),
                layout=parsed.layout, period_start=parsed.period_start, period_end=parsed.period_end,
                years=parsed.years, stations=parsed.stations, items=parsed.items, records=parsed.records,
                note=note, uploaded_by=user)
            audit.record("monitoring.upload", ds, actor=user, data={
                "name": upload.name, "sha256": upload.sha256, "kind": kind, "jurisdiction": jurisdiction.name,
                "period": [parsed.period_start, parsed.period_end], "stations": parsed.stations,
                "records": parsed.records, "note": note})
    except IntegrityError as exc:
        stored.discard()
        _check_duplicate_dataset(upload)
        raise ServiceError(f"保存失败：{exc}", path=upload.name) from exc
    except BaseException:
        stored.discard()
        raise
    ds.warnings = parsed.warnings
    return ds


def _check_duplicate_dataset(upload: Upload) -> None:
    existing = MonitoringDataset.objects.filter(sha256=upload.sha256).select_related(
        "jurisdiction", "uploaded_by").first()
    if existing:
        raise DuplicateDocument(
            f"该监测数据文件已上传过：{existing.jurisdiction.name}{existing.get_kind_display()}"
            f"“{existing.original_name}”（数据集编号 {existing.pk}，{existing.uploaded_by.get_username()} 于 "
            f"{timezone.localtime(existing.uploaded_at):%Y-%m-%d %H:%M} 上传），未重复保存",
            existing=existing, path=upload.name)


# ---------------------------------------------------------------- settings


def set_warning_days(user, days: int) -> None:
    perm.require(perm.can_manage(user), "修改预警天数")
    days = int(days)
    if not 0 <= days <= 365:
        raise ServiceError("预警天数应在 0–365 之间")
    with transaction.atomic():
        before = lights.warning_days()
        Setting.objects.update_or_create(key="warning_days", defaults={"value": str(days)})
        audit.record("setting.change", object_type="setting", object_id="warning_days", actor=user,
                     data={"before": before, "after": days})


# ---------------------------------------------------------------- queries


def timeline(task: Task) -> list[dict]:
    """The task's history for display: every audit event about it, oldest first."""
    return [
        {"seq": e.seq, "at": e.at, "actor": e.actor_name, "action": e.action, "data": e.data}
        for e in audit.AuditEvent.objects.filter(task=task).order_by("seq")
    ]


def disclosure() -> list[dict]:
    """What the public may see (no login): published documents and their non-deleted tasks, without
    evidence, reports' text or any personal data."""
    out = []
    docs = Document.objects.filter(state="published").order_by("-published_at", "-id")
    for doc in docs:
        tasks = doc.tasks.exclude(state__in=("draft", "deleted")).order_by("position", "id").prefetch_related(
            "assignments__organisation")
        out.append({
            "id": doc.pk, "title": doc.title, "doc_number": doc.doc_number, "issuer": doc.issuer,
            "issue_date": doc.issue_date, "published_at": doc.published_at,
            "tasks": [{
                "id": t.pk, "number": t.number, "title": t.title, "text": t.text, "state": t.state,
                "state_label": t.get_state_display(), "due_date": t.due_date, "last_percent": t.last_percent,
                "closed_at": t.closed_at,
                "lead_units": [a.organisation.name for a in t.assignments.all() if a.role == "lead"],
                "support_units": [a.organisation.name for a in t.assignments.all() if a.role == "support"],
            } for t in tasks],
        })
    return out


def open_file(field) -> BinaryIO:
    return default_storage.open(field.name, "rb")


def now() -> datetime:
    return timezone.now()
