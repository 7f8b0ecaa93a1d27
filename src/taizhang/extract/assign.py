"""Roles of units in a responsibility statement: who leads, who supports, who carries a task out.

A statement is the content of a note (生态环境局牵头，发改委、自然资源局参与，各区镇人民政府（管委会）负责落实) or the
value of a field (责任单位：区经发局牵头，区市场监管局、各镇（街道）配合。). Role words, field labels and the national
order conventions live in ``data/roles.yaml``; :func:`parse_assignment` returns every unit with its span and role.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from taizhang.resolve import is_generic_territorial, looks_like_unit, looks_like_unit_list, split_units
from taizhang.text import fields as _fields
from taizhang.text.basics import load_yaml

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


@lru_cache(maxsize=1)
def lexicon() -> dict:
    data = dict(load_yaml("taizhang.extract", "data/roles.yaml"))
    data["roles"] = sorted(data["roles"], key=lambda r: -len(r["word"]))
    data["_inherit"] = [re.compile(p) for p in data["inherit_patterns"]]
    data["_order"] = [(re.compile(c["pattern"]), c["rule"]) for c in data["order_conventions"]]
    data["_carry"] = re.compile("|".join(map(re.escape, sorted(data["carry_words"], key=len, reverse=True))))
    col = data["collective"]

    def alt(words: list[str]) -> str:
        return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))

    data["_collective"] = re.compile(
        rf"^(?:[{''.join(col['levels'])}])?(?:{alt(col['after_level'])})?(?:{alt(col['qualifiers'])})*"
        rf"(?:{alt(col['nouns'])})$")
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


_TRAILING_ALTERNATIVES = re.compile(r"(?:[（(][^（）()]*[）)])+$")


def _is_territorial(raw: str) -> bool:
    """A territorial body (a town, a park, a government), its alternatives in brackets aside: 区人民政府（管委会）."""
    core = _TRAILING_ALTERNATIVES.sub("", raw.rstrip("等")) or raw
    return is_generic_territorial(raw) or core.endswith(TERRITORIAL_SUFFIXES)


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
        f = LEAD if field in ("lead_strict", "lead_list") else field
        if f == "lead_or_implementing":
            f = IMPL if _is_territorial(raw) else LEAD
        elif f == "support_or_implementing":
            f = IMPL if _is_territorial(raw) else SUPPORT
        if is_generic_territorial(raw):
            f = IMPL
        elif field in (LEAD, "lead_list", "lead_or_implementing") and is_collective(raw):
            f = SUPPORT  # 各有关部门 by a duty word or in a list: support unless written as 牵头
        out.append(UnitRef(raw, start + s, start + e, f))
    return out


def is_collective(raw: str) -> bool:
    """A collective of departments (各有关部门, 有关单位, 政府直属责任部门, 市直各部门), not a body of its own."""
    return bool(lexicon()["_collective"].match(re.sub(r"\s+", "", raw).rstrip("等")))


@dataclass
class OrderState:
    """The order convention carried by 下同 from the note that states it to every later note of a document."""

    rule: str | None = None


def order_convention(text: str, start: int, end: int) -> tuple[str | None, bool, list[tuple[int, int]]]:
    """(rule, carried, spans of its words) of the order convention a note states (排在第一位的为牵头单位，下同)."""
    lex = lexicon()
    for rx, rule in lex["_order"]:
        m = rx.search(text, start, end)
        if m:
            spans = [(m.start(), m.end())]
            c = lex["_carry"].search(text, m.end(), end)
            if c:
                spans.append((c.start(), c.end()))
            return rule, c is not None, spans
    return None, False, []


def apply_order(units: list[UnitRef], rule: str, text: str, start: int, end: int) -> None:
    """Roles by order: the first lead unit leads (rule first) or those before the first comma (before_break); the
    other lead units support. Territorial bodies keep carrying it out."""
    leads = [u for u in units if u.field == LEAD]
    if len(leads) < 2:
        return
    if rule == "first":
        keep = {id(leads[0])}
    else:
        brk = next((m.start() for m in CLAUSE_SEP.finditer(text, start, end) if _depth(text, start, m.start()) == 0),
                   end)
        keep = {id(u) for u in leads if u.start < brk} or {id(leads[0])}
    for u in leads:
        if id(u) not in keep:
            u.field = SUPPORT


def _role_at_end(clause: str) -> tuple[str, str] | None:
    c = clause.rstrip(" 　等工作")
    for r in lexicon()["roles"]:
        if c.endswith(r["word"]):
            return r["word"], r["field"]
    return None


def parse_assignment(text: str, start: int, end: int, *, require_role: bool = False,
                     label_field: str | None = None, order: OrderState | None = None,
                     beside_lead: bool = False) -> list[UnitRef] | None:
    """Units of a note's content by role, with the order convention it states or inherits (see _parse).
    ``beside_lead``: a lead label stands beside this text (the line above: 牵头部门：X), so a 责任单位： label in it
    names supporting departments and territorial bodies that carry it out."""
    rule, carried, spans = order_convention(text, start, end)
    units = _parse(text, start, end, require_role=require_role, label_field=label_field, skip=spans,
                   beside_lead=beside_lead)
    if units is None:
        return None
    if rule is None and order is not None and order.rule and "牵头" not in text[start:end] \
            and not any(u.field == SUPPORT for u in units):
        rule = order.rule  # 下同: a note written after the one stating the convention
    if rule is not None:
        apply_order(units, rule, text, start, end)
        if carried and order is not None:
            order.rule = rule
    return units


def _parse(text: str, start: int, end: int, *, require_role: bool, label_field: str | None,
           skip: list[tuple[int, int]], beside_lead: bool = False) -> list[UnitRef] | None:
    """Units of a note's content text[start:end], by role; None when it is not a responsibility note.

    Clauses without a role word take the role of the label before them (责任单位：X，Y), else of the next clause
    that has one (汇龙镇、住建局牵头，水务局、交通局，铁路办配合: the middle list supports). In a list with a
    marked lead (市住建局（牵头）、市城管局) the unmarked units support. label_field: the field of the text's own
    label when the caller has already consumed it (牵头单位：X；配合单位：Y).
    """
    lex = lexicon()
    inherit_spans = [(m.start(), m.end()) for rx in lex["_inherit"] for m in rx.finditer(text, start, end)] + skip
    clauses = []
    pos = start
    for m in CLAUSE_SEP.finditer(text, start, end):
        if _depth(text, start, m.start()) == 0:
            clauses.append((pos, m.start()))
            pos = m.end()
    clauses.append((pos, end))
    units: list[UnitRef] = []
    any_role = False
    labelled_lead = beside_lead or any(f"{w}：" in text[start:end] or f"{w}:" in text[start:end]
                        for w in _fields.lexicon()["fields"]["lead"])
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
                if kind == "unit" and (labelled_lead or has_paren_lead(text, fm.end(), ce)):
                    # 牵头单位：X；责任单位：Y, or 责任单位：X（牵头）、Y → Y supports or carries it out
                    f = "support_or_implementing"
                field_of_label = f
                if kind != "unit" or _role_at_end(text[fm.end():ce]) is None:
                    units += _units_in(text, fm.end(), ce, f)
                    continue
                cs = fm.end()  # 责任单位：X和Y牵头，Z配合 — the role words inside the value decide
            else:
                field_of_label = None
                if kind in ("leader", "supervisor", "analysis"):
                    continue
        if cs >= ce:
            continue
        clause = text[cs:ce]
        if any(a <= cs < b or cs <= a < ce for a, b in inherit_spans):
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
            units += _units_in(text, cs, ce, "lead_list")
    return units or None


def _pending_field(word: str, field: str, have_lead: bool) -> str:
    """The field of role-free unit lists before a clause with role word `word` (field `field`): they share its
    role, except that before a first 配合/参与 clause they are the lead (X，Y配合)."""
    if word.startswith("牵头"):
        return "lead_strict"
    if field == SUPPORT and not have_lead:
        return "lead_strict"
    return field


def _depth(text: str, a: int, b: int) -> int:
    # unit clauses: only the round and 〔〕 brackets nest (a 【label】 or [ref] does not hide a separator)
    return _fields.bracket_depth(text, a, b, "（(〔", "）)〕")


UNIT_FIELD_KINDS = ("unit", "lead", "support", "implementing")


def field_regex() -> re.Pattern[str]:
    return _fields.field_regex()


def field_kind(name: str) -> str:
    return _fields.field_kind(name)


def parse_field_units(text: str, start: int, end: int, kind: str, *, beside_lead: bool = False) -> list[UnitRef]:
    """Units of a field value (责任单位：…). A unit field without role words makes all lead; beside a lead field of
    the same block (牵头部门：X / 责任部门：Y) its departments support and its territorial bodies carry it out."""
    while end > start and text[end - 1] in " \t\u3000。.；;":
        end -= 1
    if kind == "unit" and beside_lead:
        return parse_assignment(text, start, end, label_field="support_or_implementing", beside_lead=True) or []
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


def strip_span(text: str, s: int, e: int) -> tuple[int, int]:
    """[s, e) without the blanks (spaces, tabs, ideographic spaces, line breaks) at either end."""
    while s < e and text[s] in " \t\u3000\n":
        s += 1
    while e > s and text[e - 1] in " \t\u3000\n":
        e -= 1
    return s, e
