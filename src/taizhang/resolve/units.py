"""Unit mentions: splitting unit lists, telling organisation names from text, resolving to canonical bodies."""

from __future__ import annotations

import re
from dataclasses import dataclass

from taizhang.ledger import Unit
from taizhang.resolve.lexicon import Entry, Lexicon, display, key, lexicon, region_stem

_OPEN = "（([【《〔"
_CLOSE = "）)]】》〕"
_HARD = frozenset("、，,；;/／")
_CONNECTORS = ("以及", "和", "及", "与")
_TRAIL_DENG = re.compile(r"等(?:有关|相关|其他|其它)?(?:职能)?(?:部门|单位|成员单位|责任单位|机构)?$")
_TRAIL_PUNCT = re.compile(r"[。．.：:]+$")
_TRAILING_PARENS = re.compile(r"^(.+?)((?:[（(][^（）()]*[）)])+)$")
_DIGIT = re.compile(r"\d")
_QUOTED_NUMBER = re.compile(r"[“\"”‘’']\d+[“\"”‘’']")
_BAD_CHARS = re.compile(r"[，。：；！？!?《》%％…]|[,:;](?!\d)")
_PLACE = re.compile(
    r"(?:镇|乡|街道|园区|园|开发区|度假区|新区|高新区|保税区|管理区|工业区|合作区|试验区|示范区|村|社区|岛)"
    r"(?:人民政府|政府|管委会|管理委员会|办事处|办)?$"
)
_LEVEL_OF_CHAR = {
    "省": "province",
    "市": "city",
    "区": "district",
    "县": "county",
    "镇": "town",
    "乡": "town",
    "旗": "county",
}


# ---------------------------------------------------------------- regions


def region_level(region: str | None) -> str | None:
    """Level of a jurisdiction: province | city | district | county | town (None when unknown)."""
    if not region:
        return None
    return _region_level(lexicon(), region)


def _region_level(lex: Lexicon, region: str) -> str | None:
    name = lex.region_name(display(region))
    info = lex.regions.get(name)
    if info is not None and info.level:
        return info.level
    if name in lex.municipalities or name.endswith(("省", "自治区", "特别行政区")):
        return "province"
    if name.endswith(("自治州", "地区", "盟")):
        return "city"
    if name.endswith("市"):
        return "city"
    if name.endswith("区"):
        return "district"
    if name.endswith(("县", "旗")):
        return "county"
    if name.endswith(("镇", "乡", "街道")):
        return "town"
    return None


def region_parent(region: str) -> str | None:
    lex = lexicon()
    info = lex.regions.get(lex.region_name(display(region)))
    return info.parent if info else None


def _chain(lex: Lexicon, region: str | None) -> tuple[str, ...]:
    """The region and its known ancestors, nearest first."""
    if not region:
        return ()
    out: list[str] = []
    name: str | None = lex.region_name(display(region))
    while name and name not in out:
        out.append(name)
        info = lex.regions.get(name)
        name = info.parent if info else None
    return tuple(out)


# ---------------------------------------------------------------- shapes


def _strip_deng(s: str) -> str:
    return _TRAIL_DENG.sub("", s) if len(s) > 1 else s


def is_generic_territorial(raw: str) -> bool:
    """A generic territorial role (各镇（街道）, 各区镇人民政府（管委会）, 相关镇（街道）, 各县（市、区）, 属地 …)."""
    lex = lexicon()
    k = key(raw)
    c = lex.cache.get(("gen", k))
    if c is None:
        c = _generic(lex, k)
        lex.remember(("gen", k), c)
    return c


def _generic(lex: Lexicon, k: str) -> bool:
    k = _strip_deng(k)
    if not k:
        return False
    if k in lex.generic_exact or any(p.match(k) for p in lex.generic_patterns):
        return True
    if len(k) > 1 and k[0] in "市区县" and k[1:2] in ("各", "相", "有", "所"):
        k = k[1:]
    core = k
    j = core.find("各", 1)
    if 0 < j <= 6 and lex.generic_prefix is not None and lex.generic_prefix.fullmatch(core[:j]) \
            and _generic(lex, core[j:]):
        return True  # a descriptive prefix before 各: 沿河各乡镇人民政府, 涉及的各县区
    while True:  # drop trailing alternatives: 各镇（街道） → 各镇
        m = _TRAILING_PARENS.match(core)
        if not m:
            break
        core = m.group(1)
    if core in lex.generic_exact:
        return True
    for q in lex.qualifiers:
        if core.startswith(q) and len(core) > len(q):
            rest = core[len(q) :]
            break
    else:
        dq = lex.descriptive_qualifier
        if dq and core.startswith(dq) and any(mk in core for mk in lex.descriptive_markers):
            rest = core[len(dq) :]
        else:
            return False
    if "部门" in rest or "单位" in rest or "企业" == rest[-2:]:
        return False
    # alternatives inside the noun: 村（居）委会 reads as 村委会
    return rest.endswith(lex.territorial_nouns) or re.sub(r"\([^()]*\)", "", rest).endswith(lex.territorial_nouns)


def _shape(lex: Lexicon, k: str) -> bool:
    """Whether a key has the shape of an organisation name by its suffix (no lexicon lookup)."""
    if k.endswith(lex.stop_endings):
        return False
    if k.endswith("区") and len(k) == 3 and not k.endswith(("新区",)):
        return k[:2] not in lex.not_district_stems
    for suf, min_stem in lex.unit_suffixes:
        if k.endswith(suf):
            return len(k) - len(suf) >= min_stem
    if k.endswith(("市", "县")) and len(k) in (3, 4):
        return k[:-1] not in lex.not_district_stems and not k.startswith(("全", "本", "该", "各", "邻", "外"))
    return False


@dataclass(frozen=True)
class _Parsed:
    scope_kind: str | None  # None | "char" | "region"
    scope: str | None  # the level char (市) or the region name (常州市)
    rest: str  # display form after the scope
    entry: Entry | None


def _lookup(lex: Lexicon, disp: str) -> tuple[str, Entry | None]:
    """Entry for a display string, allowing trailing alternatives in brackets (市发改委（市化治办）)."""
    e = lex.alias.get(key(disp))
    if e is not None:
        return disp, e
    m = _TRAILING_PARENS.match(disp)
    if m:
        e = lex.alias.get(key(m.group(1)))
        if e is not None:
            return m.group(1), e
    return disp, None


def _parse(lex: Lexicon, disp: str, region: str | None) -> _Parsed:
    ck = ("parse", disp, region)
    hit = lex.cache.get(ck)
    if hit is not None:
        return hit
    res = _parse_uncached(lex, disp, region)
    lex.remember(ck, res)
    return res


def _parse_uncached(lex: Lexicon, disp: str, region: str | None) -> _Parsed:
    base, e = _lookup(lex, disp)
    if e is not None:
        return _Parsed(None, None, base, e)
    k = key(disp)
    # a full region name (常州市生态环境局, 启东市城市污水处理厂)
    if lex.region_re is not None:
        m = lex.region_re.match(k)
        if m and m.end() < len(k):
            rname = lex.region_name(m.group(0))
            rest = disp[m.end() :] if disp.startswith(m.group(0)) else k[m.end() :]
            base, e = _lookup(lex, rest)
            return _Parsed("region", rname, base if e else rest, e)
    chain = _chain(lex, region)
    for rname in chain:
        if k.startswith(rname) and len(k) > len(rname):
            base, e = _lookup(lex, disp[len(rname) :])
            return _Parsed("region", rname, base if e else disp[len(rname) :], e)
    for rname in chain:  # a region stem before a known body: 启东海事处
        stem = region_stem(rname)
        if len(stem) >= 2 and k.startswith(stem):
            base, e = _lookup(lex, disp[len(stem) :])
            if e is not None:
                return _Parsed("region", rname, base, e)
    # a level character: 市发改委, 区经发局, 省生态环境厅, 市委宣传部
    c = k[:1]
    if c in _LEVEL_OF_CHAR and len(k) >= 2 and c not in "镇乡":
        rest = disp[1:]
        base, e = _lookup(lex, rest)
        if e is not None:
            return _Parsed("char", c, base, e)
        if not k.startswith(lex.not_prefix_starts) and (_shape(lex, key(rest)) or _generic(lex, key(rest))):
            return _Parsed("char", c, rest, None)
    return _Parsed(None, None, disp, None)


def _known_or_shape(lex: Lexicon, k: str, *, lax: bool) -> bool:
    """The shared core of looks_like_unit (lax=False) and the splitter's test (lax=True)."""
    ck = ("unit", k, lax)
    hit = lex.cache.get(ck)
    if hit is not None:
        return hit
    res = _known_or_shape_uncached(lex, k, lax=lax)
    lex.remember(ck, res)
    return res


def _known_or_shape_uncached(lex: Lexicon, k: str, *, lax: bool) -> bool:
    k = _strip_deng(k)
    if k in lex.bare_role_words:
        return lax
    if _generic(lex, k):
        return True
    if len(k) < 2 or len(k) > 40:
        return False
    if _BAD_CHARS.search(k):
        return False
    p = _parse(lex, display(k), None)
    if p.entry is not None:
        if lax or p.scope_kind is not None:
            return True
        return key(p.rest) not in lex.ambiguous_bare
    if not lax:
        if k.startswith(lex.not_unit_starts) or any(w in k for w in lex.not_unit_words):
            return False
    if lex.region_name(k) in lex.regions:
        return True
    if p.scope_kind is not None and (_shape(lex, key(p.rest)) or _generic(lex, key(p.rest))):
        return True
    return _shape(lex, k)


def looks_like_unit(s: str) -> bool:
    """Whether s is an organisation name (a department, office, committee, government, town, park, company …)."""
    return _strict(lexicon(), s)


def _strict(lex: Lexicon, s: str) -> bool:
    if _DIGIT.search(s) and not _QUOTED_NUMBER.search(s):
        return False  # 2018—2020年, 3处; but 市“263”办 is a name
    return _known_or_shape(lex, key(s), lax=False)


def looks_like_unit_list(s: str) -> bool:
    """Whether s is a list of organisation names only (住建局、汇龙镇; 发改、环保、安监)."""
    from taizhang.resolve.split import split_units

    lex = lexicon()
    parts = split_units(s)
    if not parts:
        return False
    strict = [_strict(lex, r) for r, _, _ in parts]
    lax = [_known_or_shape(lex, key(r), lax=True) for r, _, _ in parts]
    return all(lax) and any(strict)


# ---------------------------------------------------------------- resolving


def _scope_region(lex: Lexicon, c: str, region: str | None) -> str | None:
    """The jurisdiction a level character refers to in a document of `region` (None: unknown)."""
    for r in _chain(lex, region):
        lv = _region_level(lex, r)
        if c == "省" and lv == "province":
            return r
        if c != "省" and r.endswith(c):
            return r
    return None


def _scope_level(lex: Lexicon, scope: tuple[str | None, str]) -> str | None:
    return _region_level(lex, scope[0]) if scope[0] else _LEVEL_OF_CHAR.get(scope[1])


def _apply_name(
    lex: Lexicon, body_name: str, template: str | None, scope_name: str | None, literal: str
) -> str:
    if template:
        if scope_name:
            return template.replace("{R}", scope_name).replace("{S}", region_stem(scope_name))
        return literal + body_name
    return (scope_name or literal) + body_name


@dataclass(frozen=True)
class _Resolved:
    name: str
    renamed_from: str | None
    generic: bool
    scope: tuple[str | None, str] | None  # (scope region, literal) this mention states explicitly
    inherits: bool  # a department that takes a shared prefix written before it


def _resolve_one(
    lex: Lexicon, raw: str, region: str | None, inherited: tuple[str | None, str] | None
) -> _Resolved:
    ck = ("res", raw, region, inherited)
    hit = lex.cache.get(ck)
    if hit is not None:
        return hit
    res = _resolve_uncached(lex, raw, region, inherited)
    lex.remember(ck, res)
    return res


def _resolve_uncached(
    lex: Lexicon, raw: str, region: str | None, inherited: tuple[str | None, str] | None
) -> _Resolved:
    disp = display(_strip_deng(raw.strip())) or display(raw) or raw
    if _generic(lex, key(disp)):
        return _Resolved(disp, None, True, None, False)
    region = lex.region_name(display(region)) if region else None
    p = _parse(lex, disp, region)
    explicit: tuple[str | None, str] | None = None
    if p.scope_kind == "char":
        assert p.scope is not None
        explicit = (_scope_region(lex, p.scope, region), p.scope)
    elif p.scope_kind == "region":
        explicit = (p.scope, "")
    if p.entry is None:
        rk = key(p.rest)
        if lex.region_name(disp) in lex.regions or p.scope_kind == "region" or _PLACE.search(rk):
            if p.scope_kind == "char" and explicit and not _PLACE.search(rk):
                return _Resolved((explicit[0] or explicit[1]) + p.rest, None, False, explicit, False)
            return _Resolved(disp, None, False, explicit if p.scope_kind == "region" else None, False)
        if p.scope_kind == "char" and explicit:
            return _Resolved((explicit[0] or explicit[1]) + p.rest, None, False, explicit, False)
        dept = _strict(lex, p.rest) and not _mentions_place(lex, rk, region)
        if dept:
            scope = inherited or ((region, "") if region else None)
            if scope and (scope[0] or scope[1]):
                return _Resolved((scope[0] or scope[1]) + p.rest, None, False, None, True)
        return _Resolved(disp, None, False, None, dept)
    body = p.entry.body
    old = p.entry.old
    if body.level == "national":
        return _Resolved(body.name, old, False, None, False)
    scope = explicit or inherited or ((region, "") if region else None)
    if body.level == "province" and (scope is None or _scope_level(lex, scope) != "province"):
        scope = (_scope_region(lex, "省", scope[0] if scope and scope[0] else region), "省")
    scope_name, literal = scope if scope else (None, "")
    level = _region_level(lex, scope_name) if scope_name else _LEVEL_OF_CHAR.get(literal)
    name, template = body.level_name(level)
    info = lex.regions.get(scope_name) if scope_name else None
    renamed_from = None
    if old is not None:
        old_name = lex.province_forms.get(old, old) if level == "province" else old
        renamed_from = _apply_name(lex, old_name, None, scope_name, literal)
    if info is not None and name in info.renames:
        renamed_from = renamed_from or _apply_name(lex, name, template, scope_name, literal)
        name, template = info.renames[name], None
    if level == "province":
        name = lex.province_forms.get(name, name)
    if info is not None and name in info.bodies:
        name, template = info.bodies[name], None
    full = _apply_name(lex, name, template, scope_name, literal)
    if renamed_from == full:
        renamed_from = None
    return _Resolved(full, renamed_from, False, explicit, explicit is None)


def _mentions_place(lex: Lexicon, k: str, region: str | None) -> bool:
    """Whether a name already carries a place (人民银行启东支行): then no jurisdiction is put in front."""
    for r in _chain(lex, region):
        stem = region_stem(r)
        if len(stem) >= 2 and stem in k:
            return True
    return bool(lex.region_re is not None and lex.region_re.search(k))


def resolve_units(raws: list[str], *, region: str | None, year: int | None = None) -> list[Unit]:
    """Resolve mentions written together (one list, order kept) to canonical bodies of `region`.

    A jurisdiction prefix written on one mention carries over to the bare department names after it
    (区市场监管局、生态环境局 → both district bureaus). `year` is accepted for the record: reform renames
    are applied to documents of every year, so a 2017 task of the 环保局 belongs to the 生态环境局 today.
    Never raises on odd input: an unknown mention keeps its own text (with the jurisdiction in front when it
    is a bare department name).
    """
    del year
    lex = lexicon()
    out: list[Unit] = []
    inherited: tuple[str | None, str] | None = None
    for raw in raws:
        if not raw or not raw.strip():
            out.append(Unit(raw=raw, name=raw.strip() if raw else ""))
            continue
        r = _resolve_one(lex, raw, region, inherited)
        out.append(Unit(raw=raw, name=r.name, renamed_from=r.renamed_from, generic=r.generic))
        if r.scope is not None and not r.generic:
            inherited = r.scope
    return out


def resolve_unit(raw: str, *, region: str | None, year: int | None = None) -> Unit:
    """One mention on its own."""
    return resolve_units([raw], region=region, year=year)[0]
