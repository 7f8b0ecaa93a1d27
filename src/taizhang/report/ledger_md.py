"""A readable Chinese review view of a ledger, in Markdown (``taizhang extract FILE --format md``)."""

from __future__ import annotations

from typing import Any

from taizhang.ledger import UnitRole
from taizhang.report.common import (
    comparator_phrase,
    deadline_text,
    hierarchical_numbers,
    kind_label,
    number_text,
    ordered_tasks,
    status_label,
    units_text,
)


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>") or "—"


def _inline(text: str) -> str:
    return " ".join(text.split("\n")).strip()


def _section_of(task: dict, title: str) -> str | None:
    """The outline path above a task (without the task's own heading, which some extractors include)."""
    section = _inline(task.get("section") or "")
    if title and section.endswith(title):
        section = section[: -len(title)].rstrip(" />›»")
    return section or None


def render_markdown(ledger: dict[str, Any]) -> str:
    doc = ledger.get("document") or {}
    src = doc.get("source") or {}
    tasks = list(ledger.get("tasks") or [])
    targets = list(ledger.get("targets") or [])
    warnings = list(ledger.get("warnings") or [])
    out: list[str] = []
    out.append(f"# {doc.get('title') or src.get('name') or '任务台账'}")
    out.append("")
    out.append("| 项目 | 内容 |")
    out.append("|---|---|")
    for label, value in (("标题", doc.get("title")), ("文号", doc.get("doc_number")),
                         ("发布单位", doc.get("issuer")), ("发布日期", doc.get("issue_date")),
                         ("地区", doc.get("region")), ("源文件", src.get("name")),
                         ("字符数", src.get("chars"))):
        out.append(f"| {label} | {_cell(value)} |")
    out.append(f"| 统计 | 任务 {len(tasks)} 项，目标指标 {len(targets)} 项，提示 {len(warnings)} 条 |")
    out.append("")

    out.append(f"## 目标指标（{len(targets)} 项）")
    out.append("")
    if targets:
        out.append("| 指标 | 比较 | 目标值 | 单位 | 目标年份 | 基准年 | 力争值 | 原文 |")
        out.append("|---|---|---|---|---|---|---|---|")
        for t in targets:
            out.append("| " + " | ".join(_cell(v) for v in (
                t.get("indicator"), comparator_phrase(t.get("comparator")),
                number_text(t.get("value")), t.get("unit"), t.get("year"), t.get("baseline_year"),
                number_text(t.get("stretch_value")), _inline(t.get("text") or ""))) + " |")
    else:
        out.append("（未识别到目标指标）")
    out.append("")

    out.append(f"## 任务（{len(tasks)} 项）")
    out.append("")
    numbers = hierarchical_numbers(tasks)
    section = None
    for t in ordered_tasks(tasks):
        number = numbers[t.get("id")]
        depth = number.count(".")
        title = _inline(t.get("title") or t.get("text") or "")
        this_section = _section_of(t, title)
        if depth == 0 and this_section != section:
            section = this_section
            if section:
                out.append(f"### {_inline(section)}")
                out.append("")
        indent = "  " * depth
        kind = kind_label(t.get("kind"))
        label = f"{t.get('number')} " if t.get("number") else ""
        out.append(f"{indent}- **{number}** 〔{kind}〕{label}{title}")
        details = []
        for role in UnitRole:
            text = units_text(t.get(role.ledger_key))
            if text:
                details.append(f"{role.label}：{text}")
        deadline = deadline_text(t)
        if deadline:
            details.append(f"时限：{deadline}")
        if t.get("status"):
            details.append(f"状态：{status_label(t.get('status'))}")
        if details:
            out.append(f"{indent}  - " + "；".join(details))
        if t.get("goal"):
            out.append(f"{indent}  - 整改目标：{_inline(t['goal'])}")
        measures = [m for m in t.get("measures") or [] if m]
        if measures:
            count = t.get("measures_count") or len(measures)
            out.append(f"{indent}  - 整改措施（{count} 项）：")
            for m in measures:
                out.append(f"{indent}    - {_inline(m)}")
        text = _inline(t.get("text") or "")
        if text and text != title:
            span = t.get("span") or []
            where = f"（第 {span[0]}–{span[1]} 字）" if len(span) == 2 else ""
            out.append(f"{indent}  - 出处{where}：{text}")
    if not tasks:
        out.append("（未识别到任务）")
    out.append("")

    out.append(f"## 提示（{len(warnings)} 条）")
    out.append("")
    if warnings:
        for w in warnings:
            span = w.get("span") or []
            where = f"（第 {span[0]}–{span[1]} 字）" if len(span) == 2 else ""
            out.append(f"- {_inline(w.get('message') or '')}{where}")
    else:
        out.append("（无）")
    out.append("")
    return "\n".join(out)
