"""Task detail and its action forms: progress, completion claim, close/reject, reopen, deadline changes."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from taizhang.service.ledger import lights, services
from taizhang.service.ledger import permissions as perms
from taizhang.service.ledger.models import (
    Assignment,
    DeadlineChangeRequest,
    EvidenceFile,
    ProgressReport,
    Task,
)
from taizhang.service.ledger.services.files import download

from ..access import viewer_required
from ..forms import (
    DeadlineDecisionForm,
    DeadlineRequestForm,
    ProgressForm,
    ReopenForm,
    VerifyForm,
    cleaned,
)
from ..highlight import Span, context_window, highlight
from .common import service_call

ACTION_LABELS = {
    "document.import": "导入文件", "document.publish": "发布台账", "task.publish": "交办（发布）",
    "task.edit": "修改任务", "task.split": "拆分任务", "task.merge": "合并任务", "task.delete": "删除任务",
    "task.create": "新建任务", "task.units": "修改责任单位", "task.deadline": "修改时限",
    "report.submit": "报送进展", "report.claim": "报送完成情况", "task.claim": "申请销号",
    "task.close": "核查销号", "task.reject": "退回销号申请", "task.reopen": "重新打开（反弹回潮）",
    "deadline.request": "申请调整时限", "deadline.approve": "批准时限调整", "deadline.reject": "驳回时限调整",
    "organisation.create": "新建单位", "organisation.alias": "记住单位别名",
}


def _task_for(request, pk: int) -> Task:
    return get_object_or_404(services.visible_tasks(request.user).select_related("document"), pk=pk)


def current_period() -> str:
    today = lights.today_local()
    return f"{today.year:04d}-{today.month:02d}"


def source_excerpt(task: Task) -> str:
    """The task's sentence in its document context, with the task, its units and deadlines marked."""
    text = task.document.text or ""
    if task.span_start is None or task.span_end is None or not text:
        return ""
    a, b = context_window(text, task.span_start, task.span_end)
    spans = [Span(task.span_start, task.span_end, "task", (("data-task", str(task.pk)),))]
    for asg in task.assignments.all():
        if asg.span_start is not None and asg.span_end is not None:
            spans.append(Span(asg.span_start, asg.span_end, "unit"))
    for d in task.deadlines.all():
        if d.span_start is not None and d.span_end is not None:
            spans.append(Span(d.span_start, d.span_end, "deadline"))
    return mark_safe(highlight(text, spans, a, b))


@viewer_required
def task_detail(request, pk: int):
    task = _task_for(request, pk)
    today = lights.today_local()
    light = lights.task_light(task, today)
    user = request.user
    # a unit with no part in the task sees its row and summary, not what its units reported (permissions.py)
    read_reports = perms.can_read_reports(user, task)
    reports = list(
        ProgressReport.objects.filter(task=task).select_related("organisation", "submitted_by")
        .prefetch_related("files").order_by("-submitted_at", "-id")
    ) if read_reports else []
    events = services.timeline(task, user)
    for e in events:
        e["label"] = ACTION_LABELS.get(e["action"], e["action"])
        e["why"] = (e["data"] or {}).get("why") or ""
    events.reverse()
    ctx = {
        "task": task,
        "light": light,
        "expected": lights.expected_percent(task.start_date, task.due_date, today),
        "units": {r: [a for a in task.assignments.all() if a.role == r] for r in Assignment.Role.values},
        "deadlines": list(task.deadlines.all().order_by("-active", "date", "id")),
        "requests": list(DeadlineChangeRequest.objects.filter(task=task).select_related("requested_by",
                                                                                        "decided_by")),
        "reports": reports,
        "read_reports": read_reports,
        "events": events,
        "verifications": list(task.verifications.select_related("inspector")),
        "excerpt": source_excerpt(task),
        "period": current_period(),
        "periods": services.report_periods(task),
        "unit_progress": services.unit_progress(task),
        "can": perms.allowed_actions(user, task),
    }
    return render(request, "web/task_detail.html", ctx)


def _back(pk: int, request=None):
    """Back to the task, or to a local ``next`` page (e.g. the workspace or the verification queue)."""
    nxt = request.POST.get("next", "") if request is not None else ""
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return redirect(nxt)
    return redirect("web:task_detail", pk=pk)


@require_POST
@viewer_required
def task_report(request, pk: int):
    task = _task_for(request, pk)
    form = ProgressForm(request.POST, request.FILES)
    with service_call(request, "进展已报送。"):
        cd = cleaned(form, "report", request.user, task)
        services.submit_progress(task, request.user, period=cd["period"], text=cd["text"], percent=cd["percent"],
                                 files=form.evidence())
    return _back(pk, request)


@require_POST
@viewer_required
def task_claim(request, pk: int):
    task = _task_for(request, pk)
    form = ProgressForm(request.POST, request.FILES)
    with service_call(request, "已申请销号，等待核查。"):
        cd = cleaned(form, "claim", request.user, task)
        services.claim_completion(task, request.user, text=cd["text"], files=form.evidence(),
                                  period=cd["period"] or None)
    return _back(pk)


@require_POST
@viewer_required
def task_verify(request, pk: int):
    task = _task_for(request, pk)
    form = VerifyForm(request.POST)
    close = form.data.get("decision") == "close"
    with service_call(request, "已核查销号。" if close else "已退回销号申请。"):
        cd = cleaned(form, "close", request.user, task)
        verify = services.close_task if close else services.reject_claim
        verify(task, request.user, note=cd["note"])
    return _back(pk, request)


@require_POST
@viewer_required
def task_reopen(request, pk: int):
    task = _task_for(request, pk)
    form = ReopenForm(request.POST)
    with service_call(request, "任务已重新打开。"):
        services.reopen_task(task, request.user, reason=cleaned(form, "reopen", request.user, task)["reason"])
    return _back(pk)


@require_POST
@viewer_required
def deadline_request(request, pk: int):
    task = _task_for(request, pk)
    form = DeadlineRequestForm(request.POST)
    with service_call(request, "时限调整申请已提交，等待管理员审批。"):
        cd = cleaned(form, "request_deadline", request.user, task)
        services.request_deadline_change(task, request.user, new_date=cd["new_date"], reason=cd["reason"])
    return _back(pk)


@require_POST
@viewer_required
def deadline_decide(request, pk: int):
    req = get_object_or_404(DeadlineChangeRequest, pk=pk)
    form = DeadlineDecisionForm(request.POST)
    approve = form.data.get("decision") == "approve"
    with service_call(request, "已批准时限调整。" if approve else "已驳回时限调整申请。"):
        cd = cleaned(form, "decide_deadline", request.user)
        services.decide_deadline_change(req, request.user, approve=form.approve, note=cd["note"])
    return _back(req.task_id, request)


@viewer_required
def evidence_download(request, pk: int):
    ev = get_object_or_404(EvidenceFile.objects.select_related("report__task"), pk=pk)
    if not services.visible_tasks(request.user).filter(pk=ev.report.task_id).exists():
        raise Http404("没有该佐证材料")
    if not perms.may("read_reports", request.user, ev.report.task):
        raise PermissionDenied("无权" + perms.REQUIREMENTS["read_reports"][1])
    try:
        return download(ev.file, ev.original_name)  # the type sniffed from the bytes; inline for images/PDF
    except OSError as exc:
        raise Http404("佐证材料文件缺失") from exc
