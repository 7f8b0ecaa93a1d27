"""Units in the cells of responsibility tables (a column's field, with role words written inside a cell)."""

from __future__ import annotations

import re

from taizhang.extract.assign import (
    CLAUSE_SEP,
    LEAD,
    SUPPORT,
    UnitRef,
    _depth,
    _pending_field,
    _role_at_end,
    _trim_unit,
    _units_in,
    has_paren_lead,
    lexicon,
)
from taizhang.extract.notes import find_note
from taizhang.resolve import is_generic_territorial, looks_like_unit, split_units


def _inner_role(clause: str) -> tuple[int, str, str] | None:
    """A role or duty word inside a clause after a unit list: 各有关部门按职责分工做好相关工作 → (k, word, field)."""
    lex = lexicon()
    words = [(r["word"], r["field"]) for r in lex["roles"]] + [(w, LEAD) for w in lex["duty_words"]]
    for w, f in sorted(words, key=lambda x: -len(x[0])):
        k = clause.find(w)
        if k > 0 and cell_names_units(clause[:k]):
            return k, w, f
    return None


SHORT_NAME = re.compile(r"^[\u4e00-\u9fff]{2,5}$")


def _cell_parts(raws: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Parts of a unit list in a cell that name units: recognised names, trimmed names, and — in a list that is
    units — the short sector names beside them (环保、国土、规划)."""
    trimmed = [(_trim_unit(raw), raw, s, e) for raw, s, e in raws]
    known = sum(1 for t, *_ in trimmed if t)
    list_ok = len(raws) >= 2 and known >= 1 and all(t or SHORT_NAME.match(raw.strip()) for t, raw, _, _ in trimmed)
    out = []
    for t, raw, s, e in trimmed:
        if t:
            out.append((t, s, e))
        elif list_ok and SHORT_NAME.match(raw.strip()):
            out.append((raw.strip(), s, e))
    return out


def cell_names_units(cell: str) -> bool:
    """Whether a table cell reads as a unit list (市环保局、财政局 / 由发改、环保等部门根据职责…), not prose."""
    c = cell.strip()
    if not c or len(c) > 400:
        return False
    m = CLAUSE_SEP.search(c)
    first = c[:m.start()] if m else c
    by = first.startswith("由")
    first = first.removeprefix("由")
    role = _role_at_end(first)
    if role:
        first = first.rstrip(" 　等工作")[: -len(role[0])]
    parts = [r.strip() for r, _, _ in split_units(first) if r.strip()]
    if not parts:
        return False
    for k, r in enumerate(parts):
        if looks_like_unit(r) or is_generic_territorial(r):
            continue
        if k == len(parts) - 1 and by and _trim_unit(r):
            continue
        if len(parts) >= 2 and SHORT_NAME.match(r):
            continue
        return False
    return True


def units_in_cell(text: str, start: int, end: int, field: str) -> list[UnitRef]:
    """Units of a table cell of a responsibility column (field: the column's field)."""
    e = end
    while e > start and text[e - 1] in " \t\u3000。.；;，,\n":
        e -= 1
    note = find_note(text, start, e, require_role=True) if e > start and text[e - 1] in "）)" else None
    body_end = note.start if note else e
    if field in (LEAD, "lead_strict", "lead_or_implementing") and has_paren_lead(text, start, body_end):
        field = "support_or_implementing"  # 县住建局（牵头）、县水务局: the marked unit leads, the others support
    out: list[UnitRef] = []
    pos = start
    seps = [m for m in CLAUSE_SEP.finditer(text, start, body_end) if _depth(text, start, m.start()) == 0]
    bounds = [(pos, seps[0].start())] if seps else [(pos, body_end)]
    for a, b in zip(seps, [*seps[1:], None], strict=False):
        bounds.append((a.end(), b.start() if b else body_end))
    plan: list[tuple[int, int, str | None, list | None]] = []  # (cs, ce, field or None, parts)
    for cs, ce in bounds:
        clause = text[cs:ce]
        role = _role_at_end(clause)
        f: str | None = None
        parts = None
        if role:
            word, rf = role
            ce = cs + clause.rstrip(" 　等工作").rfind(word)
            f = "lead_strict" if word.startswith("牵头") else rf
            if field == SUPPORT and rf != SUPPORT:
                f = rf
        else:
            # X牵头Y: X leads, Y supports
            k = clause.find("牵头")
            if k > 0 and cell_names_units(clause[:k]) and cell_names_units(clause[k + 2:]):
                parts = [(cs, cs + k, "lead_strict"), (cs + k + 2, ce, SUPPORT)]
            elif (inner := _inner_role(clause)) is not None:  # 各有关部门按职责分工做好相关工作
                k, word, f = inner
                ce = cs + k
        plan.append((cs, ce, f, parts))
    have_lead = False
    for i, (cs, ce, f, parts) in enumerate(plan):
        if f is None and parts is None:
            # a role-free list takes the role of the next clause that has one (X牵头，Y、Z，W配合: Y, Z support)
            nxt = next(((g, text[c:d]) for c, d, g, p in plan[i + 1:] if g is not None), None)
            if nxt is None or not any(g is not None for _c, _d, g, _p in plan[:i]):
                f = field
            else:
                f = _pending_field("", nxt[0], have_lead) if nxt[0] in (SUPPORT, "lead_strict", LEAD) else field
        joint = next((j for j in lexicon()["joint_words"] if j in text[cs:ce]), None)
        if parts is None:
            parts = [(cs, ce, f)]
            if joint and f in (LEAD, "lead_strict", "lead_or_implementing"):
                k = text.find(joint, cs, ce)
                parts = [(cs, k, f), (k + len(joint), ce, SUPPORT)]
        for a, b, ff in parts:
            for t, s, _e2 in _cell_parts(split_units(text[a:b])):
                off = text.find(t, a + s, b)
                if off < 0:
                    continue
                got = _units_in(text, off, off + len(t), ff)
                have_lead |= any(u.field == LEAD for u in got)
                out += got
    if note:
        out += note.units
    return out
