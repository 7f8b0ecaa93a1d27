"""我的任务 (a unit's workspace), 待核查 (the inspectors' queue) and 公开 (the public disclosure)."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch, Q
from django.shortcuts import get_object_or_404, render

from taizhang.service.ledger import lights
from taizhang.service.ledger import permissions as perms
from taizhang.service.ledger.models import Assignment, Document, Organisation, ProgressReport, Task

from ..access import liaison_required, verifier_required
from ..queries import units_by_role, with_page_relations
from .tasks import current_period


def month_bounds(today: date) -> tuple[date, date]:
    first = today.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return first, nxt - timedelta(days=1)


def recent_periods(today: date, n: int = 12) -> list[str]:
    """This month and the ones before it, newest first (the report form's choices; the service checks each
    task's own window, from its plan's publication)."""
    out, y, m = [], today.year, today.month
    for _ in range(n):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out


@liaison_required
def workspace(request):
    org_id = perms.organisation_id_of(request.user)
    org = Organisation.objects.filter(pk=org_id).first() if org_id else None
    today = lights.today_local()
    first, last = month_bounds(today)
    ctx: dict = {"org": org, "period": current_period(), "month_end": last, "periods": recent_periods(today)}
    if org is not None:
        period = ctx["period"]
        mine = Assignment.objects.filter(organisation_id=org.pk)
        reporting = mine.filter(role__in=perms.REPORTING_ROLES)
        base = lights.annotate_lights(
            Task.objects.filter(pk__in=mine.values("task_id"), state__in=(*lights.SUPERVISED, Task.State.CLOSED)),
            today)

        # each unit reports its own part: "reported this month" is this unit's own report
        mine_this_month = ProgressReport.objects.filter(organisation_id=org.pk, period=period).values("task_id")
        reported = set(mine_this_month.values_list("task_id", flat=True))

        def rows_of(tasks):
            out = []
            for t in tasks:
                my = [a for a in t.assignments.all() if a.organisation_id == org.pk]
                out.append({"task": t, "units": units_by_role(t),
                            "my_roles": "、".join(a.get_role_display() for a in my),
                            "can_report": t.allows("report") and any(a.role in perms.REPORTING_ROLES for a in my),
                            "reported_this_month": t.pk in reported})
            return out

        by_deadline = (F("due_date").asc(nulls_last=True), "document_id", "position", "id")  # none: last
        page = Paginator(with_page_relations(base.order_by(*by_deadline)), 50).get_page(request.GET.get("page"))
        ctx["page"] = page
        ctx["rows"] = rows_of(page.object_list)
        ctx["total"] = page.paginator.count
        # this month's deadlines only; the overdue ones are counted apart (and listed by the ledger's filter)
        ctx["due_this_month"] = rows_of(with_page_relations(
            base.filter(state="active", due_date__gte=first, due_date__lte=last).order_by("due_date", "id"))[:200])
        ctx["overdue_count"] = base.filter(state__in=lights.SUPERVISED, due_date__lt=today).count()
        reportable = base.filter(state="active", pk__in=reporting.values("task_id"))
        ctx["to_report_count"] = reportable.exclude(pk__in=mine_this_month).count()
        ctx["reportable"] = rows_of(with_page_relations(reportable.order_by(*by_deadline))[:500])
    return render(request, "web/workspace.html", ctx)


@verifier_required
def verify_queue(request):
    claims = ProgressReport.objects.filter(is_completion_claim=True).order_by("-submitted_at", "-id")
    qs = (Task.objects.filter(state="claimed").select_related("document")
          .prefetch_related(Prefetch("reports", queryset=claims.select_related("organisation", "submitted_by")
                                     .prefetch_related("files"), to_attr="claims"),
                            Prefetch("assignments", queryset=Assignment.objects.select_related("organisation")))
          .order_by("updated_at", "id"))
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    rows = [{"task": t, "units": units_by_role(t), "claim": t.claims[0] if t.claims else None} for t in page]
    return render(request, "web/verify_queue.html", {"rows": rows, "page": page})


def public(request):
    """No login: published documents with their progress counts."""
    docs = (Document.objects.filter(state="published")
            .annotate(n_tasks=Count("tasks", filter=~Q(tasks__state__in=("draft", "deleted"))),
                      n_closed=Count("tasks", filter=Q(tasks__state="closed")))
            .only("id", "title", "doc_number", "issuer", "issue_date", "published_at")
            .order_by("-published_at", "-id"))
    return render(request, "web/public.html", {"documents": docs})


def public_document(request, pk: int):
    """No login: one published document's tasks — units, deadline, state, percent; no internal notes,
    no report texts, no evidence, no names of officials."""
    doc = get_object_or_404(Document.objects.filter(state="published").only(
        "id", "title", "doc_number", "issuer", "issue_date", "published_at"), pk=pk)
    qs = (Task.objects.filter(document=doc).exclude(state__in=("draft", "deleted"))
          .only("id", "number", "title", "text", "state", "due_date", "immediate", "ongoing", "last_percent",
                "closed_at", "document_id", "position")
          .prefetch_related(Prefetch("assignments", queryset=Assignment.objects.select_related("organisation")))
          .order_by("position", "id"))
    # 30 a page: a plan of hundreds of tasks stays readable on a phone (the long texts fold, see the template)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    rows = [{"task": t, "units": units_by_role(t)} for t in page]
    return render(request, "web/public_document.html", {"doc": doc, "rows": rows, "page": page})
