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


def find_status(text: str) -> str | None:
    """The status a progress report states: the phrase right after 整改进展： if there is one, else the
    earliest status phrase of ``text``; None when it states none."""
    if not text:
        return None
    rx, completed = _pattern()
    f = _FIELD.search(text)
    m = rx.search(text, f.end() if f else 0)
    if m is None and f is not None:
        m = rx.search(text)
    if m is None:
        return None
    return "completed" if m.group(0) in completed else "in_progress"
