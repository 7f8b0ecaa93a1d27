"""Status of a rectification task from its progress report (整改进展): completed / in_progress / None."""

from __future__ import annotations

import re
from functools import lru_cache

from taizhang.extract.deadlines import load_yaml

_FIELD = re.compile(r"整改进展\s*[：:]")


@lru_cache(maxsize=1)
def _pattern() -> tuple[re.Pattern, set[str]]:
    lex = load_yaml("status_phrases.yaml")
    completed = set(lex["completed"])
    words = sorted(completed | set(lex["in_progress"]), key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words)), completed


_LASTING = {"持续推进", "持续整改"}  # after 已完成整改: keeping it up, not work left undone


def find_status(text: str) -> str | None:
    """The status a progress report states (the phrases after 整改进展： if there is one, else all of ``text``):
    completed when it opens with a completed phrase and no later phrase says work is still under way;
    in_progress when it says so; None when it states none."""
    if not text:
        return None
    return status_of(status_hits(text), list(field_hits(text)), 0, len(text))


def status_hits(text: str, offset: int = 0) -> list[tuple[int, int, str]]:
    """Every status phrase of ``text``: (start, end, phrase), positions shifted by ``offset``."""
    rx, _completed = _pattern()
    return [(offset + m.start(), offset + m.end(), m.group(0)) for m in rx.finditer(text)]


def field_hits(text: str, offset: int = 0):
    """Where an 整改进展： label ends (its phrases are the report's)."""
    return (offset + m.end() for m in _FIELD.finditer(text))


def status_of(hits: list[tuple[int, int, str]], labels: list[int], start: int, end: int) -> str | None:
    """The status of the report text[start:end] from its phrases (``hits``, in order) and 整改进展： labels."""
    _rx, completed = _pattern()
    label = next((k for k in labels if start <= k <= end), None)
    inside = [w for a, b, w in hits if start <= a and b <= end]
    found = [w for a, b, w in hits if (label or start) <= a and b <= end] if label is not None else inside
    if not found and label is not None:
        found = inside
    if not found:
        return None
    if found[0] not in completed:
        return "in_progress"
    # done, unless a later phrase of the same report says part of it is still under way (已拆除，修复正在推进)
    return "in_progress" if any(w not in completed and w not in _LASTING for w in found[1:]) else "completed"


@lru_cache(maxsize=1)
def _report_opener() -> re.Pattern:
    words = sorted(load_yaml("status_phrases.yaml")["report_openers"], key=len, reverse=True)
    return re.compile(r"(?:^|(?<=[。；;\n]))\s*(?:" + "|".join(map(re.escape, words)) + r")[^。；;\n]{0,30}")


# a sentence naming the body of its problem and what became of it: 该养殖场已停业 / 该企业已关停
_HANDLED_BODY = re.compile(r"(?:^|(?<=[。；;\n]))\s*该[\u4e00-\u9fff]{1,8}?(?=已)")


def report_sentences(text: str) -> list[tuple[int, int]]:
    """Every sentence of ``text`` that says how far its problem is (该问题已完成整改。该养殖场已停业。), as spans."""
    out = []
    for m in sorted([*_report_opener().finditer(text), *_HANDLED_BODY.finditer(text)], key=lambda m: m.start()):
        k = m.end()
        while k < len(text) and text[k] not in "。；;\n":
            k += 1
        out.append((m.start(), min(len(text), k + 1)))
    return out
