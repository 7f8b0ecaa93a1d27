"""The dashboard's figures, for the whole ledger or one plan or one region, written to stay fast at 100k tasks
and 1M reports (benchmarks/ledger.py: cold p95 < 200 ms).

Every count is a range of an index (see the ledger's migrations 0003, 0007 and 0012): tasks by state; red, and
yellow in three parts cut by deadline (``lights.yellow_parts``), from ``task_light_cover``; the unit rankings
from the task schedule copied onto the assignments (``assignment_role_light``, ``assignment_org_light``,
:mod:`taizhang.service.ledger.denorm`); reports per month from the stored :class:`ReportMonthCount`; the
reports of one month from ``report_period_org_task``. Lights stay computed at read time from the date columns
(``lights.light_q``), never stored.

Three rankings of the units, each worst first (the first on 首页, the other two on 单位排名,
:func:`ranking_stats`):

- 逾期任务: a lead unit's red tasks;
- 报送率: of the tasks a unit had to report on for the month (lead or support, in supervision, started by the
  month's end), those it reported on for that month; overall, the units that reported ÷ the units that had to;
- 按期完成率: of a lead unit's tasks whose deadline has passed or which are closed (with a deadline), those
  closed by their deadline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from taizhang.service.ledger import denorm, lights
from taizhang.service.ledger import permissions as perms
from taizhang.service.ledger.models import (
    Assignment,
    DeadlineChangeRequest,
    Document,
    ProgressReport,
    ReportMonthCount,
    Task,
)

TOP_UNITS = 15


def prefix_q(q: Q, prefix: str) -> Q:
    """The same condition on a related model: every field lookup of ``q`` prefixed (e.g. ``task__``)."""
    new = Q()
    new.connector, new.negated = q.connector, q.negated
    new.children = [prefix_q(c, prefix) if isinstance(c, Q) else (prefix + c[0], c[1]) for c in q.children]
    return new


def _next_month(d: date) -> date:
    return date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def month_labels(today: date, n: int = 12) -> list[str]:
    y, m = today.year, today.month
    out = []
    for _ in range(n):
        out.append(f"{y:04d}-{m:02d}")
        m -= 1
        if m == 0:
            y, m = y - 1, 12
    return out[::-1]


def period_end(period: str) -> date:
    return _next_month(date.fromisoformat(period + "-01")) - timedelta(days=1)


@dataclass(frozen=True)
class Scope:
    """What the dashboard covers: every published plan, one plan, or the plans of one region; ``period`` (YYYY-MM)
    is the month of the reporting rate (default: the last complete month) and the last month of the trend
    (default: this month)."""

    document_id: int | None = None
    jurisdiction_id: int | None = None
    period: str | None = None

    def document_ids(self) -> list[int] | None:
        """The documents covered, or None for all (a region holding every document is no restriction)."""
        if self.document_id:
            return [self.document_id]
        if self.jurisdiction_id:
            ids = list(Document.objects.filter(jurisdiction_id=self.jurisdiction_id).values_list("pk", flat=True))
            return None if len(ids) == Document.objects.count() else ids
        return None

    def key(self, today: date) -> str:
        return f"{self.document_id or ''}:{self.jurisdiction_id or ''}:{self.month(today)}"

    def month(self, today: date) -> str:
        return self.period or lights.last_complete_period(today)


@dataclass
class DashboardStats:
    states: dict[str, int]
    lights: dict[str, int]
    supervised: int
    completion_rate: float | None
    overdue_by_unit: list[dict]
    months: list[str]
    reports_per_month: list[int]
    closures_per_month: list[int]
    period: str = ""
    pending_deadline_requests: int = 0


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def dashboard_stats(today: date | None = None, months: int = 12, top_units: int = TOP_UNITS,
                    scope: Scope | None = None) -> DashboardStats:
    today = today or lights.today_local()
    scope = scope or Scope()
    window = lights.warning_days()
    docs = scope.document_ids()
    period = scope.month(today)
    tasks = Task.objects.all() if docs is None else Task.objects.filter(document_id__in=docs)
    assignments = Assignment.objects.all() if docs is None else Assignment.objects.filter(task__document_id__in=docs)
    red_q, yellow_q = lights.light_q("red", today, window), lights.light_q("yellow", today, window)

    states = {s: 0 for s in ("draft", "active", "claimed", "closed")}
    for row in tasks.filter(state__in=tuple(states)).order_by().values("state").annotate(n=Count("id")):
        states[row["state"]] = row["n"]
    light_counts = {"red": tasks.filter(red_q).count(),
                    "yellow": sum(tasks.filter(part).count() for part in lights.yellow_parts(today, window))}
    # green is the rest of the supervised tasks (same rules as lights.light)
    light_counts["green"] = states["active"] + states["claimed"] - light_counts["red"] - light_counts["yellow"]
    supervised = states["active"] + states["claimed"] + states["closed"]

    # the trend ends at the month chosen, else at this month
    labels = month_labels(date.fromisoformat(scope.period + "-01") if scope.period else today, months)
    if docs is None:
        reports = dict(ReportMonthCount.objects.filter(period__gte=labels[0], period__lte=labels[-1])
                       .values_list("period", "reports"))
    else:
        reports = dict(ProgressReport.objects.filter(task__document_id__in=docs, period__gte=labels[0],
                                                     period__lte=labels[-1])
                       .order_by().values("period").annotate(n=Count("id")).values_list("period", "n"))
    # closures per month, one range count each (local-time month boundaries computed here)
    bounds = [timezone.make_aware(datetime.combine(date.fromisoformat(m + "-01"), time.min)) for m in labels]
    bounds.append(timezone.make_aware(datetime.combine(_next_month(date.fromisoformat(labels[-1] + "-01")),
                                                       time.min)))
    closed = tasks.filter(state="closed")
    pending = DeadlineChangeRequest.objects.filter(state="pending")
    if docs is not None:
        pending = pending.filter(task__document_id__in=docs)
    return DashboardStats(
        states=states,
        lights={k: light_counts[k] for k in ("red", "yellow", "green")},
        supervised=supervised,
        completion_rate=_rate(states["closed"], supervised),
        overdue_by_unit=_overdue_by_unit(assignments, red_q, yellow_q, top_units),
        months=labels,
        reports_per_month=[reports.get(m, 0) for m in labels],
        closures_per_month=[closed.filter(closed_at__gte=lo, closed_at__lt=hi).count()
                            for lo, hi in pairwise(bounds)],
        period=period,
        pending_deadline_requests=pending.count(),
    )


@dataclass
class RankingStats:
    period: str
    reporting: dict
    on_time: dict


def ranking_stats(today: date | None = None, top_units: int = TOP_UNITS, scope: Scope | None = None) -> RankingStats:
    """The units ranked by reporting rate and by on-time completion (单位排名, a page of its own: each ranking
    reads every reporting unit's assignments, more than the dashboard's index ranges)."""
    today = today or lights.today_local()
    scope = scope or Scope()
    docs = scope.document_ids()
    period = scope.month(today)
    assignments = Assignment.objects.all() if docs is None else Assignment.objects.filter(task__document_id__in=docs)
    return RankingStats(period=period, reporting=_reporting(assignments, period, docs, top_units),
                        on_time=_on_time(assignments, today, top_units))


def _names(ids) -> dict[int, str]:
    from taizhang.service.ledger.models import Organisation

    return dict(Organisation.objects.filter(pk__in=list(ids)).values_list("pk", "name"))


def _overdue_by_unit(assignments, red_q: Q, yellow_q: Q, top: int) -> list[dict]:
    """Red tasks per lead unit, then totals and yellow for the units shown."""
    lead = assignments.filter(role=Assignment.Role.LEAD)
    rows = list(lead.filter(prefix_q(red_q, denorm.PREFIX)).values("organisation_id", "organisation__name")
                .annotate(red=Count("id")).order_by("-red", "organisation__name")[:top])
    extra = {
        r["organisation_id"]: r
        for r in lead.filter(organisation_id__in=[t["organisation_id"] for t in rows],
                             task_state__in=lights.SUPERVISED)
        .values("organisation_id")
        .annotate(total=Count("id"), yellow=Count("id", filter=prefix_q(yellow_q, denorm.PREFIX)))
        .order_by()
    }
    return [{"id": r["organisation_id"], "name": r["organisation__name"],
             "total": extra.get(r["organisation_id"], {}).get("total", r["red"]), "red": r["red"],
             "yellow": extra.get(r["organisation_id"], {}).get("yellow", 0)} for r in rows]


def _reporting(assignments, period: str, docs, top: int) -> dict:
    """Who had to report for ``period`` and who did (see the module's docstring)."""
    end = period_end(period)
    # every unit of a task reports its own part, except a collective name (各乡镇, 相关部门): no one's unit
    due = assignments.filter(role__in=perms.REPORTING_ROLES, task_state__in=lights.SUPERVISED,
                             task_start_date__lte=end, organisation__assignable=True)
    should = dict(due.order_by().values("organisation_id").annotate(n=Count("id"))
                  .values_list("organisation_id", "n"))
    # the month's reports (an index range), each kept when its unit had to report on its task
    owed = Assignment.objects.filter(task_id=OuterRef("task_id"), organisation_id=OuterRef("organisation_id"),
                                     role__in=perms.REPORTING_ROLES, task_state__in=lights.SUPERVISED,
                                     task_start_date__lte=end)
    reports = ProgressReport.objects.filter(period=period, organisation_id__isnull=False)
    if docs is not None:
        reports = reports.filter(task__document_id__in=docs)
    done = dict(reports.filter(Exists(owed)).order_by().values("organisation_id")
                .annotate(n=Count("task_id", distinct=True)).values_list("organisation_id", "n"))
    ranking = sorted(({"id": org, "should": n, "reported": min(done.get(org, 0), n),
                       "rate": min(done.get(org, 0), n) / n} for org, n in should.items()),
                     key=lambda r: (r["rate"], -r["should"], r["id"]))[:top]
    names = _names(r["id"] for r in ranking)
    for r in ranking:
        r["name"] = names.get(r["id"], "")
    units_reported = sum(1 for org in should if done.get(org))
    return {"period": period, "units_should": len(should), "units_reported": units_reported,
            "rate": _rate(units_reported, len(should)),
            "tasks_should": sum(should.values()),
            "tasks_reported": sum(min(done.get(o, 0), n) for o, n in should.items()), "ranking": ranking}


def _on_time(assignments, today: date, top: int) -> dict:
    """Lead units' tasks due by today or closed (with a deadline), and those closed by their deadline."""
    lead = assignments.filter(role=Assignment.Role.LEAD)
    owed = lead.filter(Q(task_state__in=lights.SUPERVISED, task_due_date__lt=today)
                       | Q(task_state=Task.State.CLOSED, task_due_date__isnull=False))
    total = dict(owed.order_by().values("organisation_id").annotate(n=Count("id"))
                 .values_list("organisation_id", "n"))
    # closed by the end of the deadline's day, local time: compared on the task itself (the one join here)
    on_time = dict(lead.filter(task_state=Task.State.CLOSED, task_due_date__isnull=False,
                               task__closed_at__date__lte=F(denorm.PREFIX + "due_date"))
                   .order_by().values("organisation_id").annotate(n=Count("id"))
                   .values_list("organisation_id", "n"))
    ranking = sorted(({"id": org, "due": n, "on_time": on_time.get(org, 0), "rate": on_time.get(org, 0) / n}
                      for org, n in total.items()), key=lambda r: (r["rate"], -r["due"], r["id"]))[:top]
    names = _names(r["id"] for r in ranking)
    for r in ranking:
        r["name"] = names.get(r["id"], "")
    all_due, all_on_time = sum(total.values()), sum(on_time.values())
    return {"due": all_due, "on_time": all_on_time, "rate": _rate(all_on_time, all_due), "ranking": ranking}


DASHBOARD_CACHE_SECONDS = 300


def cached_dashboard_stats(today: date | None = None, scope: Scope | None = None, *,
                           compute=None, name: str = "dashboard"):
    """:func:`dashboard_stats`, cached under the head of the audit chain.

    Every change of the ledger goes through the services, and every service call appends an audit event, so
    the hash of the newest event identifies the ledger's state: any change gives a new key and the next
    dashboard is computed afresh. The day, the warning window and the scope are in the key too (lights move
    with time); the timeout only bounds the effect of changes made outside the services (e.g. the admin site).
    """
    from django.core.cache import cache

    from taizhang.service.ledger.models import AuditEvent

    today = today or lights.today_local()
    scope = scope or Scope()
    head = AuditEvent.objects.order_by("-seq").values_list("hash", flat=True).first() or "empty"
    key = f"taizhang:{name}:{today.isoformat()}:{lights.warning_days()}:{scope.key(today)}:{head}"
    stats = cache.get(key)
    if stats is None:
        stats = (compute or dashboard_stats)(today, scope=scope)
        cache.set(key, stats, DASHBOARD_CACHE_SECONDS)
    return stats
