"""Keyword search (trigram index on SQLite FTS5 / PostgreSQL pg_trgm) and the ledger's sort by light, each
checked against a plain reference computed another way."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Case, F, IntegerField, Value, When
from django.http import QueryDict
from django.urls import reverse

from taizhang.service.ledger import lights, search, services
from taizhang.service.ledger.models import Task
from taizhang.service.web.queries import CappedPaginator, LedgerFilterForm, TieredTasks, filtered_tasks

PHRASES = ["燃煤锅炉淘汰", "扬尘污染管控", "PM2.5浓度下降", "VOCs治理", "100%完成", "a_b 下划线", '引号"测试',
           "露天焚烧秸秆", "黑臭水体整治", "入河排污口排查"]


@pytest.fixture
def many_tasks(published):
    """60 more published tasks with invented texts and every kind of schedule (red, yellow, green, closed,
    ongoing without deadline, draft)."""
    rnd = random.Random(5)
    today = lights.today_local()
    rows = []
    for i in range(60):
        a, b = rnd.sample(PHRASES, 2)
        state = rnd.choice(["active"] * 5 + ["claimed", "closed", "draft"])
        due = None if i % 9 == 0 else today + timedelta(days=rnd.randint(-60, 120))
        start = today - timedelta(days=rnd.randint(10, 300))
        pct = rnd.choice([None, 10, 50, 90])
        rows.append(Task(document=published, key=f"X{i}", position=100 + i, number=f"附{i}", title=a,
                         text=f"{a}，{b}。第{i}项。", state=state, due_date=due, start_date=start, last_percent=pct,
                         ongoing=due is None, last_period="" if pct is None else f"{today:%Y-%m}",
                         behind_after=lights.behind_after(start, due, pct)))
    Task.objects.bulk_create(rows)
    return list(Task.objects.exclude(state="deleted"))


def _reference(tasks, q: str) -> set[int]:
    ql = q.strip().lower()
    return {t.pk for t in tasks if ql in t.title.lower() or ql in t.text.lower() or t.number == q.strip()}


def _found(q: str) -> set[int]:
    return set(Task.objects.exclude(state="deleted").filter(search.keyword_q(q)).values_list("pk", flat=True))


def test_the_search_index_is_in_place_after_all_migrations(db):
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("SELECT name FROM sqlite_master WHERE name LIKE %s", [search.TABLE + "%"])
            names = {r[0] for r in cur.fetchall()}
            assert {search.TABLE, search.VOCAB, f"{search.TABLE}_ai", f"{search.TABLE}_ad",
                    f"{search.TABLE}_au"} <= names
        else:
            cur.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'ledger_task'")
            names = {r[0] for r in cur.fetchall()}
            assert {"ledger_task_title_trgm", "ledger_task_text_trgm", "ledger_task_chars",
                    search.NUMBER_INDEX} <= names


def test_keyword_search_equals_a_substring_test_of_every_task(many_tasks):
    keywords = set()
    for t in many_tasks[:25]:
        for n in (1, 2, 3, 4, 6):
            keywords.add(t.text[: n])
            keywords.add(t.text[2: 2 + n])
            keywords.add(t.text[-n:])  # at the very end of the text or the title: found too
            keywords.add(t.title[-n:])
    keywords |= {"pm2.5", "PM2.5", "vocs", "100%", "%", "_", "a_b", '"', '引号"测', "附7", "附", "不存在的词语",
                 "  扬尘  ", "燃煤锅炉淘汰，扬尘"}
    for q in sorted(keywords):
        assert _found(q) == _reference(many_tasks, q), q
    assert _found("pm2.5") and _found("燃煤锅炉") and _found("附7")


@pytest.mark.parametrize("q", ["扬尘", "尘", "燃煤锅炉"])
def test_keywords_of_every_length_are_answered_from_an_index(many_tasks, q):
    sql = str(Task.objects.filter(search.keyword_q(q)).query)
    assert ("MATCH" in sql) if connection.vendor == "sqlite" else (
        "string_to_array" in sql if len(q) < 3 else "LIKE" in sql)
    if connection.vendor == "sqlite":
        assert "%" + q not in sql  # no LIKE scan of the task rows (PostgreSQL's indexes answer LIKE, or lead it)


def test_the_index_follows_edits_of_title_and_text(many_tasks, people):
    t = next(t for t in many_tasks if t.state == "draft" or t.key == "X1")
    Task.objects.filter(pk=t.pk).update(text="全新的任务内容：整治餐饮油烟", title="餐饮油烟整治")
    assert t.pk in _found("餐饮油烟") and t.pk in _found("油烟整治")
    assert t.pk not in _found(t.text[:5]) or t.text[:5] in "全新的任务内容：整治餐饮油烟"
    Task.objects.filter(pk=t.pk).update(last_percent=70)  # other columns: the index row is left alone
    assert t.pk in _found("餐饮油烟")
    Task.objects.filter(pk=t.pk).delete()
    assert not _found("餐饮油烟")


def test_search_through_the_ledger_screen(client, people, many_tasks):
    client.force_login(people["leader"])
    html = client.get(reverse("web:ledger"), {"q": "燃煤锅炉"}).content.decode()
    visible = [t for t in many_tasks if t.state != "draft"]
    expected = _reference(visible, "燃煤锅炉")
    assert expected and all(f'data-task="{pk}"' in html for pk in expected)
    assert html.count('data-task="') == len(expected)


def _light_order(user, desc=False):
    """The order by light as one query with ORDER BY a CASE (the reference the tiers must reproduce)."""
    qd = QueryDict(mutable=True)
    form = LedgerFilterForm(qd, user=user)
    qs = filtered_tasks(form, user)
    rank = Case(*[When(light=k, then=Value(v)) for k, v in {"red": 0, "yellow": 1, "green": 2, "done": 3}.items()],
                default=Value(4), output_field=IntegerField())
    # within a light by deadline, tasks without one last in either direction
    order = ["-light_rank", F("due_date").desc(nulls_last=True), "-id"] if desc else [
        "light_rank", F("due_date").asc(nulls_last=True), "id"]
    return list(qs.annotate(light_rank=rank).order_by(*order).values_list("pk", flat=True))


@pytest.mark.parametrize("desc", [False, True])
def test_sort_by_light_pages_equal_one_sorted_query(people, many_tasks, desc):
    user = people["admin"]
    form = LedgerFilterForm(QueryDict("sort=" + ("-light" if desc else "light")), user=user)
    tiered = filtered_tasks(form, user)
    assert isinstance(tiered, TieredTasks)
    expected = _light_order(user, desc)
    assert [t.pk for t in tiered[0:len(expected) + 5]] == expected
    for start, stop in [(0, 7), (5, 20), (13, 14), (30, 55), (len(expected) - 3, len(expected) + 10)]:
        assert [t.pk for t in tiered[start:stop]] == expected[start:stop], (start, stop)
    assert tiered.capped_count(10) == 11 and tiered.capped_count(1000) == len(expected) == len(tiered)
    pages = CappedPaginator(tiered, 9)
    got = [t.pk for n in pages.page_range for t in pages.page(n).object_list]
    assert got == expected
    # every row of a page carries its light for display, and the lights come in order
    rank = {"red": 0, "yellow": 1, "green": 2, "done": 3, "": 4}
    seq = [rank[t.light] for t in tiered[0:len(expected)]]
    assert seq == sorted(seq, reverse=desc)


def test_sort_by_light_with_filters_and_through_the_screen(client, people, many_tasks):
    client.force_login(people["leader"])
    resp = client.get(reverse("web:ledger"), {"sort": "light", "state": "active"})
    assert resp.status_code == 200
    html = resp.content.decode()
    order = [int(x.split('"')[0]) for x in html.split('data-task="')[1:]]
    today, window = lights.today_local(), lights.warning_days()
    active = [t for t in many_tasks if t.state == "active"]
    rank = {"red": 0, "yellow": 1, "green": 2}
    by_pk = {t.pk: t for t in active}
    ranks = [rank[lights.task_light(by_pk[pk], today, window)] for pk in order]
    assert len(order) == min(50, len(active)) and ranks == sorted(ranks)


def test_the_api_searches_like_the_screen(client, people, many_tasks):
    client.force_login(people["leader"])
    visible = [t for t in many_tasks if t.state != "draft"]
    for q in ("燃煤锅炉", "扬尘", "pm2.5", "附3"):
        found, url = set(), f"/api/tasks/?q={q}"
        while url:
            page = client.get(url).json()
            found |= {r["id"] for r in page["results"]}
            url = page.get("next")
        assert found == _reference(visible, q), q


@pytest.mark.parametrize("light", ["yellow", "green"])
@pytest.mark.parametrize("desc", [False, True])
def test_yellow_or_green_by_deadline_equal_one_sorted_query(people, many_tasks, light, desc):
    user = people["leader"]
    form = LedgerFilterForm(QueryDict(f"light={light}&sort={'-due' if desc else 'due'}"), user=user)
    tiered = filtered_tasks(form, user)
    assert isinstance(tiered, TieredTasks)
    order = (F("due_date").desc(nulls_last=True), "-id") if desc else (F("due_date").asc(nulls_last=True), "id")
    expected = list(services.visible_tasks(user).filter(lights.light_q(light)).order_by(*order)
                    .values_list("pk", flat=True))
    assert expected and any(t.due_date is None for t in many_tasks if t.state in lights.SUPERVISED)
    assert [t.pk for t in tiered[0:len(expected) + 3]] == expected
    for start, stop in [(0, 4), (2, 9), (len(expected) - 2, len(expected) + 4)]:
        assert [t.pk for t in tiered[start:stop]] == expected[start:stop]
    assert {t.light for t in tiered[0:len(expected)]} == {light}


@pytest.mark.parametrize("q", ["扬尘", "尘", "燃煤锅炉", "pm"])
def test_the_database_plans_the_keyword_on_its_index(many_tasks, q):
    """The condition is one the index answers (on PostgreSQL: the index's own expression; a mismatch would
    silently scan every task)."""
    sql, params = Task.objects.filter(search.keyword_q(q)).order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = "\n".join(str(r[-1]) for r in cur.fetchall())
            assert f"{search.TABLE} VIRTUAL TABLE" in plan, plan
        else:
            cur.execute("SET LOCAL enable_seqscan = off")  # too few rows here for the planner to prefer an index
            cur.execute("SET LOCAL enable_indexscan = off")
            cur.execute("EXPLAIN " + sql, params)
            plan = "\n".join(r[0] for r in cur.fetchall())
            assert ("ledger_task_chars" if len(q) < 3 else "_trgm") in plan, plan


@pytest.mark.parametrize("shift,window", [(0, 15), (-40, 15), (35, 0), (10, 60)])
def test_yellow_parts_are_the_yellow_tasks_cut_in_disjoint_ranges(many_tasks, shift, window):
    from taizhang.service.web.dashboard_stats import dashboard_stats

    today = lights.today_local() + timedelta(days=shift)
    yellow = set(Task.objects.filter(lights.light_q("yellow", today, window)).values_list("pk", flat=True))
    parts = [set(Task.objects.filter(p).values_list("pk", flat=True)) for p in lights.yellow_parts(today, window)]
    assert set().union(*parts) == yellow and sum(map(len, parts)) == len(yellow)
    python = [lights.task_light(t, today, window) for t in Task.objects.exclude(state="deleted")]
    assert len(yellow) == python.count("yellow") and yellow
    from taizhang.service.ledger.models import Setting

    Setting.objects.update_or_create(key="warning_days", defaults={"value": str(window)})
    stats = dashboard_stats(today)
    assert stats.lights == {k: python.count(k) for k in ("red", "yellow", "green")}


@pytest.mark.parametrize("desc", [False, True])
def test_tasks_without_a_deadline_sort_last_by_deadline(people, many_tasks, desc):
    user = people["admin"]
    tiered = filtered_tasks(LedgerFilterForm(QueryDict("sort=" + ("-due" if desc else "due")), user=user), user)
    got = list(tiered[0:1000])
    assert len(got) == len(many_tasks)
    dues = [t.due_date for t in got]
    n_dated = sum(d is not None for d in dues)
    assert 0 < n_dated < len(dues) and all(d is not None for d in dues[:n_dated])
    assert dues[:n_dated] == sorted(dues[:n_dated], reverse=desc)
