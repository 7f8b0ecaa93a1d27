"""Splitting a task in review (services.review.split_task, split_task_before)."""

from __future__ import annotations

import pytest

from service_builders import YEAR
from taizhang.service.ledger import services
from taizhang.service.ledger.errors import ServiceError
from taizhang.service.ledger.models import AuditEvent


def test_split_keeps_the_first_part_and_gives_the_rest_a_new_task(draft, people, plan_text):
    t1 = draft.tasks.get(key="T1")
    at = t1.text.index(f"{YEAR}年9月底前")
    new = services.split_task(t1, people["reviewer"], version=t1.version, at=at)
    t1.refresh_from_db()
    assert t1.text == "推进燃煤锅炉淘汰。" and new.text.startswith(f"{YEAR}年9月底前")
    assert plan_text[new.span_start:new.span_end].startswith(new.text)
    assert set(new.assignments.values_list("organisation__name", "role")) == set(
        t1.assignments.values_list("organisation__name", "role"))
    assert new.position == t1.position + 1 and draft.tasks.get(key="T2").position > new.position
    assert {"task.split", "task.create"} <= set(AuditEvent.objects.values_list("action", flat=True))


def test_split_at_pasted_text_finds_it_or_explains(draft, people):
    t1 = draft.tasks.get(key="T1")
    new = services.split_task_before(t1, people["reviewer"], version=t1.version, text=f" {YEAR}年9月底前")
    assert new.text.startswith(f"{YEAR}年9月底前")
    t1.refresh_from_db()
    for text in ("不在文中的字", t1.text[:4], ""):
        with pytest.raises(ServiceError, match="无法从此处拆分"):
            services.split_task_before(t1, people["reviewer"], version=t1.version, text=text)


def test_split_outside_the_text_is_refused(draft, people):
    t1 = draft.tasks.get(key="T1")
    for at in (0, len(t1.text)):
        with pytest.raises(ServiceError, match="不在任务文本之内"):
            services.split_task(t1, people["reviewer"], version=t1.version, at=at)
