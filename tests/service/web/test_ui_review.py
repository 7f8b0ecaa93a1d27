"""Import and review through the screens: the draft beside its source, corrections carrying the task version
(a stale form shows a conflict instead of overwriting), units from the list or new (alias remembered),
split / merge / delete, publish, upload with duplicate detection."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from service_builders import as_user, follow_messages
from taizhang.service.ledger.models import Document, Organisation, OrganisationAlias, Task

pytestmark = pytest.mark.django_db




def test_review_screen_shows_every_task_highlighted_beside_the_source(client, people, draft):
    html = as_user(client, people["reviewer"]).get(reverse("web:document_detail", args=[draft.pk])).content.decode()
    for t in draft.tasks.all():
        assert f'<mark class="task" data-task="{t.pk}">' in html
        assert f'id="task-{t.pk}"' in html and f'data-select-task="{t.pk}"' in html
    assert '<mark class="unit" title="桐溪县生态环境局">县环保局</mark>' in html
    assert 'class="target"' in html and 'class="deadline"' in html
    assert "核对完毕，发布台账" in html and "review.js" in html


def test_review_is_refused_to_liaison_and_leader(client, people, draft):
    t = draft.tasks.get(key="T1")
    for who in ("liaison_a", "leader", "inspector"):
        c = as_user(client, people[who])
        assert c.get(reverse("web:document_upload")).status_code == 403
        r = c.post(reverse("web:review_edit", args=[draft.pk, t.pk]), {"version": t.version, "title": "x"})
        assert r.status_code == 403
        assert c.post(reverse("web:document_publish", args=[draft.pk])).status_code == 403
        # drafts are not even listed for them
        assert c.get(reverse("web:document_detail", args=[draft.pk])).status_code == 404
    t.refresh_from_db()
    assert t.title == "推进燃煤锅炉淘汰"


def test_edit_with_version_and_stale_edit_conflict(client, people, draft):
    t = draft.tasks.get(key="T1")
    url = reverse("web:review_edit", args=[draft.pk, t.pk])
    c = as_user(client, people["reviewer"])
    stale_version = t.version
    c.post(url, {"version": stale_version, "title": "推进10蒸吨以下燃煤锅炉淘汰", "goal": "全部淘汰"})
    t.refresh_from_db()
    assert t.title == "推进10蒸吨以下燃煤锅炉淘汰" and t.goal == "全部淘汰" and t.version == stale_version + 1
    # a second reviewer still holding the old form
    c2 = as_user(client, people["admin"])
    resp = c2.post(url, {"version": stale_version, "title": "别人的改法"})
    html = follow_messages(c2, resp)
    assert "已被他人修改" in html
    t.refresh_from_db()
    assert t.title == "推进10蒸吨以下燃煤锅炉淘汰"


def test_correct_a_unit_from_the_list_remembers_the_alias(client, people, draft):
    t = draft.tasks.get(key="T2")  # lead 县住建局 resolved to 桐溪县住房和城乡建设局 (already in people)
    wrong = Organisation.objects.create(jurisdiction=draft.jurisdiction, name="桐溪县城乡规划局")
    c = as_user(client, people["reviewer"])
    c.post(reverse("web:review_units", args=[draft.pk, t.pk]),
           {"version": t.version, "role": "lead", "unit": [wrong.name, ""], "raw": ["县住建局", ""]})
    assert list(t.assignments.filter(role="lead").values_list("organisation__name", flat=True)) == ["桐溪县城乡规划局"]
    assert OrganisationAlias.objects.get(jurisdiction=draft.jurisdiction, alias="县住建局").organisation == wrong


def test_create_a_new_unit_in_review(client, people, draft):
    t = draft.tasks.get(key="T3")
    t.refresh_from_db()
    c = as_user(client, people["reviewer"])
    c.post(reverse("web:review_units", args=[draft.pk, t.pk]),
           {"version": t.version, "role": "support", "unit": ["桐溪县气象局"], "raw": [""]})
    assert list(t.assignments.filter(role="support").values_list("name", flat=True)) == ["桐溪县气象局"]
    c.post(reverse("web:organisation_create", args=[draft.pk]), {"name": "桐溪县水利局", "aliases": "县水利局，水利局"})
    org = Organisation.objects.get(name="桐溪县水利局")
    assert set(org.aliases.values_list("alias", flat=True)) == {"县水利局", "水利局"}
    # typing a known alias picks that organisation; nothing new is created
    t.refresh_from_db()
    n = Organisation.objects.count()
    c.post(reverse("web:review_units", args=[draft.pk, t.pk]),
           {"version": t.version, "role": "support", "unit": ["桐溪县气象局", "县水利局"], "raw": ["", ""]})
    assert set(t.assignments.filter(role="support").values_list("name", "organisation")) == {
        ("桐溪县气象局", None), ("桐溪县水利局", org.pk)}  # a name until publication, or the organisation on file
    assert Organisation.objects.count() == n


def test_split_merge_delete(client, people, draft):
    c = as_user(client, people["reviewer"])
    t1 = draft.tasks.get(key="T1")
    c.post(reverse("web:review_split", args=[draft.pk, t1.pk]), {"version": t1.version, "at_text": "牵头单位"})
    assert draft.tasks.exclude(state="deleted").count() == 4
    new = draft.tasks.exclude(pk=t1.pk).get(text__startswith="牵头单位")
    t1.refresh_from_db()
    assert t1.text.endswith("燃煤锅炉淘汰。")
    c.post(reverse("web:review_merge", args=[draft.pk, t1.pk]), {"version": t1.version, "others": [str(new.pk)]})
    t1.refresh_from_db()
    new.refresh_from_db()
    assert new.state == "deleted" and "牵头单位" in t1.text
    t2 = draft.tasks.get(key="T2")
    resp = c.post(reverse("web:review_delete", args=[draft.pk, t2.pk]), {"version": t2.version, "why": ""})
    assert "须说明理由" in follow_messages(c, resp)
    c.post(reverse("web:review_delete", args=[draft.pk, t2.pk]), {"version": t2.version, "why": "不是任务"})
    t2.refresh_from_db()
    assert t2.state == "deleted"
    html = c.get(reverse("web:document_detail", args=[draft.pk])).content.decode()
    assert f'id="task-{t2.pk}"' not in html


def test_split_at_text_not_found_is_explained(client, people, draft):
    t1 = draft.tasks.get(key="T1")
    c = as_user(client, people["reviewer"])
    resp = c.post(reverse("web:review_split", args=[draft.pk, t1.pk]), {"version": t1.version, "at_text": "不存在的文字"})
    assert "找不到" in follow_messages(c, resp)


def test_review_deadline_correction_on_a_draft(client, people, draft):
    t3 = draft.tasks.get(key="T3")
    c = as_user(client, people["reviewer"])
    c.post(reverse("web:review_edit", args=[draft.pk, t3.pk]), {"version": t3.version, "due_date": "2099-03-31"})
    t3.refresh_from_db()
    assert str(t3.due_date) == "2099-03-31"


def test_publish_makes_tasks_active(client, people, draft):
    c = as_user(client, people["reviewer"])
    c.post(reverse("web:document_publish", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.state == "published"
    assert set(draft.tasks.values_list("state", flat=True)) == {"active"}
    resp = c.post(reverse("web:document_publish", args=[draft.pk]))
    assert "已发布" in follow_messages(c, resp)


def test_documents_list_and_original_download(client, people, published, plan_text):
    c = as_user(client, people["liaison_a"])
    html = c.get(reverse("web:documents")).content.decode()
    assert "大气污染防治攻坚行动方案" in html and 'data-document' in html
    resp = c.get(reverse("web:document_original", args=[published.pk]))
    assert resp.status_code == 200 and b"".join(resp.streaming_content) == plan_text.encode()


def _plan_file(text: str, name: str = "桐溪县行动方案.txt"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/plain")


def test_upload_extracts_a_draft_and_detects_a_duplicate(client, people, plan_text):
    c = as_user(client, people["reviewer"])
    resp = c.post(reverse("web:document_upload"), {"file": _plan_file(plan_text)})
    assert resp.status_code == 302, resp.content.decode()[:500]
    doc = Document.objects.get()
    assert resp["Location"] == reverse("web:document_detail", args=[doc.pk])
    assert Task.objects.filter(document=doc).exists()
    again = c.post(reverse("web:document_upload"), {"file": _plan_file(plan_text, "改了名字.txt")})
    html = again.content.decode()
    assert again.status_code == 200 and "该文件已导入过" in html
    assert reverse("web:document_detail", args=[doc.pk]) in html
    assert Document.objects.count() == 1


def test_upload_rejects_other_file_types(client, people):
    c = as_user(client, people["reviewer"])
    resp = c.post(reverse("web:document_upload"), {"file": SimpleUploadedFile("a.xls", b"xx")})
    assert "类型不支持" in resp.content.decode()
    assert Document.objects.count() == 0


def test_review_bad_deadline_date_is_explained_and_nothing_else_said(client, people, draft):
    t3 = draft.tasks.get(key="T3")
    c = as_user(client, people["reviewer"])
    resp = c.post(reverse("web:review_edit", args=[draft.pk, t3.pk]), {"version": t3.version, "due_date": "2099-13-45"})
    assert resp.status_code == 302 and resp["Location"].endswith(f"#task-{t3.pk}")
    html = follow_messages(c, resp)
    assert "日期“2099-13-45”格式不对，应为 YYYY-MM-DD" in html and "已保存修改" not in html
    due = t3.due_date
    t3.refresh_from_db()
    assert t3.due_date == due
