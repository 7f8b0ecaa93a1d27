"""The organisation lexicon: bundled YAML under resolve/data, merged with an optional clerk's file.

The clerk's file is named by the environment variable TAIZHANG_ORG_LEXICON; it may hold any of the keys of
the bundled files (see docs/组织机构词典.md). Lists of entries are appended (a later alias wins), mappings
are merged key by key (a region's settings are updated field by field), lists of words are extended.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from taizhang.errors import DataError

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
ENV_VAR = "TAIZHANG_ORG_LEXICON"
DATA_FILES = ("aliases.yaml", "renames.yaml", "territorial.yaml", "regions.yaml")
CACHE_LIMIT = 200_000
LEVELS = ("province", "city", "district", "county", "town")

_WS = re.compile(r"\s+")
_QUOTES = str.maketrans("", "", "“”\"'‘’「」『』")
_REGION_SUFFIX = re.compile(
    r"(维吾尔自治区|壮族自治区|回族自治区|自治区|自治州|自治县|自治旗|特别行政区|街道|地区|省|市|区|县|旗|盟|镇|乡)$"
)


def key(s: str) -> str:
    """Lookup key of a name: NFKC (half-width brackets), no whitespace, no quotes."""
    return _WS.sub("", unicodedata.normalize("NFKC", s)).translate(_QUOTES)


def display(s: str) -> str:
    """A name as shown: NFC, no whitespace, full-width brackets."""
    s = _WS.sub("", unicodedata.normalize("NFC", s))
    return s.replace("(", "（").replace(")", "）")


def region_stem(name: str) -> str:
    return _REGION_SUFFIX.sub("", name)


@dataclass(frozen=True)
class Body:
    name: str
    template: str | None = None
    by_level: tuple[tuple[str, str], ...] = ()
    level: str | None = None  # "national": never gets a jurisdiction prefix

    def level_name(self, level: str | None) -> tuple[str, str | None]:
        """(name, template) for a jurisdiction of the given level."""
        for lv, nm in self.by_level:
            if lv == level:
                return (nm, nm) if "{" in nm else (nm, None)
        return self.name, self.template


@dataclass(frozen=True)
class Entry:
    body: Body
    old: str | None = None  # pre-reform canonical name when this alias names a renamed body


@dataclass
class Region:
    name: str
    level: str | None = None
    parent: str | None = None
    bodies: dict[str, str] = field(default_factory=dict)
    renames: dict[str, str] = field(default_factory=dict)
    aliases: list[str] = field(default_factory=list)


class Lexicon:
    def __init__(self, data: dict[str, Any], source: str):
        self.source = source
        self.conflicts: list[str] = []
        self.bodies: dict[str, Body] = {}
        self.alias: dict[str, Entry] = {}
        for b in data.get("bodies") or []:
            body = Body(
                name=str(b["name"]),
                template=b.get("template"),
                by_level=tuple((str(k), str(v)) for k, v in (b.get("by_level") or {}).items()),
                level=b.get("level"),
            )
            self.bodies[body.name] = body
            for a in [body.name, *(b.get("aliases") or [])]:
                self._add(str(a), Entry(body))
        for r in data.get("renames") or []:
            old, new = str(r["from"]), str(r["to"])
            target = self.bodies.get(new) or Body(name=new)
            for a in [old, *(r.get("aliases") or [])]:
                self._add(str(a), Entry(target, old=old))
        self.province_forms: dict[str, str] = {
            str(k): str(v) for k, v in (data.get("province_forms") or {}).items()
        }
        self.not_prefix_starts = tuple(str(x) for x in data.get("not_prefix_starts") or [])
        # territorial / shape rules
        self.qualifiers = sorted((str(x) for x in data.get("qualifiers") or []), key=len, reverse=True)
        self.descriptive_qualifier = str(data.get("descriptive_qualifier") or "")
        self.descriptive_markers = tuple(str(x) for x in data.get("descriptive_markers") or [])
        self.territorial_nouns = tuple(
            sorted((str(x) for x in data.get("territorial_nouns") or []), key=len, reverse=True)
        )
        self.generic_exact = frozenset(key(str(x)) for x in data.get("generic_exact") or [])
        self.generic_patterns = [re.compile(str(p)) for p in data.get("generic_patterns") or []]
        gp = data.get("generic_prefix")
        self.generic_prefix = re.compile(str(gp)) if gp else None
        self.bare_role_words = (
            frozenset(key(str(x)) for x in data.get("bare_role_words") or []) | self.generic_exact
        )
        self.unit_suffixes = sorted(
            ((str(k), int(v)) for k, v in (data.get("unit_suffixes") or {}).items()),
            key=lambda kv: -len(kv[0]),
        )
        self.stop_endings = tuple(
            sorted((str(x) for x in data.get("stop_endings") or []), key=len, reverse=True)
        )
        self.not_district_stems = frozenset(str(x) for x in data.get("not_district_stems") or [])
        self.not_unit_words = tuple(str(x) for x in data.get("not_unit_words") or [])
        self.not_unit_starts = tuple(str(x) for x in data.get("not_unit_starts") or [])
        self.ambiguous_bare = frozenset(key(str(x)) for x in data.get("ambiguous_bare") or [])
        # regions
        self.municipalities = frozenset(str(x) for x in data.get("municipalities") or [])
        self.regions: dict[str, Region] = {}
        self.region_alias: dict[str, str] = {}
        for name, info in (data.get("regions") or {}).items():
            info = info or {}
            reg = Region(
                name=str(name),
                level=info.get("level"),
                parent=info.get("parent"),
                bodies={str(k): str(v) for k, v in (info.get("bodies") or {}).items()},
                renames={str(k): str(v) for k, v in (info.get("renames") or {}).items()},
                aliases=[str(a) for a in info.get("aliases") or []],
            )
            if reg.level is not None and reg.level not in LEVELS:
                raise DataError(f"地区“{name}”的级别“{reg.level}”无效，应为 {'/'.join(LEVELS)}", path=source)
            self.regions[reg.name] = reg
            for a in reg.aliases:
                self.region_alias[key(a)] = reg.name
        names = sorted({*self.regions, *self.region_alias}, key=len, reverse=True)
        self.region_re = re.compile("|".join(re.escape(key(n)) for n in names)) if names else None
        self.cache: dict[Any, Any] = {}

    def remember(self, k: Any, v: Any) -> None:
        """Memoise a result; the memo is bounded so that a long-running service does not grow without end."""
        if len(self.cache) >= CACHE_LIMIT:
            self.cache.clear()
        self.cache[k] = v

    def _add(self, alias: str, entry: Entry) -> None:
        k = key(alias)
        prev = self.alias.get(k)
        if prev is not None and prev != entry:
            self.conflicts.append(f"{alias}: {prev.body.name} / {entry.body.name}")
        self.alias[k] = entry

    def region_name(self, name: str) -> str:
        return self.region_alias.get(key(name), name)


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in extra.items():
        old = out.get(k)
        if isinstance(old, dict) and isinstance(v, dict):
            merged = dict(old)
            for rk, rv in v.items():
                if isinstance(merged.get(rk), dict) and isinstance(rv, dict):
                    merged[rk] = {**merged[rk], **rv}
                else:
                    merged[rk] = rv
            out[k] = merged
        elif isinstance(old, list) and isinstance(v, list):
            out[k] = old + v
        else:
            out[k] = v
    return out


def _read_yaml(text: str, source: str) -> dict[str, Any]:
    try:
        data = yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as e:
        line = getattr(getattr(e, "problem_mark", None), "line", None)
        raise DataError(
            f"组织机构词典格式错误：{e}", path=source, line=None if line is None else line + 1
        ) from e
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise DataError("组织机构词典应为 YAML 映射（键: 值）", path=source)
    return data


@lru_cache(maxsize=8)
def _load(extra_path: str | None) -> Lexicon:
    data: dict[str, Any] = {}
    pkg = resources.files("taizhang.resolve") / "data"
    for name in DATA_FILES:
        data = _merge(data, _read_yaml((pkg / name).read_text(encoding="utf-8"), f"resolve/data/{name}"))
    source = "bundled"
    if extra_path:
        p = Path(extra_path)
        try:
            text = p.read_text(encoding="utf-8-sig")
        except OSError as e:
            raise DataError(f"无法读取组织机构词典：{e.strerror or e}", path=str(p)) from e
        except UnicodeDecodeError as e:
            raise DataError("组织机构词典不是 UTF-8 文本", path=str(p)) from e
        data = _merge(data, _read_yaml(text, str(p)))
        source = str(p)
    try:
        return Lexicon(data, source)
    except (KeyError, TypeError, ValueError) as e:
        raise DataError(f"组织机构词典条目不完整或类型错误：{e}", path=source) from e


def lexicon() -> Lexicon:
    """The current lexicon (bundled, merged with $TAIZHANG_ORG_LEXICON when set); loaded once and cached."""
    return _load(os.environ.get(ENV_VAR) or None)


def reload_lexicon() -> None:
    _load.cache_clear()
