"""Reminders (``taizhang remind``): due-soon and overdue notices to the responsible units.

A :class:`Notifier` turns each :class:`Notice` into a message. Built in: ``console`` (prints) and ``email``
(Django's email backend: SMTP from ``TAIZHANG_EMAIL_*``). Others plug in by dotted path
(``TAIZHANG_NOTIFIER=package.module.Class``, a subclass of :class:`Notifier`).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from . import lights
from . import permissions as perms
from .models import Assignment, Organisation, Task, UserProfile


@dataclass
class Notice:
    organisation: Organisation
    recipients: list[str]
    overdue: list[Task] = field(default_factory=list)
    due_soon: list[Task] = field(default_factory=list)

    @property
    def subject(self) -> str:
        return f"【台账提醒】{self.organisation.name}：逾期 {len(self.overdue)} 项，即将到期 {len(self.due_soon)} 项"

    def body(self, today: date) -> str:
        lines = [f"{self.organisation.name}：", ""]
        for title, tasks in (("已逾期（红灯）", self.overdue), ("即将到期（黄灯）", self.due_soon)):
            if tasks:
                lines.append(f"{title}：")
                for t in tasks:
                    days = (t.due_date - today).days
                    when = f"逾期 {-days} 天" if days < 0 else f"还剩 {days} 天"
                    lines.append(f"  {t.number} {t.title or t.text[:40]}（完成时限 {t.due_date:%Y-%m-%d}，{when}）")
                lines.append("")
        lines.append("请及时报送进展；确需调整时限的，请在系统中提出申请。")
        return "\n".join(lines)


def collect_notices(today: date | None = None, window: int | None = None) -> list[Notice]:
    """One notice per lead/support unit that has overdue or due-soon supervised tasks."""
    today = today or lights.today_local()
    window = lights.warning_days() if window is None else window
    soon = today + timedelta(days=window)
    tasks = Task.objects.filter(state__in=lights.SUPERVISED, due_date__isnull=False, due_date__lte=soon)
    by_org: dict[int, Notice] = {}
    rows = Assignment.objects.filter(task__in=tasks, role__in=perms.REPORTING_ROLES).select_related(
        "organisation", "task").order_by("organisation__name", "task__due_date", "task_id")
    for a in rows:
        org = a.organisation
        if org.pk not in by_org:
            emails = [e for e in UserProfile.objects.filter(organisation=org, user__is_active=True).values_list(
                "user__email", flat=True) if e]
            by_org[org.pk] = Notice(org, sorted({*emails, *([org.email] if org.email else [])}))
        notice = by_org[org.pk]
        (notice.overdue if a.task.due_date < today else notice.due_soon).append(a.task)
    return list(by_org.values())


class Notifier:
    """Base class: ``send`` delivers one notice and returns True when it went out."""

    name = "base"

    def send(self, notice: Notice, today: date) -> bool:
        raise NotImplementedError


class ConsoleNotifier(Notifier):
    name = "console"

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, notice: Notice, today: date) -> bool:
        print(f"== {notice.subject}\n收件人：{'、'.join(notice.recipients) or '（无）'}\n{notice.body(today)}\n",
              file=self.stream)
        return True


class EmailNotifier(Notifier):
    name = "email"

    def send(self, notice: Notice, today: date) -> bool:
        if not notice.recipients:
            return False
        send_mail(notice.subject, notice.body(today), settings.DEFAULT_FROM_EMAIL, notice.recipients)
        return True


BUILT_IN = {"console": ConsoleNotifier, "email": EmailNotifier}


def get_notifier(name: str | None = None) -> Notifier:
    name = name or settings.TAIZHANG_NOTIFIER
    cls = BUILT_IN.get(name) or import_string(name)
    return cls()
