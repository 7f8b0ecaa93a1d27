"""Review of a draft ledger before it is published: correct a task's fields, split, merge, delete, choose its
units and (while a draft) its deadline.

Every edit carries the ``version`` of the task as the reviewer read it: a conditional update (:func:`_bump`)
refuses a stale version with :class:`Conflict`, so two reviewers never overwrite each other silently.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from taizhang.resolve.variants import is_collective

from .. import audit
from .. import permissions as perm
from ..errors import Conflict, InvalidTransition, ServiceError
from ..models import TASK_LIFECYCLE as LIFECYCLE
from ..models import Assignment, Deadline, Document, Organisation, Target, Task
from .organisations import OnFile, file_unit, remember_alias, unit_name
from .schedule import refresh_schedule, replace_by_deadline

EDITABLE_FIELDS = ("number", "kind", "title", "text", "section", "goal", "immediate", "ongoing", "measures",
                   "span_start", "span_end", "no_lead_reason")


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
    if not task.allows("edit"):
        raise InvalidTransition(f"任务处于“{task.get_state_display()}”状态，不能修改")


def edit_task(task: Task, user, *, version: int, changes: dict, why: str = "") -> Task:
    """A reviewer corrects fields of a task; a stale ``version`` raises :class:`Conflict`."""
    perm.require_to("edit", user)
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


UNCHANGED = object()  # revise_task: the card did not send a deadline


def revise_task(task: Task, user, *, version: int | None, changes: dict, due=UNCHANGED, why: str = "") -> Task:
    """A reviewer's corrections of one task card, as the card sent them: the fields whose values differ from
    the task's are edited (:func:`edit_task`), and a draft's by-deadline is replaced when ``due`` differs
    from the current one (:func:`set_task_deadline`, with the version the edit left). ``version`` is the
    task's as the card showed it; it is needed only when something changes. Nothing to change: no event."""
    perm.require_to("edit", user)
    changes = {k: v for k, v in changes.items() if getattr(task, k) != v}
    new_due = False
    if due is not UNCHANGED and task.allows("set_deadline"):
        current = task.deadlines.filter(active=True, type="by").order_by("date").first()
        new_due = (current.date if current else None) != due
    if (changes or new_due) and version is None:
        raise ServiceError("缺少任务版本号，请刷新页面后重新编辑")
    with transaction.atomic():
        if changes:
            edit_task(task, user, version=version, changes=changes, why=why)
            version = task.version
        if new_due:
            task.refresh_from_db()
            set_task_deadline(task, user, version=version, due=due, why=why)
    return task


def _copy_relations(src: Task, dst: Task) -> None:
    """Give ``dst`` the units (with their roles) and the active deadlines of ``src`` it does not have yet."""
    have_units = {(a.organisation_id or a.name, a.role) for a in dst.assignments.all()}
    for a in src.assignments.all():
        if (a.organisation_id or a.name, a.role) not in have_units:
            have_units.add((a.organisation_id or a.name, a.role))
            Assignment.objects.create(task=dst, organisation_id=a.organisation_id, name=a.name, role=a.role,
                                      raw=a.raw, span_start=a.span_start, span_end=a.span_end,
                                      renamed_from=a.renamed_from, generic=a.generic)
    have = set(dst.deadlines.filter(active=True).values_list("type", "date", "text"))
    for d in src.deadlines.filter(active=True):
        if (d.type, d.date, d.text) not in have:
            have.add((d.type, d.date, d.text))
            Deadline.objects.create(task=dst, type=d.type, date=d.date, text=d.text, span_start=d.span_start,
                                    span_end=d.span_end)


def split_task(task: Task, user, *, version: int, at: int, why: str = "") -> Task:
    """Split the task's text at character ``at``: the task keeps the first part, a new task gets the rest."""
    perm.require_to("split", user)
    with transaction.atomic():
        task.refresh_from_db()
        _require_reviewable(task)
        if not 0 < at < len(task.text):
            raise ServiceError(f"拆分位置 {at} 不在任务文本之内（1–{len(task.text) - 1}）")
        first, second = task.text[:at].rstrip(), task.text[at:].lstrip()
        cut = task.span_start + at if task.span_start is not None else None
        old_end = task.span_end
        _bump(task, version, text=first, span_end=cut if cut is not None else task.span_end)
        Task.objects.filter(document_id=task.document_id, position__gt=task.position).update(position=F("position") + 1)
        new = Task.objects.create(
            document_id=task.document_id, parent_id=task.parent_id, position=task.position + 1, number=task.number,
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


def split_task_before(task: Task, user, *, version: int, text: str, why: str = "") -> Task:
    """:func:`split_task` where ``text`` (the first words of the second part, as a reviewer pastes them)
    first occurs in the task's text."""
    perm.require_to("split", user)
    text = (text or "").strip()
    at = task.text.find(text) if text else -1
    if at <= 0:
        raise ServiceError(f"在任务文本中找不到“{text}”，或它位于开头，无法从此处拆分")
    return split_task(task, user, version=version, at=at, why=why)


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
    perm.require_to("merge", user)
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
            if not t.allows("merge"):
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
                _bump(t, versions[t.pk], state=LIFECYCLE["merge"].target)
        children = list(Task.objects.filter(parent_id__in=absorbed).exclude(pk__in=[*absorbed, keep.pk])
                        .values_list("pk", flat=True))
        Task.objects.filter(pk__in=children).update(parent=keep)
        targets = list(Target.objects.filter(task_id__in=absorbed).values_list("pk", flat=True))
        Target.objects.filter(pk__in=targets).update(task=keep)
        for o in sorted(others, key=lambda t: (t.position, t.pk)):
            _copy_relations(o, keep)
            audit.record("task.delete", o, actor=user, task=o,
                         data={"before": Task.State.DRAFT, "merged_into": keep.pk, "why": why})
        refresh_schedule(keep)
        audit.record("task.merge", keep, actor=user, task=keep,
                     data={"kept": keep.pk, "merged": sorted(absorbed), "text": keep.text,
                           "before": before, "children": children, "targets": targets, "why": why})
    return keep


def merge_by_id(keep: Task, chosen: dict[int, int | None], user, *, version: int, why: str = "") -> Task:
    """:func:`merge_tasks` with the others given by id, each with the version the reviewer saw (None: the
    task's current one); ``version`` is ``keep``'s."""
    perm.require_to("merge", user)
    found = Task.objects.in_bulk(list(chosen))
    missing = sorted(set(chosen) - set(found))
    if missing:
        raise ServiceError(f"要合并的任务不存在：{'、'.join(map(str, missing))}")
    others = sorted(found.values(), key=lambda o: (o.position, o.pk))
    versions = {keep.pk: version, **{o.pk: chosen[o.pk] or o.version for o in others}}
    return merge_tasks(keep, others, user, versions=versions, why=why)


def delete_task(task: Task, user, *, version: int, why: str) -> Task:
    """Remove a false task (kept in the database and the audit trail as state ``deleted``)."""
    perm.require_to("delete", user)
    if not (why or "").strip():
        raise ServiceError("删除任务须说明理由")
    with transaction.atomic():
        task.refresh_from_db()
        _require_reviewable(task)
        before = task.state
        _bump(task, version, state=LIFECYCLE["delete"].target)
        audit.record("task.delete", task, actor=user, task=task, data={"before": before, "why": why})
    return task


def set_task_units(task: Task, user, *, version: int, role: str, units: list[dict], why: str = "") -> Task:
    """Replace the task's units of ``role``. Each unit: ``{"organisation": id}`` (one on file) or
    ``{"name": name}``, with an optional ``"raw"``: the plan's wording, remembered as an alias of the organisation.

    A name is what the reviewer typed: the organisation on file it names, else the lexicon's canonical name of
    it. A draft task keeps the name (organisations are filed when the plan is published); a published task's
    unit is filed at once (:func:`.organisations.file_unit`)."""
    perm.require_to("set_units", user)
    if role not in Assignment.Role.values:
        raise ServiceError(f"未知的责任角色：{role}")
    with transaction.atomic():
        task.refresh_from_db()
        _require_reviewable(task)
        jurisdiction = Document.objects.select_related("jurisdiction").only("jurisdiction").get(
            pk=task.document_id).jurisdiction
        current = list(task.assignments.filter(role=role).select_related("organisation"))
        before = [a.unit_name for a in current]
        _bump(task, version)
        previous = {a.unit_name: a for a in current}
        index = OnFile.load(jurisdiction) if task.state != Task.State.DRAFT else None
        chosen: list[tuple[Organisation | None, str, str]] = []  # (organisation or None, name, raw)
        for u in units:
            raw = (u.get("raw") or "").strip()[:200]
            if u.get("organisation"):
                org = Organisation.objects.filter(pk=u["organisation"]).first()
                if org is None:
                    raise ServiceError(f"单位 {u['organisation']} 不存在")
                name = org.name
            elif (u.get("name") or "").strip():
                name, org = unit_name(jurisdiction, u["name"])
                if org is None and index is not None:  # a published task: its units are organisations
                    org = file_unit(index, name=name, user=user, why=why or "审核时新建")
            else:
                raise ServiceError("请选择单位或填写新单位名称")
            if org is not None and raw and remember_alias(org, raw, override=True):
                audit.record("organisation.alias", org, actor=user, task=task, data={"alias": raw})
            if all((o.pk if o else n) != (org.pk if org else name) for o, n, _ in chosen):
                chosen.append((org, name[:200], raw))
        task.assignments.filter(role=role).delete()
        rows = []
        for org, name, raw in chosen:
            prev = previous.get(name)
            rows.append(Assignment(task=task, organisation=org, role=role, name=name,
                                   raw=raw or (prev.raw if prev else ""),
                                   span_start=prev.span_start if prev else None,
                                   span_end=prev.span_end if prev else None,
                                   generic=org.kind == Organisation.Kind.GENERIC if org else is_collective(
                                       name, region=jurisdiction.name)))
        Assignment.objects.bulk_create(rows)
        audit.record("task.units", task, actor=user, task=task, data={
            "role": role, "before": before, "after": [n for _, n, _ in chosen], "why": why})
    return task


def set_task_deadline(task: Task, user, *, version: int, due: date | None, text: str = "", why: str = "") -> Task:
    """Review-time correction of the by-deadline (a draft task). Published tasks use a change request."""
    perm.require_to("set_deadline", user)
    with transaction.atomic():
        task.refresh_from_db()
        if not task.allows("set_deadline"):
            raise InvalidTransition("已发布任务的时限调整须提出申请并经管理员批准")
        before = [str(d.date) for d in task.deadlines.filter(active=True, type="by")]
        _bump(task, version)
        replace_by_deadline(task, due, text or (f"{due:%Y年%m月%d日}前" if due else ""))
        audit.record("task.deadline", task, actor=user, task=task,
                     data={"before": before, "after": str(due) if due else None, "why": why})
    return task
