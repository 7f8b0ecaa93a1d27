"""台账: the filtered, sorted, paginated ledger table and its .xlsx export."""

from __future__ import annotations

from urllib.parse import quote

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from taizhang.service.ledger.lights import LIGHT_LABELS
from taizhang.service.ledger.models import Target

from ..access import viewer_required
from ..export import task_row, write_workbook
from ..queries import LedgerFilterForm, filter_selects, filtered_tasks, units_by_role, with_page_relations

PAGE_SIZE = 50
EXPORT_LIMIT = 20000


def due_text(task) -> str:
    if task.due_date:
        return task.due_date.isoformat()
    if task.immediate:
        return "立行立改"
    if task.ongoing:
        return "长期坚持"
    return ""


@viewer_required
def ledger(request):
    form = LedgerFilterForm(request.GET or None, user=request.user)
    qs = filtered_tasks(form, request.user)
    paginator = Paginator(with_page_relations(qs), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = [{"task": t, "units": units_by_role(t), "due": due_text(t)} for t in page.object_list]
    sort = request.GET.get("sort", "")
    return render(request, "web/ledger.html", {
        "form": form, "page": page, "rows": rows, "sort": sort, "total": paginator.count,
        "selects": filter_selects(form),
    })


@viewer_required
def ledger_export(request):
    form = LedgerFilterForm(request.GET or None, user=request.user)
    qs = with_page_relations(filtered_tasks(form, request.user))[:EXPORT_LIMIT]
    rows = [task_row(i, t, units_by_role(t), due_text(t), LIGHT_LABELS.get(t.light, ""))
            for i, t in enumerate(qs, start=1)]
    doc_ids = {r["_document"].pk for r in rows}
    targets = [{"indicator": g.indicator, "comparator": g.comparator, "value": g.value, "unit": g.unit,
                "year": g.year, "baseline_year": g.baseline_year, "stretch_value": g.stretch_value, "text": g.text,
                "_file": g.document.title or g.document.original_name}
               for g in Target.objects.filter(document_id__in=doc_ids).select_related("document")]
    data = write_workbook(rows, targets)
    name = f"台账_{timezone.localdate().isoformat()}.xlsx"
    resp = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f"attachment; filename=\"ledger.xlsx\"; filename*=UTF-8''{quote(name)}"
    return resp
