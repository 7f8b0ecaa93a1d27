"""read → segment → extract → resolve: one document in, one :class:`~taizhang.ledger.Ledger` out.

``extract_file(path)`` and ``extract_document(doc)`` are what the CLI and the web service call. Pass a dict as
``timings`` to receive the seconds spent in each stage (read, segment, extract, resolve).
"""

from __future__ import annotations

import datetime
import os
import re
import time
from contextlib import contextmanager

from taizhang.document import SourceDocument
from taizhang.extract import assign as A
from taizhang.extract.tasks import Draft, add_subtasks, find_measures
from taizhang.ledger import Deadline, DocumentMeta, ExtractionWarning, Ledger, Task, Unit
from taizhang.segment.outline import build_outline
from taizhang.text import OffsetMap, normalise_document


@contextmanager
def _timed(timings: dict | None, stage: str):
    t0 = time.perf_counter()
    try:
        yield
    finally:
        if timings is not None:
            timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - t0


def extract_file(path: str | os.PathLike, *, timings: dict | None = None) -> Ledger:
    from taizhang.read import read_document

    with _timed(timings, "read"):
        doc = read_document(path)
    return extract_document(doc, timings=timings)


def _metadata(doc: SourceDocument) -> tuple[DocumentMeta, int]:
    from taizhang.segment.metadata import extract_metadata

    return extract_metadata(doc)


def extract_document(doc: SourceDocument, *, timings: dict | None = None) -> Ledger:
    """The ledger of a document. Extraction reads the document in normal form (:mod:`taizhang.text`); the
    ledger quotes the document as written: its spans point into ``doc.text`` as the reader produced it and its
    strings (task texts, units' raw forms, deadline and target texts) are those spans' text. Canonical names
    (units' ``name``), titles of headings and the metadata are of the normal form."""
    with _timed(timings, "normalise"):
        ndoc, omap = normalise_document(doc)
    same = ndoc.text == doc.text
    if same:
        quote = None
    else:
        def quote(s: int, e: int) -> str:
            a, b = omap.span_to_source(s, e)
            return doc.text[a:b]
    ledger = _extract(ndoc, timings, quote)
    ledger.document.source["chars"] = len(doc.text)
    if not same:
        _to_source(ledger, omap, doc.text)
    return ledger


def _to_source(ledger: Ledger, omap: OffsetMap, source: str) -> None:
    """Spans of the normal text → spans of the source, and every spanned string → the source's characters."""
    def back(span: list[int] | None) -> list[int] | None:
        return list(omap.span_to_source(span[0], span[1])) if span else span

    for t in ledger.tasks:
        t.span = back(t.span)
        t.text = source[t.span[0]:t.span[1]]
        for u in (*t.lead_units, *t.support_units, *t.implementing_units):
            u.span = back(u.span)
            if u.span:
                u.raw = source[u.span[0]:u.span[1]]
        for d in t.deadlines:
            d.span = back(d.span)
            if d.span:
                d.text = source[d.span[0]:d.span[1]]
    for g in ledger.targets:
        k = g.text.rfind(g.unit) if g.unit else -1
        if k >= 0:  # the unit as written (萬噸 in a traditional text)
            a, b = omap.span_to_source(g.span[0] + k, g.span[0] + k + len(g.unit))
            g.unit = source[a:b]
        g.span = back(g.span)
        g.text = source[g.span[0]:g.span[1]]
    for w in ledger.warnings:
        w.span = back(w.span)


def _extract(doc: SourceDocument, timings: dict | None, quote=None) -> Ledger:
    """segment → annotate → assemble → resolve, each stage reading only what the one before it produced."""
    from taizhang.extract.annotate import annotate
    from taizhang.extract.problems import find_problems, problem_blocks
    from taizhang.extract.tables import table_drafts
    from taizhang.extract.targets import annual_year
    from taizhang.segment.runon import find_runon_tables
    from taizhang.segment.tables import layout

    warnings: list[ExtractionWarning] = []
    with _timed(timings, "segment"):
        doc = find_runon_tables(doc)
        meta, body_start = _metadata(doc)
        meta.source = {"name": doc.name, "sha256": doc.sha256, "chars": len(doc.text)}
        outline = build_outline(doc, body_start)
        blocks, covered = problem_blocks(outline)
        layouts, unread = [], []
        for t in doc.tables():
            if t.end > body_start:
                lay = layout(doc.text, t)
                (layouts.append(lay) if lay is not None else unread.append(t))
    doc_date = _date(meta.issue_date)
    with _timed(timings, "annotate"):
        ann = annotate(outline, blocks, layouts, covered, doc_date=doc_date, plan_year=annual_year(meta.title))
    with _timed(timings, "extract"):  # assemble
        text = doc.text
        problems = find_problems(outline, blocks, ann)
        drafts: list[Draft] = list(problems)
        # a progress report's numbered items are its progress, not tasks; its next steps (下步计划) are tasks
        drafts += find_measures(outline, covered, ann, warnings, report=any(p.status for p in problems))
        drafts.sort(key=lambda d: d.start)
        drafts = add_subtasks(text, drafts)
        warnings += [ExtractionWarning("表格未识别出责任或项目表头，未抽取任务", [t.start, t.end]) for t in unread]
        drafts += table_drafts(text, layouts, ann, doc_date=doc_date)
        drafts.sort(key=lambda d: (d.start, d.kind != "measure"))
        _apply_inheritance(drafts, ann.inherit)
        _warn_stray_fields(outline, covered, warnings)
    with _timed(timings, "resolve"):
        tasks = _finish(text, drafts, meta, doc_date, ann, quote)
    targets = ann.targets
    for i, t in enumerate(targets, 1):
        t.id = f"G{i}"
    return Ledger(document=meta, targets=targets, tasks=tasks, warnings=warnings)


def _date(iso: str | None) -> datetime.date | None:
    if not iso:
        return None
    try:
        return datetime.date.fromisoformat(iso)
    except ValueError:
        return None


def _apply_inheritance(drafts: list[Draft], sentences: list[tuple[int, list[A.UnitRef]]] | None = None) -> None:
    """Units of an inheritance note (in a task's note, or a sentence of its own) go to every later task."""
    inherited: list[A.UnitRef] = []
    pending = sorted(sentences or [], key=lambda x: x[0])
    k = 0
    for d in drafts:
        while k < len(pending) and pending[k][0] < d.start:
            inherited = pending[k][1]
            k += 1
        own = d.inherit
        own_impl = any(u.field == A.IMPL for u in d.units)
        if inherited:
            have = {u.raw for u in d.units}
            d.units += [u for u in inherited if u.raw not in have]
        if own:
            inherited = own
            # the note's own task keeps its own territorial bodies (各市、县级政府负责落实。以下任务均需各地政府负责
            # 落实): the inheritance speaks of the tasks below it
            if not own_impl:
                have = {u.raw for u in d.units}
                d.units += [u for u in own if u.raw not in have]


def _warn_stray_fields(outline, covered: set[int], warnings: list[ExtractionWarning]) -> None:
    rx = A.field_regex()
    for ln in outline.lines:
        if id(ln) in covered or (ln.node is not None and id(ln.node) in covered):
            continue
        if hasattr(ln.block, "rows"):
            continue
        m = rx.match(outline.text, ln.start, ln.end)
        if m and A.field_kind(m.group("name")) in ("deadline", "goal", "measures", "progress", "unit"):
            warnings.append(ExtractionWarning(f"字段“{m.group('name')}”不在任何问题之下", [ln.start, ln.end]))


_YEAR_RX = re.compile(r"((?:19|20)\d{2})\s*年")


def _year_in(s: str | None) -> int | None:
    """The one year a heading or a title names (2023年空气质量改善行动方案 → 2023); None for none or several."""
    years = {int(m.group(1)) for m in _YEAR_RX.finditer(s or "")}
    return years.pop() if len(years) == 1 else None


def _unique_deadlines(deadlines: list[Deadline]) -> list[Deadline]:
    """One deadline per (date, type): a date written in the text and again in a 完成时限 label counts once."""
    seen: set[tuple] = set()
    out = []
    for dl in deadlines:
        key = (dl.date, dl.type) if dl.date else (dl.text, dl.type)
        if key not in seen:
            seen.add(key)
            out.append(dl)
    return out


def _finish(text: str, drafts: list[Draft], meta: DocumentMeta, doc_date, ann, quote=None) -> list[Task]:
    """Ledger tasks of the drafts: units resolved, the dates and flags annotated inside each draft's regions
    attached, a year-less date dated by the year its task takes. ``quote(start, end)`` gives the source's characters
    of a span (titles, goals and measures as written)."""
    if quote is None:
        def quote(s: int, e: int) -> str:
            return text[s:e]

    from taizhang.extract.deadlines import period_end, year_less
    from taizhang.resolve import resolve_units

    year = doc_date.year if doc_date else None
    title_year = _year_in(meta.title)
    last_year: int | None = None  # the year of the last explicit deadline so far
    ids: dict[int, str] = {}
    tasks: list[Task] = []
    for i, d in enumerate(drafts, 1):
        ids[id(d)] = f"T{i}"
    for d in drafts:
        # a deadline without its year (年底前, 6月底前) in a document without a date: the year its section or
        # title names, else the year of the deadline written before it
        default_year = _year_in(d.section) or title_year or last_year
        units_by_field: dict[str, list[Unit]] = {"lead": [], "support": [], "implementing": []}
        seen: set[tuple[str, str]] = set()
        uniq = []
        for u in d.units:
            if (u.field, u.raw) in seen:
                continue
            seen.add((u.field, u.raw))
            uniq.append(u)
        resolved = resolve_units([u.raw for u in uniq], region=meta.region, year=year) if uniq else []
        for u, r in zip(uniq, resolved, strict=False):
            r.span = [u.start, u.end]
            units_by_field[u.field].append(r)
        deadlines: list[Deadline] = []
        for label, s, e, typ in d.extra_deadlines:
            dt = period_end(label, doc_date=doc_date)
            deadlines.append(Deadline(text=text[s:e], date=dt.isoformat() if dt else None, type=typ, span=[s, e]))
        immediate = ongoing = False
        found = [x for s, e in d.deadline_regions for x in ann.dates_in(s, e)]
        found += [x for s, e in d.plan_regions for x in ann.dates_in(s, e) if x.planned]
        if not any(x.deadline.date for x in found) and not any(dl.date for dl in deadlines):
            found += [x for s, e in d.fallback_regions for x in ann.dates_in(s, e)]
        for x in found:
            deadlines.append(year_less(x.deadline, default_year) if year is None else x.deadline)
        for s, e in [*d.deadline_regions, *d.flag_regions]:
            im, on = ann.flags_in(s, e)
            immediate |= im
            ongoing |= on
        deadlines = _unique_deadlines(deadlines)
        for x in found:
            if x.explicit_year and x.deadline.date:
                last_year = int(x.deadline.date[:4])
        goal = quote(*d.goal) if d.goal else None
        title = quote(d.start, d.start + len(d.title)) if text.startswith(d.title, d.start) else d.title
        tasks.append(Task(
            id=ids[id(d)], parent_id=ids.get(id(d.parent)) if d.parent else None, number=d.number,
            kind=d.kind, title=title, text=text[d.start:d.end], span=[d.start, d.end],
            lead_units=units_by_field["lead"], support_units=units_by_field["support"],
            implementing_units=units_by_field["implementing"], deadlines=deadlines,
            immediate=immediate, ongoing=ongoing, status=d.status, goal=goal,
            measures=[quote(s, e) for s, e in d.measures], measures_count=d.measures_count, section=d.section,
        ))
    return tasks
