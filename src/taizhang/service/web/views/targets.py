"""目标指标: a document's numeric targets and how each stands against the stored monitoring data of its
jurisdiction (HJ 663, GB 3838); the office uploads that data here once (:mod:`taizhang.service.ledger.monitoring`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from taizhang.errors import TaizhangError
from taizhang.service.ledger import monitoring, services
from taizhang.service.ledger import permissions as perms
from taizhang.service.ledger.errors import DuplicateDocument, NotAllowed
from taizhang.service.ledger.models import MonitoringDataset
from taizhang.service.ledger.services import targets as hand_entered

from ..access import role_required, viewer_required
from ..forms import STANDARD_CHOICES, MonitoringUploadForm, TargetActualForm, ThroughForm, cleaned
from .common import service_call

monitoring_uploader_required = role_required(perms.can_upload_monitoring, "上传监测数据")


@require_safe
@viewer_required
def document_targets(request, pk: int):
    """The document's numeric targets and, for each, the indicator computed from the stored monitoring data of
    its jurisdiction and year: actual value, met or missed and by how much, or during the year the value so
    far and what the rest of the year must average. ``?through=YYYY-MM-DD`` evaluates the year only to that
    day; ``?standard=auto|2012|2026`` chooses the standards (default: those in force on each day)."""
    doc = get_object_or_404(services.visible_documents(request.user), pk=pk)
    form = ThroughForm(request.GET)
    form.is_valid()
    through = form.cleaned_data.get("through")
    standard = form.cleaned_data.get("standard") or "auto"
    for field, default in (("through", "已按全部数据计算"), ("standard", "已按数据日期选用")):
        if field in form.errors:
            messages.error(request, f"{form.errors[field][0]}；{default}。")
    targets = list(doc.targets.all())
    jur_ids = {g.jurisdiction_id or doc.jurisdiction_id for g in targets} | {doc.jurisdiction_id}
    datasets = monitoring.datasets_of(jur_ids)
    tracked = monitoring.track_targets(targets, doc.jurisdiction, through=through, datasets=datasets,
                                       standard=standard)
    entered = hand_entered.actuals_of(targets)
    rows = []
    for g, t in zip(targets, tracked, strict=True):
        latest = entered[g.pk][0] if entered[g.pk] else None
        rows.append({"target": g, "tracking": t, "actual": latest, "history": entered[g.pk][1:],
                     "judgement": hand_entered.judge(g, latest.value) if latest else None,
                     "value_label": hand_entered.value_label(g)})
    return render(request, "web/document_targets.html", {
        "doc": doc, "rows": rows, "datasets": list(reversed(datasets)), "through": through, "standard": standard,
        "standard_choices": STANDARD_CHOICES,
        "can_upload": perms.can_upload_monitoring(request.user), "kinds": MonitoringDataset.Kind.choices,
        "can_record": perms.may("record_actual", request.user)})


@require_POST
@monitoring_uploader_required
def target_actual(request, pk: int, target_pk: int):
    """Enter a target's actual value by hand (office admin, reviewer): what monitoring cannot compute."""
    doc = get_object_or_404(services.visible_documents(request.user), pk=pk)
    target = get_object_or_404(doc.targets, pk=target_pk)
    form = TargetActualForm(request.POST)
    with service_call(request, f"已填报“{target.indicator}”的实际值。"):
        cd = cleaned(form, "record_actual", request.user)
        services.record_target_actual(target, request.user, value=cd["value"], as_of=cd["as_of"],
                                      source=cd["source"], note=cd["note"])
    return redirect(f"{reverse('web:document_targets', args=[doc.pk])}#target-{target.pk}")


@require_POST
@monitoring_uploader_required
def monitoring_upload(request, pk: int):
    """Store an uploaded monitoring file as a dataset of the document's jurisdiction (office admin, reviewer)."""
    doc = get_object_or_404(services.visible_documents(request.user), pk=pk)
    form = MonitoringUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
        return redirect("web:document_targets", pk=doc.pk)
    cd = form.cleaned_data
    try:
        ds = services.add_monitoring_dataset(cd["file"], request.user, jurisdiction=doc.jurisdiction,
                                             kind=cd["kind"], note=cd["note"])
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except DuplicateDocument as exc:
        messages.error(request, exc.message)
    except TaizhangError as exc:
        messages.error(request, f"监测数据有误，未保存：{exc}")
    else:
        messages.success(request, f"已保存{ds.jurisdiction.name}{ds.get_kind_display()}“{ds.original_name}”："
                                  f"{ds.period_start} 至 {ds.period_end}，{len(ds.stations)} 个"
                                  f"{'站点' if ds.kind == 'air' else '断面'}，{ds.records} 条记录。"
                                  "本地区所有方案的目标均按已保存的数据核对。")
        for w in ds.warnings:
            messages.warning(request, f"{ds.original_name}：{w}")
    return redirect("web:document_targets", pk=doc.pk)


@require_safe
@viewer_required
def monitoring_original(request, pk: int):
    """The monitoring file as it was uploaded."""
    ds = get_object_or_404(MonitoringDataset, pk=pk)
    try:
        fh = services.open_file(ds.original)
    except OSError as exc:
        raise Http404("监测数据原始文件缺失") from exc
    return FileResponse(fh, as_attachment=True, filename=ds.original_name)
