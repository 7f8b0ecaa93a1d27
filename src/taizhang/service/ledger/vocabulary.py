"""The service's vocabularies that are not one model's field choices, and the task lifecycle.

:class:`TaskState` is :class:`~.models.Task`'s ``State``; :data:`TASK_LIFECYCLE` is the one table of which
action a task's state allows and where it leads, read by the services (which enforce it), the task page's
buttons and the API (both through :func:`.permissions.allowed_actions`). The words are explained in
docs/dev/glossary.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from taizhang import ledger


def choices_of(vocabulary: type[ledger.Vocabulary], name: str) -> type[models.TextChoices]:
    """Model choices with the codes and labels of a vocabulary of the ledger format."""
    return models.TextChoices(name, [(m.name, (m.value, m.label)) for m in vocabulary])


def label_of(choices: type[models.Choices], code: str | None) -> str:
    """The label of ``code`` in ``choices``; an unknown code as it is, nothing for none."""
    return choices(code).label if code in choices.values else (code or "")


class Light(models.TextChoices):
    """A supervised task's traffic light (computed, never stored: see :mod:`.lights`)."""

    RED = "red", "红灯"
    YELLOW = "yellow", "黄灯"
    GREEN = "green", "绿灯"
    DONE = "done", "已销号"


class TaskState(models.TextChoices):
    """A task's place in its lifecycle (the steps between the states: :data:`TASK_LIFECYCLE`)."""

    DRAFT = "draft", "待审核"
    ACTIVE = "active", "推进中"
    CLAIMED = "claimed", "申请销号"
    CLOSED = "closed", "已销号"
    DELETED = "deleted", "已删除"


@dataclass(frozen=True)
class Step:
    """One action of the task lifecycle: the states it applies in, and the state it leads to (None: the task
    stays in its state)."""

    sources: frozenset[str]
    target: str | None = None


_S = TaskState
#: The task lifecycle, the one table the services (which enforce it), the task page's action buttons and
#: the API (a task's ``actions``) read. Who may take each action is :mod:`.permissions`.
TASK_LIFECYCLE: dict[str, Step] = {
    # review of an imported plan (a published task keeps being correctable until it is closed)
    "edit": Step(frozenset({_S.DRAFT, _S.ACTIVE, _S.CLAIMED})),
    "delete": Step(frozenset({_S.DRAFT, _S.ACTIVE, _S.CLAIMED}), _S.DELETED),
    "merge": Step(frozenset({_S.DRAFT}), _S.DELETED),  # the tasks merged into another
    "set_deadline": Step(frozenset({_S.DRAFT})),  # later: a deadline change request
    "publish": Step(frozenset({_S.DRAFT}), _S.ACTIVE),  # 交办
    # supervision
    "report": Step(frozenset({_S.ACTIVE})),
    "claim": Step(frozenset({_S.ACTIVE}), _S.CLAIMED),  # 申请销号
    "close": Step(frozenset({_S.CLAIMED}), _S.CLOSED),  # 核查销号
    "reject": Step(frozenset({_S.CLAIMED}), _S.ACTIVE),  # 核查不通过，退回
    "reopen": Step(frozenset({_S.CLOSED}), _S.ACTIVE),  # 反弹回潮
    "request_deadline": Step(frozenset({_S.ACTIVE, _S.CLAIMED})),
}
