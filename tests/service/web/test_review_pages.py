"""The review page of a long plan, a page of tasks at a time: paging that shows every character of the source
once, the page holding a task, the filters 缺牵头单位 / 缺时限 / 有提示, 无需牵头单位, and the publish page that
lists what is missing with links to the tasks."""

from __future__ import annotations

import hashlib
import html as htmllib
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from taizhang.service.ledger import services
from taizhang.service.ledger.models import Document, Task
from taizhang.service.web.review import PAGE_SIZE

pytestmark = pytest.mark.django_db
YEAR = 2099
N = 2 * PAGE_SIZE + 5  # three pages


def long_plan(n: int = N) -> tuple[str, dict]:
    """An invented plan of ``n`` numbered tasks with a paragraph no task took between every ten; every seventh
    task has no lead unit, every eleventh no deadline; a warning on task 5."""
    parts = ["青禾县污染防治攻坚任务清单\n", "一、说明\n", "各项任务按月调度。\n"]
    pos = sum(map(len, parts))
    tasks = []
    warn = None
    for i in range(1, n + 1):
        if i % 10 == 1:
            note = f"第{i // 10 + 1}批任务说明：以下任务由县指挥部办公室统筹。\n"
            parts.append(note)
            pos += len(note)
        lead = "" if i % 7 == 0 else "牵头单位：县生态环境局。"
        due = "" if i % 11 == 0 else f"{YEAR}年6月底前完成。"
        body = f"{i}.整治第{i}处问题。{due}{lead}\n"
        start = pos
        units = [{"raw": "县生态环境局", "name": "青禾县生态环境局",
                  "span": [start + body.index("县生态环境局"), start + body.index("县生态环境局") + 6]}] if lead else []
        deadlines = [{"text": f"{YEAR}年6月底前", "date": f"{YEAR}-06-30", "type": "by",
                      "span": [start + body.index(str(YEAR)), start + body.index("前") + 1]}] if due else []
        tasks.append({"id": f"T{i}", "parent_id": None, "number": f"{i}.", "kind": "measure",
                      "title": f"整治第{i}处问题", "text": body.rstrip("\n"), "span": [start, start + len(body) - 1],
                      "section": f"二、任务清单 / 第{(i - 1) // 10 + 1}批", "lead_units": units, "support_units": [],
                      "implementing_units": [], "deadlines": deadlines, "immediate": False, "ongoing": False,
                      "status": None, "goal": None, "measures": []})
        if i == 5:
            warn = [start + 2, start + 6]
        parts.append(body)
        pos += len(body)
    text = "".join(parts)
    ledger = {"format": "taizhang.ledger/1",
              "document": {"title": "青禾县污染防治攻坚任务清单", "region": "青禾县",
                           "source": {"name": "long.txt", "sha256": hashlib.sha256(text.encode()).hexdigest()}},
              "targets": [], "tasks": tasks, "warnings": [{"message": "这几个字未能归入任务", "span": warn}]}
    return text, ledger


@pytest.fixture
def long_draft(people):
    text, ledger = long_plan()
    return services.import_ledger(ledger, upload=services.Upload("long.txt", text.encode()), text=text, fmt="txt",
                                  user=people["reviewer"])


def _get(client, user, doc, **params) -> str:
    client.force_login(user)
    resp = client.get(reverse("web:document_detail", args=[doc.pk]), params)
    assert resp.status_code == 200
    return resp.content.decode()


def _cards(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'<div class="task-card" id="task-(\d+)"', html)]


def _source(html: str) -> str:
    m = re.search(r'<div class="source" id="source-text">(.*?)</div>', html, re.S)
    return htmllib.unescape(re.sub(r"<[^>]+>", "", m.group(1)))


def test_pages_of_cards_and_every_character_of_the_source_once(client, people, long_draft):
    ids = list(long_draft.tasks.order_by("position").values_list("pk", flat=True))
    pages = [_get(client, people["reviewer"], long_draft, page=p) for p in (1, 2, 3)]
    assert [_cards(h) for h in pages] == [ids[:PAGE_SIZE], ids[PAGE_SIZE:2 * PAGE_SIZE], ids[2 * PAGE_SIZE:]]
    # paging through shows the whole plan once, the paragraphs no task took included
    assert "".join(_source(h) for h in pages) == long_draft.text
    # a page runs to the next page's first task: the paragraph before it is read with the page it follows
    assert "第3批任务说明" in _source(pages[0]) and "第5批任务说明" in _source(pages[1])
    assert "第 2 / 3 页" in pages[1] and 'rel="next"' in pages[1] and 'rel="prev"' in pages[1]
    # the section index jumps to the page of a section's first task
    assert re.search(r'<option value="3"[^>]*>二、任务清单 / 第5批（第 3 页）</option>', pages[0])
    # each page is a fraction of the plan: at most PAGE_SIZE cards with their forms
    assert len(pages[0]) < 200_000


def test_the_page_holding_a_task(client, people, long_draft):
    target = long_draft.tasks.get(key="T33")
    html = _get(client, people["reviewer"], long_draft, task=target.pk)
    assert target.pk in _cards(html) and "第 2 / 3 页" in html


def test_filters_missing_lead_missing_deadline_and_warnings(client, people, long_draft):
    html = _get(client, people["reviewer"], long_draft)
    assert "缺牵头单位（6）" in html and "缺时限（4）" in html and "有提示（1）" in html
    no_lead = _get(client, people["reviewer"], long_draft, show="no_lead")
    keys = dict(long_draft.tasks.values_list("pk", "key"))
    assert [keys[i] for i in _cards(no_lead)] == ["T7", "T14", "T21", "T28", "T35", "T42"]
    assert no_lead.count('data-missing="lead"') == 6
    src = _source(no_lead)  # each task in its context, not the whole plan
    assert "7.整治第7处问题" in src and len(src) < 0.8 * len(long_draft.text)
    no_deadline = _get(client, people["reviewer"], long_draft, show="no_deadline")
    assert [keys[i] for i in _cards(no_deadline)] == ["T11", "T22", "T33", "T44"]
    warned = _get(client, people["reviewer"], long_draft, show="warnings")
    assert [keys[i] for i in _cards(warned)] == ["T5"] and "提示：这几个字未能归入任务" in warned


def test_an_edit_returns_to_the_page_and_filter_of_the_task(client, people, long_draft):
    t = long_draft.tasks.get(key="T44")
    client.force_login(people["reviewer"])
    resp = client.post(reverse("web:review_edit", args=[long_draft.pk, t.pk]),
                       {"version": t.version, "title": "整治第44处问题（改）", "show": "no_deadline"})
    assert resp.status_code == 302
    assert resp["Location"].endswith(f"?show=no_deadline&task={t.pk}#task-{t.pk}")
    assert t.pk in _cards(client.get(resp["Location"]).content.decode())


def test_no_lead_needed_takes_a_reason(client, people, long_draft):
    t = long_draft.tasks.get(key="T7")
    client.force_login(people["reviewer"])
    url = reverse("web:review_edit", args=[long_draft.pk, t.pk])
    resp = client.post(url, {"version": t.version, "has_no_lead": "1", "no_lead": "on", "no_lead_reason": " "})
    assert "须说明理由" in client.get(resp["Location"]).content.decode()
    client.post(url, {"version": t.version, "has_no_lead": "1", "no_lead": "on", "no_lead_reason": "由各乡镇落实"})
    t.refresh_from_db()
    assert t.no_lead_reason == "由各乡镇落实"
    html = _get(client, people["reviewer"], long_draft, task=t.pk)
    assert "无需牵头（由各乡镇落实）" in html and "缺牵头单位（5）" in html
    client.post(url, {"version": t.version, "has_no_lead": "1"})  # unticked: the reason goes
    t.refresh_from_db()
    assert t.no_lead_reason == ""


def test_publish_page_lists_what_is_missing_with_links(client, people, long_draft):
    client.force_login(people["reviewer"])
    url = reverse("web:document_publish", args=[long_draft.pk])
    html = client.get(url).content.decode()
    assert "不能发布：6 项任务没有牵头单位，4 项任务没有完成时限" in html
    t7 = long_draft.tasks.get(key="T7")
    link = f'{reverse("web:document_detail", args=[long_draft.pk])}?show=no_lead&amp;task={t7.pk}#task-{t7.pk}'
    assert link in html and "确认发布" not in html
    resp = client.post(url, {"why": ""})
    assert resp["Location"] == url and "不能发布" in client.get(url).content.decode()
    long_draft.refresh_from_db()
    assert long_draft.state == "draft"
    # once every task has a lead (or a reason) and a deadline, the page offers the button
    Task.objects.filter(document=long_draft).update(no_lead_reason="由各乡镇落实", ongoing=True)
    html = client.get(url).content.decode()
    assert "发布检查通过" in html and "确认发布" in html
    resp = client.post(url, {"why": "审核完毕"})
    assert resp["Location"] == reverse("web:document_detail", args=[long_draft.pk])
    long_draft.refresh_from_db()
    assert long_draft.state == "published"
    assert "已发布" in client.get(url).content.decode()


def test_publish_is_refused_to_those_who_may_not(client, people, long_draft):
    client.force_login(people["leader"])
    assert client.get(reverse("web:document_publish", args=[long_draft.pk])).status_code == 403


def test_documents_list_reads_no_texts(client, people, long_draft, draft):
    client.force_login(people["reviewer"])
    with CaptureQueriesContext(connection) as q:
        html = client.get(reverse("web:documents")).content.decode()
    assert "青禾县污染防治攻坚任务清单" in html and f">{N}<" in html
    docs = [x["sql"] for x in q.captured_queries if 'FROM "ledger_document"' in x["sql"]]
    assert docs and not any('"ledger_document"."text"' in s or "ledger_json" in s for s in docs)
    assert len(q.captured_queries) <= 8
    assert Document.objects.count() == 2
