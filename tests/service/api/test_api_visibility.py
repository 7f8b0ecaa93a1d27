"""Every API action on one task looks the task up through the visibility rules of the screens: a draft task only
for reviewers and admins, a deleted task for no one — its detail, its history, its actions."""

from __future__ import annotations

from service_builders import api_client
from taizhang.service.ledger import services


def _renamed(task, user, title):
    task.refresh_from_db()
    return services.edit_task(task, user, version=task.version, changes={"title": title})


def test_history_of_draft_and_deleted_tasks_is_not_shown_to_units_and_leaders(draft, people):
    rv = people["reviewer"]
    kept, gone = draft.tasks.get(key="T1"), draft.tasks.get(key="T2")
    _renamed(kept, rv, "草稿阶段的名称")
    _renamed(gone, rv, "删除前的名称")
    gone.refresh_from_db()
    services.delete_task(gone, rv, version=gone.version, why="不是任务")
    for who in ("liaison_a", "liaison_b", "leader", "inspector"):
        c = api_client(people[who])
        for task in (kept, gone):
            for url in (f"/api/tasks/{task.pk}/", f"/api/tasks/{task.pk}/timeline/"):
                resp = c.get(url)
                assert resp.status_code == 404, (who, url)
                assert "草稿阶段的名称" not in resp.content.decode() and "删除前的名称" not in resp.content.decode()
    for who in ("reviewer", "admin"):
        c = api_client(people[who])
        history = c.get(f"/api/tasks/{kept.pk}/timeline/")
        assert history.status_code == 200
        assert [e["data"].get("after", {}).get("title") for e in history.json() if e["action"] == "task.edit"] \
            == ["草稿阶段的名称"]
        assert c.get(f"/api/tasks/{gone.pk}/timeline/").status_code == 404  # as on the screens: deleted is gone


def test_a_review_action_refuses_a_unit_before_looking_the_task_up(draft, people):
    """A user who may not review is told so (403) on any task; a reviewer gets 404 for a deleted one."""
    gone = draft.tasks.get(key="T2")
    services.delete_task(gone, people["reviewer"], version=gone.version, why="不是任务")
    for action in ("split", "merge", "delete", "units"):
        resp = api_client(people["liaison_a"]).post(f"/api/tasks/{gone.pk}/{action}/", {})
        assert resp.status_code == 403 and resp.json()["detail"].startswith("无权"), action
        assert api_client(people["reviewer"]).post(f"/api/tasks/{gone.pk}/{action}/", {}).status_code == 404, action
