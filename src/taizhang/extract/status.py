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
    rx, completed = _pattern()
    f = _FIELD.search(text)
    start = f.end() if f else 0
    found = [m.group(0) for m in rx.finditer(text, start)] or ([m.group(0) for m in rx.finditer(text)] if f else [])
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


def report_sentence(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The sentence of an item that reports its problem's progress (该问题已完成整改。/ 此问题正在整改…): its span."""
    m = _report_opener().search(text, start, end)
    if m is None:
        return None
    k = m.end()
    while k < end and text[k] not in "。；;\n":
        k += 1
    return m.start(), min(end, k + 1)
