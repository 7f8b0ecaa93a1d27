"""台账: the filtered, sorted, paginated ledger table and its .xlsx export."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from taizhang.service.ledger.models import Light, Target, label_of

from ..access import viewer_required
from ..export import supervision, task_row, write_workbook
from ..markup import due_text, ledger_row
from ..queries import (
    CappedPaginator,
    LedgerFilterForm,
    attach_units,
    filter_selects,
    filtered_tasks,
    units_by_role,
    with_documents,
)

PAGE_SIZE = 50
EXPORT_LIMIT = 20000


@viewer_required
def ledger(request):
    form = LedgerFilterForm(request.GET or None, user=request.user)
    qs = filtered_tasks(form, request.user)
    paginator = CappedPaginator(qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    selects, titles = filter_selects(form)
    detail_url = reverse("web:task_detail", args=[0])
    rows = mark_safe("".join(ledger_row(t, units_by_role(t), titles.get(t.document_id) or "", detail_url)
                             for t in attach_units(page.object_list)))
    sort = request.GET.get("sort", "")
    return render(request, "web/ledger.html", {
        "form": form, "page": page, "rows": rows, "sort": sort, "total": paginator.count, "selects": selects,
        "capped": paginator.capped,
    })


def filter_summary(form: LedgerFilterForm) -> list[tuple[str, str]]:
    """The filters a bound form applies, as (label, shown value) pairs for the export's title rows."""
    if not form.is_valid():
        return []
    out = []
    for name, value in form.cleaned_data.items():
        field = form.fields[name]
        if value in (None, "") or name == "sort":
            continue
        if hasattr(field, "choices") and not hasattr(field, "queryset"):
            value = dict(field.choices).get(value, value)
        out.append((str(field.label), str(value)))
    return out


@viewer_required
def ledger_export(request):
    form = LedgerFilterForm(request.GET or None, user=request.user)
    tasks = attach_units(with_documents(filtered_tasks(form, request.user))[:EXPORT_LIMIT])
    extra = supervision(tasks, request.user)
    today = timezone.localdate()
    rows = [task_row(i, t, units_by_role(t), due_text(t), label_of(Light, t.light), extra[t.pk], today)
            for i, t in enumerate(tasks, start=1)]
    doc_ids = {r["_document"].pk for r in rows}
    targets = [{"indicator": g.indicator, "comparator": g.comparator, "value": g.value, "unit": g.unit,
                "year": g.year, "baseline_year": g.baseline_year, "stretch_value": g.stretch_value, "text": g.text,
                "_file": g.document.title or g.document.original_name, "_document_id": g.document_id}
               for g in Target.objects.filter(document_id__in=doc_ids).select_related("document")]
    data = write_workbook(rows, targets, filters=filter_summary(form), user=request.user)
    name = f"台账_{timezone.localdate().isoformat()}.xlsx"
    resp = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f"attachment; filename=\"ledger.xlsx\"; filename*=UTF-8''{quote(name)}"
    return resp
