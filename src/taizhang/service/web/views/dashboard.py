"""首页: for every plan, one plan or one region — the office's queues (待核查, 待审批延期申请), counts by state
and light, the completion rate, the monthly trend (inline SVG charts), and the units ranked by overdue tasks,
reporting rate and on-time completion (:mod:`..dashboard_stats`)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.safestring import mark_safe

from taizhang.service.ledger import lights
from taizhang.service.ledger import permissions as perms
from taizhang.service.ledger.models import Light

from ..access import viewer_required
from ..charts import bar_chart, donut, line_chart
from ..dashboard_stats import cached_dashboard_stats, ranking_stats
from ..forms import DashboardFilterForm
from .common import pct_label


@viewer_required
def dashboard(request):
    today = lights.today_local()
    form = DashboardFilterForm(request.GET or None, today=today)
    scope = form.scope()
    stats = cached_dashboard_stats(today, scope)
    rate_label = pct_label(stats.completion_rate)
    charts = {
        "lights": mark_safe(donut(
            [(Light.RED.label, stats.lights["red"], "#c0392b"), (Light.YELLOW.label, stats.lights["yellow"], "#d4a017"),
             (Light.GREEN.label, stats.lights["green"], "#2e8b57"), (Light.DONE.label, stats.states["closed"], "#1f5fa8")],
            label=rate_label,
        )),
        "overdue": mark_safe(bar_chart([(u["name"], u["red"]) for u in stats.overdue_by_unit],
                                       title="各牵头单位逾期任务数")),
        "trend": mark_safe(line_chart(stats.months, [("进展报送", stats.reports_per_month),
                                                     ("销号", stats.closures_per_month)],
                                      title=f"{stats.months[0]}至{stats.months[-1]}报送与销号趋势" if scope.period
                                      else "近12个月报送与销号趋势")),
    }
    # the ledger's links keep the plan chosen here (the ledger has no region filter)
    in_plan = f"&document={scope.document_id}" if scope.document_id else ""
    return render(request, "web/dashboard.html", {
        "stats": stats, "rate_label": rate_label, "charts": charts, "form": form, "in_plan": in_plan,
        "filtered": bool(scope.document_id or scope.jurisdiction_id),
        "show_verify": perms.can_verify(request.user),
        "show_deadlines": perms.can_decide_deadline_change(request.user),
    })


@viewer_required
def rankings(request):
    """单位排名: the units by reporting rate (for a month) and by on-time completion, in the dashboard's scope."""
    today = lights.today_local()
    form = DashboardFilterForm(request.GET or None, today=today)
    scope = form.scope()
    stats = cached_dashboard_stats(today, scope, compute=ranking_stats, name="rankings")
    in_plan = f"&document={scope.document_id}" if scope.document_id else ""
    return render(request, "web/rankings.html", {"stats": stats, "form": form, "in_plan": in_plan})
