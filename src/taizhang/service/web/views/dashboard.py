"""首页: counts by state and light, completion rate, overdue by unit, monthly trend (inline SVG charts)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.safestring import mark_safe

from taizhang.service.ledger.models import Light

from ..access import viewer_required
from ..charts import bar_chart, donut, line_chart
from ..queries import cached_dashboard_stats


@viewer_required
def dashboard(request):
    stats = cached_dashboard_stats()
    rate_label = "—" if stats.completion_rate is None else f"{stats.completion_rate * 100:.1f}%"
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
                                      title="近12个月报送与销号趋势")),
    }
    return render(request, "web/dashboard.html", {"stats": stats, "rate_label": rate_label, "charts": charts})
