"""文件: documents list, upload (import), review beside the source text, publish, original download, targets."""

from __future__ import annotations

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
from ..forms import (
    MergeForm,
    OrganisationForm,
    PlanUploadForm,
    ReasonForm,
    ReviewEditForm,
    ReviewForm,
    SplitForm,
    UnitsForm,
    cleaned,
)
from ..highlight import Span, highlight
from .common import service_call


@viewer_required
def documents(request):
    docs = (services.visible_documents(request.user)
            .annotate(n_tasks=Count("tasks", filter=~Q(tasks__state="deleted")),
                      n_closed=Count("tasks", filter=Q(tasks__state="closed")))
            .select_related("imported_by", "parent").order_by("-imported_at", "-id"))
    return render(request, "web/documents.html", {"documents": docs, "can_import": perms.can_import(request.user)})


@reviewer_required
def document_upload(request):
    ctx: dict = {"parents": Document.objects.filter(state=Document.State.PUBLISHED).only("id", "title",
                                                                                          "original_name")}
    if request.method == "POST":
        form = PlanUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, next(iter(form.errors.values()))[0])
        else:
            try:
                doc = services.import_document(form.cleaned_data["file"], request.user,
                                               parent=form.cleaned_data["parent"])
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
        "org_kinds": [c for c in Organisation.Kind.choices if c[0] != Organisation.Kind.OTHER],
        "n_targets": doc.targets.count(),
        "warnings": (doc.ledger_json or {}).get("warnings") or [],
        "can_publish": doc.state == "draft" and perms.can_publish(request.user),
    }
    return render(request, "web/document_detail.html", ctx)


def _review_task(request, doc_pk: int, pk: int) -> Task:
    return get_object_or_404(Task.objects.select_related("document"), pk=pk, document_id=doc_pk)


def _to_review(doc_pk: int, task_pk: int | None = None):
    resp = redirect("web:document_detail", pk=doc_pk)
    if task_pk:
        resp["Location"] += f"#task-{task_pk}"
    return resp


@require_POST
@reviewer_required
def review_edit(request, doc_pk: int, pk: int):
    task = _review_task(request, doc_pk, pk)
    form = ReviewEditForm(request.POST)
    with service_call(request, "已保存修改。"):
        cd = cleaned(form, "edit", request.user)
        services.revise_task(task, request.user, version=cd["version"], changes=form.changes(), due=form.due(),
                             why=cd["why"])
    return _to_review(doc_pk, pk)


@require_POST
@reviewer_required
def review_units(request, doc_pk: int, pk: int):
    """Replace the units of one role. Each row names an organisation: one of the list (the name, or an alias,
    resolves to it) or a new one, created. The surface form written in the plan (raw) is remembered as an
    alias of the chosen organisation."""
    task = _review_task(request, doc_pk, pk)
    form = UnitsForm(request.POST)
    with service_call(request, "已更新责任单位。"):
        cd = cleaned(form, "set_units", request.user)
        services.set_task_units(task, request.user, version=_version(cd), role=cd["role"], units=form.units(),
                                why=cd["why"])
    return _to_review(doc_pk, pk)


@require_POST
@reviewer_required
def review_split(request, doc_pk: int, pk: int):
    task = _review_task(request, doc_pk, pk)
    form = SplitForm(request.POST)
    with service_call(request, "已拆分为两项任务。"):
        cd = cleaned(form, "split", request.user)
        services.split_task_before(task, request.user, version=_version(cd), text=cd["at_text"], why=cd["why"])
    return _to_review(doc_pk, pk)


@require_POST
@reviewer_required
def review_merge(request, doc_pk: int, pk: int):
    """Merge the chosen tasks into this one; tasks of another document, deleted or published ones are
    refused by the service."""
    keep = _review_task(request, doc_pk, pk)
    form = MergeForm(request.POST)
    chosen = form.chosen()
    with service_call(request, f"已合并 {len(chosen)} 项任务。"):
        cd = cleaned(form, "merge", request.user)
        services.merge_by_id(keep, chosen, request.user, version=_version(cd), why=cd["why"])
    return _to_review(doc_pk, pk)


@require_POST
@reviewer_required
def review_delete(request, doc_pk: int, pk: int):
    task = _review_task(request, doc_pk, pk)
    form = ReviewForm(request.POST)
    with service_call(request, "已删除该任务（保留在办理记录中）。"):
        cd = cleaned(form, "delete", request.user)
        services.delete_task(task, request.user, version=_version(cd), why=cd["why"])
    return _to_review(doc_pk)


def _version(cd: dict) -> int:
    if cd["version"] is None:
        raise services.ServiceError("缺少任务版本号，请刷新页面后重新编辑")
    return cd["version"]


@require_POST
@reviewer_required
def organisation_create(request, doc_pk: int):
    doc = get_object_or_404(Document, pk=doc_pk)
    form = OrganisationForm(request.POST)
    with service_call(request, f"已新建单位“{form.data.get('name', '').strip()}”。"):
        cd = cleaned(form, "create_organisation", request.user)
        services.create_organisation(request.user, doc.jurisdiction, cd["name"],
                                     kind=cd["kind"] or Organisation.Kind.DEPARTMENT, aliases=form.alias_list())
    return _to_review(doc_pk)


@require_POST
@reviewer_required
def document_publish(request, pk: int):
    doc = get_object_or_404(Document, pk=pk)
    with service_call(request, "台账已发布，任务已交办各责任单位。"):
        services.publish_document(doc, request.user, why=cleaned(ReasonForm(request.POST), "publish",
                                                                 request.user)["why"])
    return redirect("web:document_detail", pk=pk)


@viewer_required
def document_original(request, pk: int):
    doc = get_object_or_404(services.visible_documents(request.user), pk=pk)
    try:
        fh = services.open_file(doc.original)
    except OSError as exc:
        raise Http404("原件文件缺失") from exc
    return FileResponse(fh, as_attachment=True, filename=doc.original_name)
