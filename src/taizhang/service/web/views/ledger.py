"""台账: the filtered, sorted, paginated ledger table and its .xlsx export."""

from __future__ import annotations

from html import escape  # the standard library's: Django's lazy wrapper costs more than the escaping
from urllib.parse import quote

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from taizhang.service.ledger.models import Light, Target, Task, label_of

from ..access import viewer_required
from ..export import task_row, write_workbook
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
    paginator = CappedPaginator(qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    selects, titles = filter_selects(form)
    detail_url = reverse("web:task_detail", args=[0])
    rows = mark_safe("".join(row_html(t, titles, detail_url) for t in attach_units(page.object_list)))
    sort = request.GET.get("sort", "")
    return render(request, "web/ledger.html", {
        "form": form, "page": page, "rows": rows, "sort": sort, "total": paginator.count, "selects": selects,
        "capped": paginator.capped,
    })


def row_html(task, titles: dict[int, str], detail_url: str) -> str:
    """One <tr> of the ledger table, built in Python (fifty rows through the template engine cost more than
    all the page's queries). ``detail_url``: the task detail URL of task 0, whose last segment is replaced."""
    units = units_by_role(task)
    light = task.light
    if not light:
        light_html = '<span class="light none"></span><span class="muted">—</span>'
    else:
        cls = "done" if light == "done" else light
        light_html = f'<span class="light {cls}" data-light="{light}"></span>{label_of(Light, light)}'
    label = task.title or task.text
    label = label if len(label) <= 90 else label[:89] + "…"
    doc = titles.get(task.document_id) or ""
    doc = doc if len(doc) <= 24 else doc[:23] + "…"
    pct = "—" if task.last_percent is None else f"{task.last_percent}%"
    url = f"{detail_url[:-2]}{task.pk}/"
    return (
        f'<tr data-task="{task.pk}"><td class="nowrap">{escape(task.number or "—")}</td>'
        f'<td><a href="{url}">{escape(label)}</a></td>'
        f'<td>{escape("、".join(units["lead"]))}</td><td>{escape("、".join(units["support"]))}</td>'
        f'<td>{escape("、".join(units["territorial"]))}</td>'
        f'<td class="nowrap">{escape(due_text(task) or "—")}</td><td class="nowrap">{light_html}</td>'
        f'<td><span class="badge {task.state}" data-state="{task.state}">{label_of(Task.State, task.state)}'
        f'</span></td><td class="num">{pct}</td><td>{escape(doc)}</td></tr>'
    )


@viewer_required
def ledger_export(request):
    form = LedgerFilterForm(request.GET or None, user=request.user)
    tasks = attach_units(with_documents(filtered_tasks(form, request.user))[:EXPORT_LIMIT])
    rows = [task_row(i, t, units_by_role(t), due_text(t), label_of(Light, t.light))
            for i, t in enumerate(tasks, start=1)]
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
