"""Completion and verification (services.workflow): a claim with evidence (申请销号), the inspector's close
(核查销号) or reject (退回), and reopening (反弹回潮); each step in the task's history."""

from __future__ import annotations

from pathlib import Path

import pytest

from service_builders import month
from taizhang.service.ledger import audit, services
from taizhang.service.ledger.errors import InvalidTransition, NotAllowed, ServiceError
from taizhang.service.ledger.models import EvidenceFile, Task


def test_a_claim_needs_evidence_and_keeps_the_files(task1, people, evidence):
    la = people["liaison_a"]
    with pytest.raises(ServiceError, match="佐证材料"):
        services.claim_completion(task1, la, text="已全部淘汰", files=[])
    report = services.claim_completion(task1, la, text="已全部淘汰", files=[evidence])
    task1.refresh_from_db()
    assert task1.state == "claimed" and report.is_completion_claim and report.percent == 100
    ev = EvidenceFile.objects.get(report=report)
    assert ev.sha256 == evidence.sha256 and Path(ev.file.path).read_bytes() == evidence.content


def test_only_an_inspector_closes_with_a_note(task1, people, evidence):
    services.claim_completion(task1, people["liaison_a"], text="已全部淘汰", files=[evidence])
    with pytest.raises(NotAllowed):
        services.close_task(task1, people["liaison_a"], note="自己销号")
    with pytest.raises(ServiceError, match="核查意见"):
        services.close_task(task1, people["inspector"], note=" ")
    v = services.close_task(task1, people["inspector"], note="现场核查，锅炉已全部拆除")
    task1.refresh_from_db()
    assert task1.state == "closed" and v.result == "closed" and task1.closed_at
    with pytest.raises(InvalidTransition):
        services.submit_progress(task1, people["liaison_a"], period=month(), text="x", percent=100)


def test_a_rejected_claim_returns_the_task_to_work(task1, people, evidence):
    services.claim_completion(task1, people["liaison_a"], text="已全部淘汰", files=[evidence])
    v = services.reject_claim(task1, people["inspector"], note="现场仍有一台未拆除")
    assert Task.objects.get(pk=task1.pk).state == "active" and v.result == "rejected"


def test_reopening_needs_a_reason(task1, people, evidence):
    services.claim_completion(task1, people["liaison_a"], text="已全部淘汰", files=[evidence])
    services.close_task(task1, people["inspector"], note="通过")
    with pytest.raises(ServiceError, match="须说明理由"):
        services.reopen_task(task1, people["inspector"], reason="")
    services.reopen_task(task1, people["inspector"], reason="反弹回潮：发现新建燃煤锅炉")
    task1.refresh_from_db()
    assert task1.state == "active" and task1.closed_at is None


def test_the_history_tells_the_whole_cycle(task1, people, evidence):
    la, insp = people["liaison_a"], people["inspector"]
    services.claim_completion(task1, la, text="已全部淘汰", files=[evidence])
    services.reject_claim(task1, insp, note="现场仍有一台未拆除")
    services.claim_completion(task1, la, text="最后一台已拆除", files=[evidence])
    services.close_task(task1, insp, note="现场核查，锅炉已全部拆除")
    services.reopen_task(task1, insp, reason="反弹回潮：发现新建燃煤锅炉")
    trail = [(e["action"], e["actor"]) for e in services.timeline(task1)]
    assert trail == [("task.publish", "reviewer"), ("report.claim", "liaison_a"), ("task.claim", "liaison_a"),
                     ("task.reject", "inspector"), ("report.claim", "liaison_a"), ("task.claim", "liaison_a"),
                     ("task.close", "inspector"), ("task.reopen", "inspector")]
    assert services.timeline(task1)[-1]["data"] == {"before": "closed", "after": "active",
                                                    "why": "反弹回潮：发现新建燃煤锅炉"}
    assert audit.verify_chain().ok
