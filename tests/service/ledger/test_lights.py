"""Traffic lights: each rule as a pure function, and the SQL form agreeing with it."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest

from taizhang.service.ledger import lights, services
from taizhang.service.ledger.models import Task

TODAY = date(2026, 5, 10)


def light(**kw):
    base = dict(state="active", due_date=None, behind=None, start_date=date(2026, 1, 1),
                last_period="2026-04", today=TODAY, window=15)
    return lights.light(**{**base, **kw})


def test_closed_is_done_and_draft_has_no_light():
    assert light(state="closed", due_date=TODAY - timedelta(days=100)) == "done"
    assert light(state="draft", due_date=TODAY - timedelta(days=1)) is None
    assert light(state="deleted") is None


def test_red_when_by_deadline_passed():
    assert light(due_date=TODAY - timedelta(days=1)) == "red"
    assert light(state="claimed", due_date=TODAY - timedelta(days=1)) == "red"
    assert light(due_date=TODAY, behind=TODAY + timedelta(days=30)) == "yellow"  # due today: not yet overdue


def test_yellow_within_warning_window_configurable():
    due = TODAY + timedelta(days=15)
    assert light(due_date=due, behind=due) == "yellow"
    assert light(due_date=due + timedelta(days=1), behind=due) == "green"
    assert light(due_date=due + timedelta(days=1), behind=due, window=30) == "yellow"


def test_expected_percent_is_linear_schedule():
    start, due = date(2026, 1, 1), date(2026, 12, 31)
    assert lights.expected_percent(start, due, start) == 0
    # published already overdue: everything was expected from the first day on
    assert lights.expected_percent(TODAY, TODAY - timedelta(days=30), TODAY) == 100
    assert lights.expected_percent(TODAY, TODAY, TODAY) == 100
    assert lights.expected_percent(start, due, date(2026, 7, 2)) == 50
    assert lights.expected_percent(start, due, due) == 100
    assert lights.expected_percent(None, due, TODAY) is None


def test_yellow_when_behind_schedule():
    start, due = date(2026, 1, 1), date(2026, 12, 31)  # by 2026-05-10, 序时进度 = 35 %
    expected = lights.expected_percent(start, due, TODAY)
    assert expected == 35
    for percent, want in ((20, "yellow"), (34, "yellow"), (36, "green"), (80, "green")):
        b = lights.behind_after(start, due, percent)
        assert light(due_date=due, start_date=start, behind=b) == want, percent
        assert (want == "yellow") == (percent < expected)


def test_never_reported_gets_one_month_grace():
    due = date(2026, 12, 31)
    assert light(due_date=due, start_date=date(2026, 5, 1), last_period="",
                 behind=lights.behind_after(date(2026, 5, 1), due, None)) == "green"
    assert light(due_date=due, start_date=date(2026, 3, 1), behind=lights.behind_after(date(2026, 3, 1), due, None)) == "yellow"


@pytest.mark.parametrize("due", [None, date(2026, 12, 31)])
def test_a_missed_reporting_month_is_yellow_deadline_or_not(due):
    assert lights.last_complete_period(TODAY) == "2026-04"
    assert lights.last_complete_period(date(2026, 1, 5)) == "2025-12"
    assert light(due_date=due, last_period="2026-04") == "green"
    assert light(due_date=due, last_period="2026-05") == "green"  # reported ahead for this month
    assert light(due_date=due, last_period="2026-03") == "yellow"
    assert light(due_date=due, last_period="") == "yellow"  # never reported: not green forever
    assert light(due_date=due, last_period="", start_date=date(2026, 5, 3)) == "green"  # started this month
    assert light(due_date=due, last_period="", start_date=None) == "green"  # not yet scheduled


@pytest.mark.django_db
def test_sql_lights_agree_with_the_pure_rules(published, people):
    """Every combination of the inputs, stored as tasks, gets the same light from SQL as from Python."""
    dues = [None, TODAY - timedelta(days=1), TODAY, TODAY + timedelta(days=15), TODAY + timedelta(days=16),
            TODAY + timedelta(days=200)]
    behinds = [None, TODAY - timedelta(days=1), TODAY]
    starts = [None, date(2026, 1, 1), date(2026, 5, 2)]
    periods = ["", "2026-03", "2026-04"]
    states = ["draft", "active", "claimed", "closed"]
    rows = []
    for i, (st, due, b, ongoing, start, period) in enumerate(itertools.product(
            states, dues, behinds, [False, True], starts, periods)):
        rows.append(Task(document=published, position=100 + i, text=f"组合{i}", state=st, due_date=due,
                         behind_after=b, ongoing=ongoing, start_date=start, last_period=period))
    Task.objects.bulk_create(rows)
    qs = lights.annotate_lights(Task.objects.filter(position__gte=100), today=TODAY, window=15)
    n = 0
    for t in qs:
        want = lights.task_light(t, today=TODAY, window=15)
        assert (t.light or None) == want, (t.text, t.state, t.due_date, t.behind_after, t.ongoing, t.start_date)
        n += 1
    assert n == len(rows)
    for which in lights.LIGHTS:
        ids = set(Task.objects.filter(position__gte=100).filter(lights.light_q(which, TODAY, 15)).values_list("pk", flat=True))
        assert ids == {t.pk for t in qs if t.light == which}, which


def test_light_follows_reports_and_deadlines(task1, people):
    """Through the services: a report behind schedule turns yellow, on schedule green, past due red."""
    start = task1.start_date
    due = task1.due_date
    # the last day of the month after publication: 序时进度 is then above 10 % and below 60 %, and the month of
    # publication (the one reported) is the last complete month
    next_month = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    check = (next_month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    assert 10 < lights.expected_percent(start, due, check) < 60
    period = f"{start:%Y-%m}"
    services.submit_progress(task1, people["liaison_a"], period=period, text="刚启动", percent=10)
    task1.refresh_from_db()
    assert lights.task_light(task1, today=check, window=15) == "yellow"
    services.submit_progress(task1, people["liaison_a"], period=period, text="过半", percent=60)
    task1.refresh_from_db()
    assert lights.task_light(task1, today=check, window=15) == "green"
    assert lights.task_light(task1, today=due + timedelta(days=1), window=15) == "red"
