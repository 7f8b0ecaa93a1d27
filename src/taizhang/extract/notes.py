"""Responsibility notes and field blocks: who leads, who supports, who carries a task out.

A note is the parenthesised group closing a paragraph — （生态环境局牵头，发改委、自然资源局参与，各区镇人民政府
（管委会）负责落实） — or the value of a field (责任单位：区经发局牵头，区市场监管局、各镇（街道）配合。).
Role words live in ``data/roles.yaml``. Every unit comes back with its span in the document text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from taizhang.resolve import is_generic_territorial, looks_like_unit, looks_like_unit_list, split_units

LEAD, SUPPORT, IMPL = "lead", "support", "implementing"
CLAUSE_SEP = re.compile(r"[，,；;。]")
# a unit marked as the lead inside a list: 市住建局（牵头）、市城管局 (the words live in roles.yaml: paren_lead)
TERRITORIAL_SUFFIXES = ("镇", "街道", "乡", "园区", "开发区", "管委会", "园", "人民政府", "办事处", "村")


@dataclass
class UnitRef:
    raw: str
    start: int
    end: int
    field: str  # lead | support | implementing


@dataclass
class Note:
    start: int  # span of the whole note including its brackets
    end: int
    units: list[UnitRef]
    inherit: list[UnitRef]  # units of a "以下均需…落实，不再列出" clause (implementing for every later task)
    labelled: bool = False  # field labels outside brackets (…。牵头单位：X；配合单位：Y。), not a bracketed note


@lru_cache(maxsize=1)
def lexicon() -> dict:
    with resources.files("taizhang.extract").joinpath("data/roles.yaml").open(encoding="utf-8") as f:
        data = yaml.safe_load(f)
    data["roles"] = sorted(data["roles"], key=lambda r: -len(r["word"]))
    data["_inherit"] = [re.compile(p) for p in data["inherit_patterns"]]
    return data


@lru_cache(maxsize=1)
def paren_lead_regex() -> re.Pattern[str]:
    words = "|".join(map(re.escape, lexicon()["paren_lead"]))
    return re.compile(rf"[（(]\s*(?:{words})\s*[)）]")


def has_paren_lead(text: str, start: int, end: int) -> bool:
    return paren_lead_regex().search(text, start, end) is not None


def _marked_lead(raw: str) -> int | None:
    """Where the lead marker of 市住建局（牵头） begins, if raw ends with one."""
    found = list(paren_lead_regex().finditer(raw))
    m = found[-1] if found else None
    return m.start() if m is not None and m.end() == len(raw) and m.start() > 0 else None


def _is_territorial(raw: str) -> bool:
    return is_generic_territorial(raw) or raw.rstrip("等").endswith(TERRITORIAL_SUFFIXES)


def _units_in(text: str, start: int, end: int, field: str) -> list[UnitRef]:
    out = []
    seg = text[start:end]
    for raw, s, e in split_units(seg):
        raw = raw.strip()
        if not raw:
            continue
        marked = _marked_lead(raw)
        if marked is not None:  # 市住建局（牵头）: the unit leads, the marker is not part of its name
            raw = raw[:marked].rstrip()
            s0 = seg.find(raw, s)
            s, e = (s0, s0 + len(raw)) if s0 >= 0 else (s, s + len(raw))
            out.append(UnitRef(raw, start + s, start + e, IMPL if is_generic_territorial(raw) else LEAD))
            continue
        if not (looks_like_unit(raw) or is_generic_territorial(raw)):
            # a unit followed by running words (沿海办等部门建立联席会议制度并): keep the unit
            t = _trim_unit(raw)
            if t and t != raw and seg.find(t, s) >= 0:
                s = seg.find(t, s)
                e = s + len(t)
                raw = t
        f = LEAD if field == "lead_strict" else field
        if f == "lead_or_implementing":
            f = IMPL if _is_territorial(raw) else LEAD
        elif f == "support_or_implementing":
            f = IMPL if _is_territorial(raw) else SUPPORT
        if is_generic_territorial(raw):
            f = IMPL
        elif field == LEAD and raw.rstrip("等") in lexicon()["generic_support"]:
            f = SUPPORT
        out.append(UnitRef(raw, start + s, start + e, f))
    return out


def _role_at_end(clause: str) -> tuple[str, str] | None:
    c = clause.rstrip(" 　等工作")
    for r in lexicon()["roles"]:
        if c.endswith(r["word"]):
            return r["word"], r["field"]
    return None


def parse_assignment(text: str, start: int, end: int, *, require_role: bool = False,
                     label_field: str | None = None) -> list[UnitRef] | None:
    """Units of a note's content text[start:end], by role; None when it is not a responsibility note.

    Clauses without a role word take the role of the label before them (责任单位：X，Y), else of the next clause
    that has one (汇龙镇、住建局牵头，水务局、交通局，铁路办配合: the middle list supports). In a list with a
    marked lead (市住建局（牵头）、市城管局) the unmarked units support. label_field: the field of the text's own
    label when the caller has already consumed it (牵头单位：X；配合单位：Y).
    """
    lex = lexicon()
    inherit_spans = [(m.start(), m.end()) for rx in lex["_inherit"] for m in rx.finditer(text, start, end)]
    clauses = []
    pos = start
    for m in CLAUSE_SEP.finditer(text, start, end):
        if _depth(text, start, m.start()) == 0:
            clauses.append((pos, m.start()))
            pos = m.end()
    clauses.append((pos, end))
    units: list[UnitRef] = []
    any_role = False
    labelled_lead = any(f"{w}：" in text[start:end] or f"{w}:" in text[start:end] for w in lex["fields"]["lead"])
    unplaced: list[tuple[int, int]] = []
    pending: list[tuple[int, int]] = []  # role-free unit lists waiting for the next clause's role
    field_of_label: str | None = label_field
    if field_of_label is None and has_paren_lead(text, start, end):
        field_of_label = "support_or_implementing"
        any_role = True
    for cs, ce in clauses:
        while cs < ce and text[cs] in " \t\u3000":
            cs += 1
        fm = field_regex().match(text, cs, ce)
        if fm is None:
            for p in lex["note_prefixes"]:
                if text.startswith(p, cs):
                    cs += len(p)
        if fm:  # （牵头单位：X；责任单位：Y）
            kind = field_kind(fm.group("name"))
            if kind in UNIT_FIELD_KINDS:
                any_role = True
                f = {"lead": "lead_strict", "support": SUPPORT, "implementing": "lead_or_implementing"}.get(kind, LEAD)
                if kind == "unit" and labelled_lead:  # 牵头单位：X；责任单位：Y → Y supports or carries it out
                    f = "support_or_implementing"
                units += _units_in(text, fm.end(), ce, f)
                field_of_label = f
                continue
            field_of_label = None
            if kind == "leader":
                continue
        if cs >= ce:
            continue
        clause = text[cs:ce]
        if any(a <= cs < b for a, b in inherit_spans):
            continue
        role = _role_at_end(clause)
        if role is None and field_of_label:  # 责任单位：X、Y，Z — the label covers the clauses after it
            units += _units_in(text, cs, ce, field_of_label)
            continue
        if role is None:
            # a role word inside the clause: 各有关部门按职责分工做好相关工作
            for r in lex["roles"]:
                k = clause.find(r["word"])
                if k > 0 and looks_like_unit(clause[:k].strip()):
                    role = (r["word"], r["field"])
                    ce = cs + k + len(r["word"])
                    clause = text[cs:ce]
                    break
        if role is None:
            seg = text[cs:ce].strip()
            if seg and looks_like_unit_list(seg):  # not 村（居委会、社区）: alternatives, not units
                pending.append((cs, ce))
            else:
                unplaced.append((cs, ce))
            continue
        any_role = True
        word, field = role
        pf = _pending_field(word, field, any(u.field == LEAD for u in units))
        for ps, pe in pending:
            units += _units_in(text, ps, pe, pf)
        pending = []
        body_end = cs + clause.rstrip(" 　等工作").rfind(word)
        body = text[cs:body_end]
        joint = next((j for j in lex["joint_words"] if j in body), None)
        if joint and field in (LEAD, "lead_or_implementing"):
            k = cs + body.find(joint)
            units += _units_in(text, cs, k, LEAD)
            units += _units_in(text, k + len(joint), body_end, SUPPORT)
        else:
            units += _units_in(text, cs, body_end, "lead_strict" if word.startswith("牵头") else field)
    if unplaced or pending:
        if any_role:
            return units or None
        if require_role or unplaced:
            return None
        # a list with no role word at all: all lead, if every part is a unit (住建局、汇龙镇; 发改、环保、安监)
        for cs, ce in pending:
            units += _units_in(text, cs, ce, "lead_strict")
    return units or None


def _pending_field(word: str, field: str, have_lead: bool) -> str:
    """The field of role-free unit lists before a clause with role word `word` (field `field`): they share its
    role, except that before a first 配合/参与 clause they are the lead (X，Y配合)."""
    if word.startswith("牵头"):
        return "lead_strict"
    if field == SUPPORT and not have_lead:
        return "lead_strict"
    return field


def _inner_role(clause: str) -> tuple[int, str, str] | None:
    """A role or duty word inside a clause after a unit list: 各有关部门按职责分工做好相关工作 → (k, word, field)."""
    lex = lexicon()
    words = [(r["word"], r["field"]) for r in lex["roles"]] + [(w, LEAD) for w in lex["duty_words"]]
    for w, f in sorted(words, key=lambda x: -len(x[0])):
        k = clause.find(w)
        if k > 0 and cell_names_units(clause[:k]):
            return k, w, f
    return None


def _depth(text: str, a: int, b: int) -> int:
    d = 0
    for ch in text[a:b]:
        if ch in "（(":
            d += 1
        elif ch in "）)":
            d = max(0, d - 1)
    return d


def inherit_units(text: str, start: int, end: int) -> list[UnitRef]:
    for rx in lexicon()["_inherit"]:
        m = rx.search(text, start, end)
        if m:
            return [UnitRef(u.raw, u.start, u.end, IMPL)
                    for u in _units_in(text, m.start("units"), m.end("units"), IMPL)]
    return []


def standalone_inherit(text: str, start: int, end: int) -> list[UnitRef]:
    """Units of an inheritance sentence written outside any bracket (以下各项任务均需各乡镇人民政府落实，不再一一列出。):
    implementing for every later task."""
    for rx in lexicon()["_inherit"]:
        for m in rx.finditer(text, start, end):
            if _depth(text, start, m.start()) == 0:
                return [UnitRef(u.raw, u.start, u.end, IMPL)
                        for u in _units_in(text, m.start("units"), m.end("units"), IMPL)]
    return []


def find_note(text: str, start: int, end: int, *, require_role: bool = False) -> Note | None:
    """The responsibility note closing the paragraph text[start:end], if any (with require_role: only a note
    with role words, so that 发改委（市化治办） stays one name)."""
    e = end
    while e > start and text[e - 1] in " \t\u3000。.；;，,":
        e -= 1
    if e <= start or text[e - 1] not in "）)":
        return None
    depth = 0
    i = e - 1
    while i >= start:
        ch = text[i]
        if ch in "）)":
            depth += 1
        elif ch in "（(":
            depth -= 1
            if depth == 0:
                break
        i -= 1
    if i < start or e - i > 400:
        return None
    units = parse_assignment(text, i + 1, e - 1, require_role=require_role)
    inh = inherit_units(text, i + 1, e - 1)
    if not units and not inh:
        return None
    return Note(i, e, units or [], inh)


UNIT_FIELD_KINDS = ("unit", "lead", "support", "implementing")
SENTENCE_SEP = re.compile(r"[。；;\n]")


def find_label_note(text: str, start: int, end: int) -> Note | None:
    """Field labels closing the paragraph text[start:end] outside any bracket — …淘汰。牵头单位：县环保局；配合单位：
    县市监局、各乡镇人民政府。 — read as its responsibility note. The labels start a sentence (or the paragraph), the
    first one names units, and every later sentence of the paragraph starts with a field label too."""
    e = end
    while e > start and text[e - 1] in " \t\u3000\n。.；;，,":
        e -= 1
    if e <= start:
        return None
    rx = field_regex()
    for m in rx.finditer(text, start, e):
        p = m.start("name")
        if field_kind(m.group("name")) not in UNIT_FIELD_KINDS or _depth(text, start, p) != 0:
            continue
        b = p
        while b > start and text[b - 1] in " \t\u3000":
            b -= 1
        if b > start and text[b - 1] not in "。；;\n":
            continue
        seps = [k.end() for k in SENTENCE_SEP.finditer(text, p, e) if _depth(text, start, k.start()) == 0]
        if not all(rx.match(text, k, e) or text[k] in "。；;\n" for k in seps):
            continue  # prose after the labels: not a closing note
        units = parse_assignment(text, p, e)
        if units:
            return Note(p, e, units, [], labelled=True)
    return None


INLINE_LEAD = re.compile(r"由(?P<u>[^，。；：,;（）()]{2,40}?)(?:牵头负责|牵头组织|牵头|负责)")


def find_inline_lead(text: str, start: int, end: int) -> list[UnitRef]:
    """由X牵头负责 written in the running text of an item that has no note."""
    for m in INLINE_LEAD.finditer(text, start, end):
        seg = m.group("u")
        parts = split_units(seg)
        if parts and all(looks_like_unit(r) for r, _, _ in parts):
            return _units_in(text, m.start("u"), m.end("u"), "lead_strict")
    return []


FIELD_RX = None


def field_regex() -> re.Pattern[str]:
    global FIELD_RX
    if FIELD_RX is None:
        names = sorted({n for v in lexicon()["fields"].values() for n in v}, key=len, reverse=True)
        # a field label, possibly numbered (问题编号5：), then its colon
        FIELD_RX = re.compile(r"[ \t\u3000]*(?P<name>" + "|".join(map(re.escape, names))
                              + r")(?:\s*[0-9０-９]{1,4})?\s*[:：]\s*")
    return FIELD_RX


def field_kind(name: str) -> str:
    fields = lexicon()["fields"]
    for kind in sorted(fields, key=lambda k: k not in ("lead", "support")):  # 牵头单位 is lead before unit
        if name in fields[kind]:
            return kind
    return "other"


def parse_field_units(text: str, start: int, end: int, kind: str) -> list[UnitRef]:
    """Units of a field value (责任单位：…). A unit field without role words makes all lead."""
    while end > start and text[end - 1] in " \t\u3000。.；;":
        end -= 1
    if kind == "support":
        return _units_in(text, start, end, SUPPORT)
    if kind == "implementing":
        return _units_in(text, start, end, "lead_or_implementing")
    return parse_assignment(text, start, end, label_field="lead_strict" if kind == "lead" else None) or []


UNIT_END = "局委办部处队站所心司府会院厅室组园区镇道村门位"


def _trim_unit(raw: str) -> str | None:
    """A unit written with trailing words (交通运输局相应): the longest prefix that is a unit."""
    r = raw.strip().removeprefix("由")
    if looks_like_unit(r) or is_generic_territorial(r):
        return r
    for k in range(len(r) - 1, 1, -1):
        if r[k - 1] in UNIT_END and (looks_like_unit(r[:k]) or is_generic_territorial(r[:k])):
            parts = split_units(r[:k])  # 行政审批局等部门 → 行政审批局 (等部门 is not part of the name)
            return parts[0][0].strip() if len(parts) == 1 else r[:k]
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


def strip_span(text: str, s: int, e: int) -> tuple[int, int]:
    """[s, e) without the blanks (spaces, tabs, ideographic spaces, line breaks) at either end."""
    while s < e and text[s] in " \t\u3000\n":
        s += 1
    while e > s and text[e - 1] in " \t\u3000\n":
        e -= 1
    return s, e
