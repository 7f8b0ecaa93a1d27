"""Which organisation names are one body, and which name a group of bodies: for filing the units of a
published plan against the organisations already on file (the resolver gives each mention its canonical name;
this says which canonical names meet).

- :func:`variant_key`: one key for the ways of writing one body: quote marks and brackets (key of the
  lexicon), a place and its government (X镇 / X镇人民政府), a body and its regional name
  (自然资源局 / 自然资源和规划局, from the regions of the lexicon);
- :func:`is_collective`: a placeholder or a group (各区, 镇, 所在乡镇, 启东市各部门, 有关单位) — never one body,
  never a user's own unit.

The words are data: resolve/data/variants.yaml, and the lexicon's regions and qualifiers.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from taizhang.resolve.lexicon import key, lexicon, region_stem
from taizhang.resolve.units import is_generic_territorial

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class _Variants:
    places: tuple[str, ...]
    governments: tuple[str, ...]  # longest first
    collective_endings: tuple[str, ...]
    bodies: tuple[tuple[str, str], ...]  # (regional name, canonical name), longest first


@lru_cache(maxsize=1)
def _variants() -> _Variants:
    data = yaml.load(resources.files("taizhang.resolve").joinpath("data/variants.yaml").read_text(encoding="utf-8"),
                     Loader=_LOADER) or {}
    lex = lexicon()
    pairs = {(key(regional), key(canonical)) for r in lex.regions.values()
             for canonical, regional in r.bodies.items() if regional != canonical}
    return _Variants(
        places=tuple(key(str(p)) for p in data.get("place_words") or []),
        governments=tuple(sorted((key(str(g)) for g in data.get("government_suffixes") or []), key=len,
                                 reverse=True)),
        collective_endings=tuple(key(str(e)) for e in data.get("collective_endings") or []),
        bodies=tuple(sorted(pairs, key=lambda p: -len(p[0]))),
    )


def variant_key(name: str) -> str:
    """The key two names of one body share (see the module's description)."""
    v = _variants()
    k = key(name or "").replace("（", "(").replace("）", ")")
    for gov in v.governments:
        if k.endswith(gov) and k[:-len(gov)].endswith(v.places):
            k = k[:-len(gov)]
            break
    for regional, canonical in v.bodies:
        if k.endswith(regional):
            k = k[:-len(regional)] + canonical
            break
    return k


def _without_region(k: str, regions: tuple[str, ...]) -> str:
    for r in regions:
        for form in (key(r), key(region_stem(r))):
            if len(form) >= 2 and k.startswith(form):
                return k[len(form):]
    return k


def is_collective(name: str, *, region: str | None = None) -> bool:
    """A placeholder or a group of bodies rather than one body: a generic territorial role (各区, 镇, 所在乡镇),
    or — after the region written in front and a level word (市/县/区) — a name that starts with a qualifier
    of the lexicon (各, 相关, 有关, 所在 …) or ends in a collective word (各部门, 成员单位 …)."""
    if not (name or "").strip():
        return True
    if is_generic_territorial(name):
        return True
    lex = lexicon()
    k = _without_region(key(name), tuple(r for r in (region, lex.region_name(region) if region else None) if r))
    if k[:1] in "省市县区镇乡" and len(k) > 1:
        k = k[1:]
    if any(k.startswith(key(q)) for q in lex.qualifiers):
        return True
    return k.endswith(_variants().collective_endings)
