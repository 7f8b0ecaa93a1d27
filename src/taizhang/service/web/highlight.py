"""Render a document's plain text as HTML with spans highlighted (``<mark>``), for review and task detail.

Spans may nest or overlap (a task contains its units and deadlines; a parent task contains its children).
The text is cut at every span boundary; each piece is wrapped in one ``<mark>`` per span that covers it,
outermost first, so the markup is always well-formed and every piece of a span carries its attributes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    cls: str  # task | unit | deadline | target
    attrs: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # e.g. (("data-task", "12"),)

    def open_tag(self) -> str:
        extra = "".join(f' {k}="{escape(str(v))}"' for k, v in self.attrs)
        return f'<mark class="{escape(self.cls)}"{extra}>'


def highlight(text: str, spans: list[Span], start: int = 0, end: int | None = None) -> str:
    """HTML of ``text[start:end]`` (escaped) with every span clipped to that window and marked."""
    end = len(text) if end is None else min(end, len(text))
    start = max(0, start)
    clipped = [
        Span(max(s.start, start), min(s.end, end), s.cls, s.attrs)
        for s in spans
        if s.end > start and s.start < end and s.end > s.start
    ]
    cuts = sorted({start, end, *(s.start for s in clipped), *(s.end for s in clipped)})
    # outermost first: earlier start, then longer
    ordered = sorted(clipped, key=lambda s: (s.start, -s.end))
    out: list[str] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        piece = escape(text[a:b], quote=False)
        active = [s for s in ordered if s.start <= a and s.end >= b]
        if not active:
            out.append(piece)
            continue
        out.append("".join(s.open_tag() for s in active) + piece + "</mark>" * len(active))
    return "".join(out)


def context_window(text: str, start: int, end: int, margin: int = 160) -> tuple[int, int]:
    """A window around [start, end) extended by ``margin`` characters and widened to whole lines."""
    a = max(0, start - margin)
    b = min(len(text), end + margin)
    nl = text.rfind("\n", 0, a)
    if nl != -1 and a - nl < 80:
        a = nl + 1
    elif a > 0 and nl == -1 and a < 80:
        a = 0
    nl2 = text.find("\n", b)
    if nl2 != -1 and nl2 - b < 80:
        b = nl2
    return a, b
