"""Traffic lights (红黄绿灯) of a task, as pure functions and as SQL for lists and dashboards.

- ``done``: closed (已销号); ``None``: not yet in supervision (draft) or deleted;
- ``red``: its active by-deadline (``due_date``) has passed;
- ``yellow``: due within the warning window (default 15 days), or the last reported percent is behind
  序时进度 (the percent expected today on a straight line from the task's start to its deadline), or the
  task missed a reporting month: in supervision before this month began and no report for the last complete
  month — whether it has a deadline or not (长期坚持, or none written: never green forever unreported);
- ``green`` otherwise.

序时进度 is stored as ``behind_after``: the last day on which the reported percent still meets the schedule
(``start + percent% × (due − start)``); the task is behind from the day after. A task that has never
reported gets one month (``REPORT_GRACE_DAYS``) before it counts as behind. The services keep
``due_date``, ``start_date``, ``last_percent``, ``last_period`` and ``behind_after`` up to date, so the
SQL form is plain comparisons on indexed columns.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

from django.db.models import Case, CharField, Q, Value, When

from .models import Light, Setting, Task

SUPERVISED = (Task.State.ACTIVE, Task.State.CLAIMED)  # the states that have a light (closed: done)
LIGHTS = tuple(Light)
REPORT_GRACE_DAYS = 30


def warning_days() -> int:
    from django.conf import settings

    value = Setting.objects.filter(key="warning_days").values_list("value", flat=True).first()
    try:
        return int(value) if value is not None else int(settings.TAIZHANG_WARNING_DAYS)
    except ValueError:
        return int(settings.TAIZHANG_WARNING_DAYS)


def today_local() -> date:
    from django.utils import timezone

    return timezone.localdate()


def expected_percent(start: date | None, due: date | None, today: date) -> int | None:
    """序时进度: the percent a task should have reached by ``today`` (0–100), or None without a schedule. A
    deadline on or before the start (a task published overdue) expects everything from the first day."""
    if start is None or due is None:
        return None
    if today >= due or due <= start:
        return 100
    if today <= start:
        return 0
    return math.floor(100 * (today - start).days / (due - start).days)


def behind_after(start: date | None, due: date | None, percent: int | None) -> date | None:
    """The last day on which ``percent`` still meets the schedule (None: never behind by this rule)."""
    if start is None or due is None or due <= start:
        return None
    if percent is None:
        return start + timedelta(days=REPORT_GRACE_DAYS)
    return start + timedelta(days=math.floor(percent * (due - start).days / 100))


def last_complete_period(today: date) -> str:
    first = today.replace(day=1)
    prev = first - timedelta(days=1)
    return f"{prev.year:04d}-{prev.month:02d}"


def light(*, state: str, due_date: date | None, behind: date | None, start_date: date | None,
          last_period: str, today: date, window: int) -> str | None:
    if state == "closed":
        return "done"
    if state not in SUPERVISED:
        return None
    if due_date is not None and due_date < today:
        return "red"
    if due_date is not None and due_date <= today + timedelta(days=window):
        return "yellow"
    if behind is not None and behind < today:
        return "yellow"
    if missed_month(start_date, last_period, today):
        return "yellow"
    return "green"


def missed_month(start_date: date | None, last_period: str, today: date) -> bool:
    """In supervision before this month began, and no report for the last complete month (or a later one)."""
    return start_date is not None and start_date < today.replace(day=1) \
        and (last_period or "") < last_complete_period(today)


def task_light(task, today: date | None = None, window: int | None = None) -> str | None:
    return light(
        state=task.state, due_date=task.due_date, behind=task.behind_after, start_date=task.start_date, last_period=task.last_period or "",
        today=today or today_local(), window=warning_days() if window is None else window,
    )


def _late_q(today: date) -> Q:
    """Behind 序时进度, or a missed reporting month (:func:`missed_month`): yellow either way, unless red or
    within the warning window."""
    return Q(behind_after__lt=today) | Q(start_date__lt=today.replace(day=1),
                                         last_period__lt=last_complete_period(today))


def light_q(which: str, today: date | None = None, window: int | None = None) -> Q:
    """A filter for tasks whose light is ``which`` (same rules as :func:`light`)."""
    today = today or today_local()
    window = warning_days() if window is None else window
    supervised = Q(state__in=SUPERVISED)
    end = today + timedelta(days=window)
    not_red = Q(due_date__gte=today) | Q(due_date__isnull=True)  # ranges an index can answer, not NOT(..)
    late = _late_q(today)
    if which == "done":
        return Q(state="closed")
    if which == "red":
        return supervised & Q(due_date__lt=today)
    if which == "yellow":
        return supervised & (Q(due_date__gte=today, due_date__lte=end) | (not_red & late))
    if which == "green":
        return supervised & not_red & ~(Q(due_date__lte=end) | late)
    raise ValueError(f"未知的灯色：{which}")


def yellow_parts(today: date | None = None, window: int | None = None) -> list[Q]:
    """The yellow condition of :func:`light_q` cut by deadline into disjoint parts, each a range an index can
    bound (for counting): due within the window (all yellow); due later, or no deadline, and behind schedule or
    a missed reporting month."""
    today = today or today_local()
    window = warning_days() if window is None else window
    supervised = Q(state__in=SUPERVISED)
    end = today + timedelta(days=window)
    late = _late_q(today)
    return [supervised & Q(due_date__gte=today, due_date__lte=end),
            supervised & Q(due_date__gt=end) & late,
            supervised & Q(due_date__isnull=True) & late]


def annotate_lights(qs, today: date | None = None, window: int | None = None, name: str = "light"):
    """Annotate a Task queryset with its light ('red' / 'yellow' / 'green' / 'done' / '')."""
    today = today or today_local()
    window = warning_days() if window is None else window
    return qs.annotate(**{name: Case(
        When(state="closed", then=Value("done")),
        When(~Q(state__in=SUPERVISED), then=Value("")),
        When(due_date__lt=today, then=Value("red")),
        When(due_date__lte=today + timedelta(days=window), then=Value("yellow")),
        When(_late_q(today), then=Value("yellow")),
        default=Value("green"),
        output_field=CharField(),
    )})
