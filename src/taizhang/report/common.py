"""Shared helpers of the ledger exports: display rows built from the ledger JSON (``Ledger.to_dict()``).

A *row* is a plain dict with the keys of :data:`ROW_KEYS`; both the Excel and the Markdown exports consume
rows, and the web service builds the same rows from its database to export a filtered view.
"""

from __future__ import annotations

from typing import Any

from taizhang.ledger import Comparator, ReportedStatus, TaskKind

# key → column header of the clerks' ledger layout
ROW_COLUMNS: list[tuple[str, str]] = [
    ("number", "序号"),
    ("task", "任务/问题"),
    ("lead", "牵头单位"),
    ("support", "配合单位"),
    ("implementing", "落实单位"),
    ("deadline", "完成时限"),
    ("goal", "整改目标"),
    ("status", "状态"),
    ("source", "出处"),
    ("section", "所在章节"),
    ("id", "任务编号"),
]
ROW_KEYS = [k for k, _ in ROW_COLUMNS]


def status_label(status: str | None) -> str:
    """The status a plan reports for a task, in words; an extracted task the plan reports nothing of is
    待审核 (it waits for the office's review); an unknown code as written."""
    if not status:
        return "待审核"
    return ReportedStatus.labels().get(status, status)


def kind_label(kind: str | None) -> str:
    return TaskKind.labels().get(kind, kind or "")


def comparator_phrase(comparator: str | None) -> str:
    """A target's comparator in words (不高于, 比基准年下降 …); an unknown code as written."""
    try:
        return Comparator(comparator).phrase
    except ValueError:
        return comparator or ""


def units_text(units: list[dict] | None) -> str:
    names: list[str] = []
    for u in units or []:
        name = (u.get("name") or u.get("raw") or "").strip()
        if name and name not in names:
            names.append(name)
    return "、".join(names)


def deadline_text(task: dict) -> str:
    parts: list[str] = []
    for d in task.get("deadlines") or []:
        label = (d.get("text") or "").strip()
        date = d.get("date")
        if d.get("type") == "from":
            label = label if label.endswith("起") else f"{label}起"
        if date and date not in label:
            label = f"{label}（{date}）" if label else date
        if label and label not in parts:
            parts.append(label)
    if task.get("immediate"):
        parts.append("立行立改")
    if task.get("ongoing"):
        parts.append("长期坚持")
    return "；".join(parts)


def task_content(task: dict) -> str:
    """The 任务/问题 cell: the task's title (or text), with a problem's rectification measures below."""
    title = (task.get("title") or "").strip()
    text = (task.get("text") or "").strip()
    content = title or text
    measures = [m.strip() for m in task.get("measures") or [] if m and m.strip()]
    if measures:
        content += "\n整改措施：\n" + "\n".join(measures)
    return content


def hierarchical_numbers(tasks: list[dict]) -> dict[str, str]:
    """序号 1, 1.1, 1.1.1 … following parent links (a parent missing from ``tasks`` makes a top-level row)."""
    ids = {t.get("id") for t in tasks}
    children: dict[str | None, list[dict]] = {}
    for t in tasks:
        parent = t.get("parent_id")
        children.setdefault(parent if parent in ids else None, []).append(t)
    numbers: dict[str, str] = {}

    def visit(parent: str | None, prefix: str, seen: set) -> None:
        for i, t in enumerate(children.get(parent, []), 1):
            tid = t.get("id")
            if tid in seen:
                continue
            seen.add(tid)
            numbers[tid] = f"{prefix}{i}"
            visit(tid, f"{prefix}{i}.", seen)

    visit(None, "", set())
    # tasks caught in a parent cycle get a number after the rest
    extra = len(children.get(None, []))
    for t in tasks:
        if t.get("id") not in numbers:
            extra += 1
            numbers[t.get("id")] = str(extra)
    return numbers


def ordered_tasks(tasks: list[dict]) -> list[dict]:
    """Tasks in tree order (each parent followed by its children), as the 序号 suggests."""
    numbers = hierarchical_numbers(tasks)

    def key(t: dict) -> list[int]:
        return [int(x) for x in numbers[t.get("id")].split(".")]

    return sorted(tasks, key=key)


def ledger_rows(ledger: dict[str, Any]) -> list[dict[str, Any]]:
    """Display rows of one ledger, in tree order, with hierarchical 序号."""
    tasks = list(ledger.get("tasks") or [])
    numbers = hierarchical_numbers(tasks)
    rows = []
    for t in ordered_tasks(tasks):
        rows.append({
            "number": numbers[t.get("id")],
            "task": task_content(t),
            "lead": units_text(t.get("lead_units")),
            "support": units_text(t.get("support_units")),
            "implementing": units_text(t.get("implementing_units")),
            "deadline": deadline_text(t),
            "goal": (t.get("goal") or "").strip(),
            "status": status_label(t.get("status")),
            "source": (t.get("text") or "").strip(),
            "section": (t.get("section") or "").strip(),
            "id": t.get("id") or "",
            "kind": t.get("kind"),
            "depth": numbers[t.get("id")].count("."),
        })
    return rows


def number_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
