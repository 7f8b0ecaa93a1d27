"""The light rules the office asked for, through the services and the screens: reopening resets the percent,
本月到期 is this month only, 序时进度 on the day an overdue task is published."""

from __future__ import annotations

from datetime import timedelta

from service_builders import month
from taizhang.service.ledger import lights, services
from taizhang.service.ledger.models import Task


def test_reopening_resets_the_percent_publicly(client, task1, people, evidence):
    services.claim_completion(task1, people["liaison_a"], text="已完成", files=[evidence])
    services.close_task(task1, people["inspector"], note="核查通过")
    services.reopen_task(task1, people["inspector"], reason="反弹回潮")
    task1.refresh_from_db()
    assert task1.state == "active" and task1.last_percent is None and task1.last_period
    html = client.get(f"/public/documents/{task1.document_id}/").content.decode()
    row = html.split(task1.number, 1)[1].split("</tr>", 1)[0]
    assert "整改中" in row and "100%" not in row
    client.force_login(people["leader"])
    detail = client.get(f"/tasks/{task1.pk}/").content.decode()
    assert "重新打开或销号被退回后尚未报送" in detail and "100%" not in detail.split("最近进度", 1)[1].split("</dd>", 1)[0]


def test_due_this_month_means_this_month(client, task1, people):
    today = lights.today_local()
    t2 = task1.document.tasks.get(key="T3")
    Task.objects.filter(pk=task1.pk).update(due_date=today.replace(day=1) - timedelta(days=400))  # years overdue
    Task.objects.filter(pk=t2.pk).update(due_date=today)
    from taizhang.service.ledger.models import Assignment

    Assignment.objects.get_or_create(task=t2, organisation=people["org_a"], role="support")
    client.force_login(people["liaison_a"])
    html = client.get("/my/").content.decode()
    due = html.split('id="due-this-month"', 1)[1].split("</table>", 1)[0]
    assert f"/tasks/{t2.pk}/" in due and f"/tasks/{task1.pk}/" not in due
    assert 'id="overdue-count">1<' in html


def test_expected_percent_on_the_publication_day_of_an_overdue_task(client, import_plan, people, make_ledger,
                                                                    plan_text):
    ledger = make_ledger()
    ledger["tasks"][0]["deadlines"][0]["date"] = "2020-09-30"  # long past when the plan is published
    doc = import_plan(ledger=ledger)
    services.publish_document(doc, people["reviewer"])
    task = doc.tasks.get(key="T1")
    assert task.start_date == lights.today_local() and lights.task_light(task) == "red"
    assert lights.expected_percent(task.start_date, task.due_date, lights.today_local()) == 100
    client.force_login(people["leader"])
    assert "序时进度 100%" in client.get(f"/tasks/{task.pk}/").content.decode()


def test_a_rejected_claim_reverts_to_the_reported_percent(client, task1, people, evidence):
    la, insp = people["liaison_a"], people["inspector"]
    services.submit_progress(task1, la, period=month(), text="已拆除两台锅炉", percent=60)
    services.claim_completion(task1, la, text="已全部淘汰", files=[evidence])
    assert Task.objects.get(pk=task1.pk).last_percent == 100
    services.reject_claim(task1, insp, note="现场仍有一台未拆除")
    task1.refresh_from_db()
    assert task1.state == "active" and (task1.last_percent, task1.last_period) == (60, month())
    html = client.get(f"/public/documents/{task1.document_id}/").content.decode()
    row = html.split(task1.number, 1)[1].split("</tr>", 1)[0]
    assert "60%" in row and "100%" not in row
    client.force_login(people["leader"])
    detail = client.get(f"/tasks/{task1.pk}/").content.decode()
    assert "60%" in detail.split("最近进度", 1)[1].split("</dd>", 1)[0]


def test_a_rejected_first_claim_leaves_no_percent(client, task1, people, evidence):
    services.claim_completion(task1, people["liaison_a"], text="已全部淘汰", files=[evidence])
    services.reject_claim(task1, people["inspector"], note="未见验收材料")
    task1.refresh_from_db()
    assert task1.last_percent is None and task1.behind_after == task1.start_date + timedelta(
        days=lights.REPORT_GRACE_DAYS)
    client.force_login(people["leader"])
    detail = client.get(f"/tasks/{task1.pk}/").content.decode()
    assert "销号被退回后尚未报送" in detail.split("最近进度", 1)[1].split("</dd>", 1)[0]


def test_after_a_reopening_only_later_reports_count_when_a_claim_is_rejected(task1, people, evidence):
    la, insp = people["liaison_a"], people["inspector"]
    services.submit_progress(task1, la, period=month(), text="推进中", percent=80)
    services.claim_completion(task1, la, text="已完成", files=[evidence])
    services.close_task(task1, insp, note="核查通过")
    services.reopen_task(task1, insp, reason="反弹回潮")
    services.submit_progress(task1, la, period=month(), text="重新整改", percent=30)
    services.claim_completion(task1, la, text="再次完成", files=[evidence])
    services.reject_claim(task1, insp, note="仍有反弹")
    assert Task.objects.get(pk=task1.pk).last_percent == 30
