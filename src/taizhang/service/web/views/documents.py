"""文件: documents list, upload (import), review beside the source text, publish, original download, targets."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from taizhang.errors import TaizhangError
from taizhang.service.ledger import permissions as perms
from taizhang.service.ledger import services
from taizhang.service.ledger.errors import DuplicateDocument, NotAllowed
from taizhang.service.ledger.models import Assignment, Document, Organisation, Task

from ..access import reviewer_required, viewer_required
from ..highlight import Span, highlight
from .common import service_call

ALLOWED_SUFFIXES = (".docx", ".pdf", ".txt")


@viewer_required
def documents(request):
    docs = (services.visible_documents(request.user)
            .annotate(n_tasks=Count("tasks", filter=~Q(tasks__state="deleted")),
                      n_closed=Count("tasks", filter=Q(tasks__state="closed")))
            .select_related("imported_by", "parent").order_by("-imported_at", "-id"))
    return render(request, "web/documents.html", {"documents": docs, "can_import": perms.can_import(request.user)})


@reviewer_required
def document_upload(request):
    ctx: dict = {"parents": Document.objects.filter(state="published").only("id", "title", "original_name")}
    if request.method == "POST":
        f = request.FILES.get("file")
        if f is None:
            messages.error(request, "请选择要导入的方案文件（.docx、.pdf 或 .txt）。")
        elif not f.name.lower().endswith(ALLOWED_SUFFIXES):
            messages.error(request, f"文件“{f.name}”的类型不支持，请上传 .docx、.pdf 或 .txt 文件。")
        else:
            parent = None
            if request.POST.get("parent"):
                parent = Document.objects.filter(pk=request.POST["parent"], state="published").first()
            try:
                doc = services.import_document(f, request.user, parent=parent)
            except NotAllowed as exc:
                raise PermissionDenied(exc.message) from exc
            except DuplicateDocument as exc:
                ctx["duplicate"] = exc.existing
                ctx["duplicate_message"] = exc.message
            except TaizhangError as exc:
                messages.error(request, f"导入失败：{exc}")
            else:
                n = doc.tasks.count()
                messages.success(request, f"已导入《{doc.title or doc.original_name}》，抽取出 {n} 项任务，请逐项核对后发布。")
                return redirect("web:document_detail", pk=doc.pk)
    return render(request, "web/document_upload.html", ctx)


def _doc_spans(doc: Document, tasks: list[Task]) -> list[Span]:
    spans: list[Span] = []
    for t in tasks:
        if t.span_start is not None and t.span_end is not None:
            spans.append(Span(t.span_start, t.span_end, "task", (("data-task", str(t.pk)),)))
        for a in t.assignments.all():
            if a.span_start is not None and a.span_end is not None:
                spans.append(Span(a.span_start, a.span_end, "unit", (("title", a.organisation.name),)))
        for d in t.deadlines.all():
            if d.active and d.span_start is not None and d.span_end is not None:
                spans.append(Span(d.span_start, d.span_end, "deadline", (("title", str(d.date or "")),)))
    for g in doc.targets.all():
        if g.span_start is not None and g.span_end is not None:
            spans.append(Span(g.span_start, g.span_end, "target", (("title", g.indicator),)))
    return spans


@viewer_required
def document_detail(request, pk: int):
    """The ledger beside its source text; for reviewers the review forms (correct, split, merge, delete)."""
    doc = get_object_or_404(services.visible_documents(request.user), pk=pk)
    task_qs = doc.tasks.exclude(state="deleted")
    if not perms.can_review(request.user):
        task_qs = task_qs.exclude(state="draft")
    tasks = list(task_qs.order_by("position", "id").prefetch_related("assignments__organisation", "deadlines"))
    editable = perms.can_review(request.user)
    # Merge candidates: every draft task of the document. The page lists them once (a <template> that
    # review.js copies into a card's merge <select> when the card's form is opened); each card's own <select>
    # holds only its neighbours (the default: the next draft task, else the previous one), so the page stays
    # O(n) and merging works without scripts too.
    drafts = [t for t in tasks if t.allows("merge")] if editable else []
    place = {t.pk: i for i, t in enumerate(drafts)}
    cards = []
    for t in tasks:
        units = {r: [a for a in t.assignments.all() if a.role == r] for r in Assignment.Role.values}
        due = next((d for d in t.deadlines.all() if d.active and d.type == "by"), None)
        i = place.get(t.pk)
        neighbours = [] if i is None else drafts[i + 1:i + 2] + drafts[max(0, i - 1):i]
        cards.append({"task": t, "units": units, "due": due,
                      "editable": editable and t.allows("edit"),
                      "neighbours": neighbours})
    orgs = list(Organisation.objects.filter(jurisdiction=doc.jurisdiction).only("id", "name").order_by("name"))
    ctx = {
        "doc": doc,
        "cards": cards,
        "source": mark_safe(highlight(doc.text, _doc_spans(doc, tasks))),
        "editable": editable,
        "orgs": orgs,
        "merge_choices": drafts if len(drafts) > 1 else [],
        "roles": Assignment.Role.choices,
        "kinds": Task.Kind.choices,
        "n_targets": doc.targets.count(),
        "warnings": (doc.ledger_json or {}).get("warnings") or [],
        "can_publish": doc.state == "draft" and perms.can_publish(request.user),
    }
    return render(request, "web/document_detail.html", ctx)


def _review_task(request, doc_pk: int, pk: int) -> Task:
    return get_object_or_404(Task.objects.select_related("document"), pk=pk, document_id=doc_pk)


def _version(request) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        raise services.ServiceError("缺少任务版本号，请刷新页面后重新编辑") from None


def _to_review(doc_pk: int, task_pk: int | None = None):
    resp = redirect("web:document_detail", pk=doc_pk)
    if task_pk:
        resp["Location"] += f"#task-{task_pk}"
    return resp


@require_POST
@reviewer_required
def review_edit(request, doc_pk: int, pk: int):
    task = _review_task(request, doc_pk, pk)
    changes = {}
    for f in ("number", "title", "goal", "kind", "text"):
        if f in request.POST:
            changes[f] = request.POST[f].strip()
    for f in ("immediate", "ongoing"):
        if f"has_{f}" in request.POST:
            changes[f] = request.POST.get(f) == "on"
    changes = {k: v for k, v in changes.items() if getattr(task, k) != v}
    with service_call(request, "已保存修改。"):
        if changes:
            services.edit_task(task, request.user, version=_version(request), changes=changes,
                               why=request.POST.get("why", ""))
        due_raw = request.POST.get("due_date")
        if due_raw is not None and task.state == "draft":
            current = task.deadlines.filter(active=True, type="by").order_by("date").first()
            try:
                due = date.fromisoformat(due_raw) if due_raw else None
            except ValueError:
                raise services.ServiceError("日期格式不对，应为 YYYY-MM-DD。") from None
            if (current.date if current else None) != due:
                task.refresh_from_db()
                services.set_task_deadline(task, request.user, version=task.version if changes else
                                           _version(request), due=due, why=request.POST.get("why", ""))
    return _to_review(doc_pk, pk)


@require_POST
@reviewer_required
def review_units(request, doc_pk: int, pk: int):
    """Replace the units of one role. Each row names an organisation: one of the list (the name, or an alias,
    resolves to it) or a new one, created. The surface form written in the plan (raw) is remembered as an
    alias of the chosen organisation."""
    task = _review_task(request, doc_pk, pk)
    role = request.POST.get("role", "")
    names, raws = request.POST.getlist("unit"), request.POST.getlist("raw")
    units = []
    for i, name in enumerate(names):
        name = name.strip()
        raw = raws[i].strip() if i < len(raws) else ""
        if name:  # an organisation of the list (by name or alias), or a new one
            units.append({"name": name, "raw": raw})
    with service_call(request, "已更新责任单位。"):
        services.set_task_units(task, request.user, version=_version(request), role=role, units=units,
                                why=request.POST.get("why", ""))
    return _to_review(doc_pk, pk)


@require_POST
@reviewer_required
def review_split(request, doc_pk: int, pk: int):
    task = _review_task(request, doc_pk, pk)
    at_text = request.POST.get("at_text", "").strip()
    with service_call(request, "已拆分为两项任务。"):
        at = task.text.find(at_text) if at_text else -1
        if at <= 0:
            raise services.ServiceError(f"在任务文本中找不到“{at_text}”，或它位于开头，无法从此处拆分")
        services.split_task(task, request.user, version=_version(request), at=at,
                            why=request.POST.get("why", ""))
    return _to_review(doc_pk, pk)


@require_POST
@reviewer_required
def review_merge(request, doc_pk: int, pk: int):
    """Merge the chosen tasks (``others``: "id" or "id:version", the version as shown when the form was read)
    into this one; tasks of another document, deleted or published ones are refused by the service."""
    keep = _review_task(request, doc_pk, pk)
    chosen: dict[int, int | None] = {}
    for value in request.POST.getlist("others"):
        ident, _, version = value.partition(":")
        if ident.strip().isdigit():
            chosen[int(ident)] = int(version) if version.strip().isdigit() else None
    found = Task.objects.in_bulk(list(chosen))
    others = sorted(found.values(), key=lambda o: (o.position, o.pk))
    with service_call(request, f"已合并 {len(others)} 项任务。"):
        missing = sorted(set(chosen) - set(found))
        if missing:
            raise services.ServiceError(f"要合并的任务不存在：{'、'.join(map(str, missing))}")
        versions = {keep.pk: _version(request)}
        for o in others:
            v = request.POST.get(f"version_{o.pk}")
            versions[o.pk] = chosen[o.pk] or (int(v) if v and v.isdigit() else o.version)
        services.merge_tasks(keep, others, request.user, versions=versions, why=request.POST.get("why", ""))
    return _to_review(doc_pk, pk)


@require_POST
@reviewer_required
def review_delete(request, doc_pk: int, pk: int):
    task = _review_task(request, doc_pk, pk)
    with service_call(request, "已删除该任务（保留在办理记录中）。"):
        services.delete_task(task, request.user, version=_version(request), why=request.POST.get("why", ""))
    return _to_review(doc_pk)


@require_POST
@reviewer_required
def organisation_create(request, doc_pk: int):
    doc = get_object_or_404(Document, pk=doc_pk)
    aliases = [a.strip() for a in request.POST.get("aliases", "").replace("，", ",").split(",") if a.strip()]
    with service_call(request, f"已新建单位“{request.POST.get('name', '').strip()}”。"):
        services.create_organisation(request.user, doc.jurisdiction, request.POST.get("name", ""),
                                     kind=request.POST.get("kind") or "department", aliases=aliases)
    return _to_review(doc_pk)


@require_POST
@reviewer_required
def document_publish(request, pk: int):
    doc = get_object_or_404(Document, pk=pk)
    with service_call(request, "台账已发布，任务已交办各责任单位。"):
        services.publish_document(doc, request.user, why=request.POST.get("why", ""))
    return redirect("web:document_detail", pk=pk)


@viewer_required
def document_original(request, pk: int):
    doc = get_object_or_404(services.visible_documents(request.user), pk=pk)
    try:
        fh = services.open_file(doc.original)
    except OSError as exc:
        raise Http404("原件文件缺失") from exc
    return FileResponse(fh, as_attachment=True, filename=doc.original_name)
