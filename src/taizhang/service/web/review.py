"""The review page of a plan, one page of tasks at a time: a plan of 500 tasks is read and corrected in pages of
:data:`PAGE_SIZE` cards, each beside the part of the source text those tasks come from.

- Unfiltered, page *k* shows the source from its first task's start to the next page's first task's start
  (the first page from the beginning, the last to the end): paging through shows every character of the plan
  once — text no task took stays in view, where a missed task is noticed.
- Filtered (缺牵头单位, 缺时限, 有提示: :data:`FILTERS`), each card's task is shown in its context.
- ``?task=ID`` opens the page holding that task (the links of the publish checks, the redirect after an edit).

The whole plan is read as a list of (id, position, span) rows; only the page's tasks are read in full.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.utils.safestring import mark_safe

from taizhang.service.ledger.models import Assignment, Document, Organisation, Task
from taizhang.service.ledger.services.publication import tasks_with_deadline, tasks_with_lead

from .highlight import Span, context_window, highlight

PAGE_SIZE = 20
FILTERS = {"no_lead": "缺牵头单位", "no_deadline": "缺时限", "warnings": "有提示"}
SECTION_DEPTH = 2  # the section index lists headings to this depth (第一级 / 第二级)
GAP = "\n……\n"
CONTEXT = 40  # characters of the source around a task in a filtered view (widened to whole lines)


@dataclass(frozen=True)
class Row:
    id: int
    position: int
    start: int | None
    end: int | None
    section: str
    state: str
    ongoing: bool
    immediate: bool
    no_lead_reason: str


def task_rows(doc: Document, tasks) -> list[Row]:
    return [Row(*r) for r in tasks.order_by("position", "id").values_list(
        "id", "position", "span_start", "span_end", "section", "state", "ongoing", "immediate", "no_lead_reason")]


def warning_owners(rows: list[Row], warnings: list[dict]) -> dict[int, list[dict]]:
    """Each warning of the extraction under the task it concerns: the innermost task whose span holds the
    warning's start, else the last task that starts before it (the text after a task is that task's)."""
    spanned = sorted((r for r in rows if r.start is not None), key=lambda r: (r.start, -(r.end or r.start)))
    starts = [r.start for r in spanned]
    out: dict[int, list[dict]] = {}
    for w in warnings:
        span = w.get("span") or []
        if len(span) != 2 or not spanned:
            continue
        i = bisect.bisect_right(starts, span[0]) - 1
        if i < 0:
            continue
        owner = spanned[i]
        for r in reversed(spanned[:i + 1]):  # the innermost task holding it, if any
            if r.end is not None and r.start <= span[0] < r.end:
                owner = r
                break
        out.setdefault(owner.id, []).append(w)
    return out


def filtered(rows: list[Row], show: str, tasks, warned: dict[int, list[dict]]) -> list[Row]:
    if show == "no_lead":
        led = tasks_with_lead(tasks)
        return [r for r in rows if r.id not in led and not r.no_lead_reason.strip()]
    if show == "no_deadline":
        dated = tasks_with_deadline(tasks)
        return [r for r in rows if r.id not in dated and not r.ongoing and not r.immediate]
    if show == "warnings":
        return [r for r in rows if r.id in warned]
    return rows


def sections(rows: list[Row], page_size: int) -> list[tuple[str, int]]:
    """The headings of the plan (to :data:`SECTION_DEPTH` levels) with the page of their first task."""
    out: list[tuple[str, int]] = []
    seen: set[str] = set()
    for i, r in enumerate(rows):
        head = " / ".join(p.strip() for p in r.section.split("/")[:SECTION_DEPTH] if p.strip())
        if head and head not in seen:
            seen.add(head)
            out.append((head, i // page_size + 1))
    return out


def source_html(text: str, rows: list[Row], page_rows: list[Row], spans: list[Span], *, whole: bool,
                first: bool, last: bool) -> str:
    """The source beside the page's cards (see the module's description)."""
    if not text:
        return ""
    if whole:
        starts = [r.start for r in page_rows if r.start is not None]
        lo = 0 if first or not starts else min(starts)
        nxt = rows.index(page_rows[-1]) + 1 if page_rows else len(rows)
        following = [r.start for r in rows[nxt:] if r.start is not None]
        hi = len(text) if last or not following else max(lo, following[0])
        return highlight(text, spans, lo, hi)
    windows: list[list[int]] = []
    for r in sorted((r for r in page_rows if r.start is not None and r.end is not None), key=lambda r: r.start):
        a, b = context_window(text, r.start, r.end, CONTEXT)
        if windows and a <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], b)
        else:
            windows.append([a, b])
    return GAP.join(highlight(text, spans, a, b) for a, b in windows)


def _spans(doc: Document, tasks: list[Task]) -> list[Span]:
    spans: list[Span] = []
    for t in tasks:
        if t.span_start is not None and t.span_end is not None:
            spans.append(Span(t.span_start, t.span_end, "task", (("data-task", str(t.pk)),)))
        for a in t.assignments.all():
            if a.span_start is not None and a.span_end is not None:
                spans.append(Span(a.span_start, a.span_end, "unit", (("title", a.unit_name),)))
        for d in t.deadlines.all():
            if d.active and d.span_start is not None and d.span_end is not None:
                spans.append(Span(d.span_start, d.span_end, "deadline", (("title", str(d.date or "")),)))
    for g in doc.targets.filter(span_start__isnull=False, span_end__isnull=False).only(
            "span_start", "span_end", "indicator"):
        spans.append(Span(g.span_start, g.span_end, "target", (("title", g.indicator),)))
    return spans


def _marked(heads: list[tuple[str, int]], current: int) -> list[tuple[str, int, bool]]:
    """The section index with the first section of the current page marked (the select shows it)."""
    first = next((i for i, (_, p) in enumerate(heads) if p == current), None)
    return [(h, p, i == first) for i, (h, p) in enumerate(heads)]


def page_of(rows: list[Row], task_id: int, page_size: int = PAGE_SIZE) -> int | None:
    for i, r in enumerate(rows):
        if r.id == task_id:
            return i // page_size + 1
    return None


def review_context(doc: Document, tasks, *, editable: bool, params) -> dict:
    """What the review template needs for the page ``params`` ask for (``page``, ``show``, ``task``)."""
    rows = task_rows(doc, tasks)
    warnings = (doc.ledger_json or {}).get("warnings") or []
    warned = warning_owners(rows, warnings)
    show = params.get("show") if params.get("show") in FILTERS else ""
    counts = {k: len(filtered(rows, k, tasks, warned)) for k in FILTERS}
    shown = filtered(rows, show, tasks, warned)
    number = params.get("page")
    if params.get("task", "").isdigit():
        number = page_of(shown, int(params["task"])) or number
    page = Paginator(shown, PAGE_SIZE).get_page(number)
    page_rows = list(page.object_list)
    by_id = {t.pk: t for t in Task.objects.filter(pk__in=[r.id for r in page_rows]).prefetch_related(
        Prefetch("assignments", queryset=Assignment.objects.select_related("organisation").order_by("id")),
        "deadlines")}
    page_tasks = [by_id[r.id] for r in page_rows if r.id in by_id]
    drafts = [r for r in rows if r.state == Task.State.DRAFT] if editable else []
    place = {r.id: i for i, r in enumerate(drafts)}
    merge_tasks = {t.pk: t for t in Task.objects.filter(pk__in=[r.id for r in drafts]).only(
        "id", "number", "title", "text", "version")} if len(drafts) > 1 else {}
    cards = []
    for t in page_tasks:
        units = {r: [a for a in t.assignments.all() if a.role == r] for r in Assignment.Role.values}
        due = next((d for d in t.deadlines.all() if d.active and d.type == "by"), None)
        i = place.get(t.pk)
        neighbours = [] if i is None else drafts[i + 1:i + 2] + drafts[max(0, i - 1):i]
        cards.append({"task": t, "units": units, "due": due, "editable": editable and t.allows("edit"),
                      "warnings": warned.get(t.pk, []),
                      "neighbours": [merge_tasks[n.id] for n in neighbours if n.id in merge_tasks]})
    names = set(Assignment.objects.filter(task__in=tasks, organisation__isnull=True).values_list("name", flat=True))
    orgs = sorted(set(Organisation.objects.filter(jurisdiction_id=doc.jurisdiction_id).values_list("name", flat=True))
                  | names)
    return {
        "cards": cards,
        "page": page,
        "show": show,
        "filters": [(k, label, counts[k]) for k, label in FILTERS.items()],
        "total": len(rows),
        "shown": len(shown),
        "sections": _marked(sections(shown, PAGE_SIZE), page.number) if not show and page.paginator.num_pages > 1
        else [],
        "source": mark_safe(source_html(doc.text, shown, page_rows, _spans(doc, page_tasks), whole=not show,
                                        first=page.number == 1, last=not page.has_next())),
        "org_names": orgs,
        "merge_choices": [merge_tasks[r.id] for r in drafts if r.id in merge_tasks],
        "warnings": warnings,
    }
