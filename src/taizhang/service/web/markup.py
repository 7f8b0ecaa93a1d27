"""HTML pieces built in Python, one definition each: a light, a state badge, a ledger row, a <select>.

The templates use the light and the badge through the template tags (:mod:`.templatetags.web_tags`), which
call these functions; the ledger table and its filter selects are built here whole, because fifty rows or a
long organisation list through the template engine cost more than all the page's queries (the ledger
benchmark: ``benchmarks/ledger.py``). Every text is escaped with the standard library's :func:`html.escape`
(Django's lazy wrapper costs more than the escaping); the results are plain strings, marked safe by the
caller.
"""

from __future__ import annotations

from html import escape

from taizhang.service.ledger.models import Assignment, Light, Task, label_of

Role = Assignment.Role
NO_LIGHT = '<span class="light none"></span><span class="muted">—</span>'


def light_html(light: str | None) -> str:
    """A coloured dot and the light's name; a dash for a task outside supervision."""
    if not light:
        return NO_LIGHT
    code = escape(light)
    return f'<span class="light {code}" data-light="{code}"></span>{escape(label_of(Light, light))}'


def badge_html(state: str) -> str:
    code = escape(state)
    return f'<span class="badge {code}" data-state="{code}">{escape(label_of(Task.State, state))}</span>'


def due_text(task) -> str:
    """The deadline column: the date, else 立行立改 / 长期坚持, else nothing."""
    if task.due_date:
        return task.due_date.isoformat()
    if task.immediate:
        return "立行立改"
    if task.ongoing:
        return "长期坚持"
    return ""


def _cut(text: str, n: int) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"


def ledger_row(task, units: dict[str, list[str]], document_title: str, detail_url: str) -> str:
    """One <tr> of the ledger table. ``detail_url``: the task detail URL of task 0, whose last segment is
    replaced by the task's id."""
    pct = "—" if task.last_percent is None else f"{task.last_percent}%"
    url = f"{detail_url[:-2]}{task.pk}/"
    return (
        f'<tr data-task="{task.pk}"><td class="nowrap key" data-label="序号">{escape(task.number or "—")}</td>'
        f'<td class="title"><a href="{url}">{escape(_cut(task.title or task.text, 90))}</a></td>'
        f'<td data-label="牵头单位">{escape("、".join(units[Role.LEAD]))}</td>'
        f'<td data-label="配合单位">{escape("、".join(units[Role.SUPPORT]))}</td>'
        f'<td data-label="落实单位">{escape("、".join(units[Role.TERRITORIAL]))}</td>'
        f'<td class="nowrap s" data-label="完成时限">{escape(due_text(task) or "—")}</td>'
        f'<td class="nowrap s" data-label="灯色">{light_html(task.light)}</td>'
        f'<td class="s" data-label="状态">{badge_html(task.state)}</td><td class="num s" data-label="进度">{pct}</td>'
        f'<td data-label="出处">{escape(_cut(document_title, 24))}</td></tr>'
    )


def options_html(choices, selected) -> str:
    selected = "" if selected in (None, "") else str(selected)
    return "".join(
        f'<option value="{escape(str(v))}"{" selected" if str(v) == selected else ""}>{escape(str(label))}</option>'
        for v, label in choices)


def select_html(name: str, choices, selected) -> str:
    return f'<select name="{name}" id="id_{name}">{options_html(choices, selected)}</select>'
