"""文件: documents list, upload (import), review beside the source text, publish, original download, targets."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
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
from ..review import review_context
from .common import service_call

DOC_LIST_FIELDS = ("id", "title", "original_name", "doc_number", "issuer", "issue_date", "state", "published_at",
                   "imported_at", "format", "size", "region", "parent__id", "parent__title", "parent__original_name",
                   "imported_by__id", "imported_by__username", "imported_by__first_name", "imported_by__last_name")


@viewer_required
def documents(request):
    """The documents: never their texts or extraction results (a plan's are megabytes), and the task counts in
    one grouped query over the tasks' (document, state) index."""
    docs = list(services.visible_documents(request.user).select_related("imported_by", "parent")
                .only(*DOC_LIST_FIELDS).order_by("-imported_at", "-id"))
    counts: dict[int, dict[str, int]] = {}
    for doc_id, state, n in (Task.objects.filter(document_id__in=[d.pk for d in docs]).order_by()
                             .values_list("document_id", "state").annotate(n=Count("id"))):
        counts.setdefault(doc_id, {})[state] = n
    for d in docs:
        by_state = counts.get(d.pk, {})
        d.n_tasks = sum(n for st, n in by_state.items() if st != Task.State.DELETED)
        d.n_closed = by_state.get(Task.State.CLOSED, 0)
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


@viewer_required
def document_detail(request, pk: int):
    """The ledger beside its source text, a page of tasks at a time (:mod:`..review`); for reviewers the review
    forms (correct, split, merge, delete) and the publish checks."""
    doc = get_object_or_404(services.visible_documents(request.user).select_related("jurisdiction"), pk=pk)
    task_qs = doc.tasks.exclude(state=Task.State.DELETED)
    editable = perms.can_review(request.user)
    if not editable:
        task_qs = task_qs.exclude(state=Task.State.DRAFT)
    can_publish = doc.state == Document.State.DRAFT and perms.can_publish(request.user)
    ctx = {
        "doc": doc,
        **review_context(doc, task_qs, editable=editable, params=request.GET),
        "editable": editable,
        "roles": Assignment.Role.choices,
        "kinds": Task.Kind.choices,
        "org_kinds": [c for c in Organisation.Kind.choices if c[0] != Organisation.Kind.OTHER],
        "n_targets": doc.targets.count(),
        "can_publish": can_publish,
        "problems": services.publish_problems(doc) if can_publish else None,
    }
    return render(request, "web/document_detail.html", ctx)


def _review_task(request, doc_pk: int, pk: int) -> Task:
    return get_object_or_404(Task, pk=pk, document_id=doc_pk)


def _to_review(doc_pk: int, task_pk: int | None = None, request=None):
    """Back to the review page: the page holding the task (``?task=``), with the filter the reviewer had."""
    resp = redirect("web:document_detail", pk=doc_pk)
    params = {}
    show = (request.POST.get("show") or request.GET.get("show")) if request is not None else ""
    if show:
        params["show"] = show
    if task_pk:
        params["task"] = task_pk
    if params:
        resp["Location"] += "?" + urlencode(params)
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
    return _to_review(doc_pk, pk, request)


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
    return _to_review(doc_pk, pk, request)


@require_POST
@reviewer_required
def review_split(request, doc_pk: int, pk: int):
    task = _review_task(request, doc_pk, pk)
    form = SplitForm(request.POST)
    with service_call(request, "已拆分为两项任务。"):
        cd = cleaned(form, "split", request.user)
        services.split_task_before(task, request.user, version=_version(cd), text=cd["at_text"], why=cd["why"])
    return _to_review(doc_pk, pk, request)


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
    return _to_review(doc_pk, pk, request)


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


@reviewer_required
def document_publish(request, pk: int):
    """GET: the publish checks — what is missing, with links to the tasks — and the button; POST: publish."""
    doc = get_object_or_404(Document.objects.defer("text", "ledger_json"), pk=pk)
    if request.method == "POST":
        with service_call(request, "台账已发布，任务已交办各责任单位。"):
            services.publish_document(doc, request.user, why=cleaned(ReasonForm(request.POST), "publish",
                                                                     request.user)["why"])
        doc.refresh_from_db(fields=["state"])
        if doc.state == Document.State.DRAFT:
            return redirect("web:document_publish", pk=pk)
        return redirect("web:document_detail", pk=pk)
    perms.require_to("publish", request.user)
    problems = services.publish_problems(doc) if doc.state == Document.State.DRAFT else None
    return render(request, "web/document_publish.html", {
        "doc": doc, "problems": problems, "n_tasks": doc.tasks.exclude(state=Task.State.DELETED).count()})


@viewer_required
def document_original(request, pk: int):
    doc = get_object_or_404(services.visible_documents(request.user), pk=pk)
    try:
        fh = services.open_file(doc.original)
    except OSError as exc:
        raise Http404("原件文件缺失") from exc
    return FileResponse(fh, as_attachment=True, filename=doc.original_name)
