"""The Chinese-text basics every stage shares: numerals, digit widths, date pieces, heading labels, YAML data.

One place for what used to be written out in deadlines, metadata, outline and targets:

* :func:`cn_int` reads a numeral written with Arabic digits (half- or full-width), Chinese numerals (十二, 二十五,
  一百零五) or year digits (二〇一九, 二○一九) — through ``cn2an``, the maintained library for it;
* ``YEAR`` / ``MONTH`` / ``DAY`` are regex pieces for the numbers of a date in either script;
* ``LABEL_PATTERNS`` are the numbering styles of headings and items (一、 （一） 1． （1） 1) ① 第一章 第一条);
* :func:`load_yaml` loads a commented YAML data file of a package, once.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

FW_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
DIGIT = "0-9０-９"
CN_DIGITS = "〇零○Ｏ一二两三四五六七八九十百"
# zeros as drafters type them in years (二〇一九, 二○一九, 二Ｏ一九) → the one cn2an reads
_ZEROS = str.maketrans({"○": "〇", "Ｏ": "〇", "O": "〇", "o": "〇", "0": "〇"})

# the numbers of a date, in Arabic or Chinese numerals
YEAR = rf"(?:(?:[1１][9９]|[2２][0０])[{DIGIT}]{{2}}|[一二][〇零○Ｏ一二三四五六七八九]{{3}})"
MONTH = r"(?:1[0-2]|0?[1-9]|１[０-２]|０?[１-９]|十[一二]?|[一二三四五六七八九])"
DAY = rf"(?:[{DIGIT}]{{1,2}}|三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九])"

# numbering styles of headings and items: style name → regex at the start of a line (group "n": the number)
LABEL_PATTERNS: list[tuple[str, str]] = [
    ("chapter", rf"第(?P<n>[{CN_DIGITS}]+)章\s*"),
    ("part", rf"第(?P<n>[{CN_DIGITS}]+)部分\s*"),
    ("section", rf"第(?P<n>[{CN_DIGITS}]+)节\s*"),
    ("article", rf"第(?P<n>[{CN_DIGITS}]+)条\s*"),
    ("item", rf"第(?P<n>[{CN_DIGITS}]+)项\s*"),
    ("cn", rf"(?P<n>[{CN_DIGITS}]{{1,3}})\s*[、，．](?![{CN_DIGITS}][、级类是])\s*"),
    ("pcn", rf"[（(]\s*(?P<n>[{CN_DIGITS}]{{1,3}})\s*[)）]\s*[、．.]?\s*"),
    ("pnum", r"[（(]\s*(?P<n>[0-9０-９]{1,3})\s*[)）]\s*[、．.]?\s*"),
    # 2.1 / 2.1.3 (decimal outline numbering; the last part is the item's number): dnum2, dnum3
    ("dnum3", r"(?P<n>[0-9０-９]{1,2}[.．][0-9０-９]{1,2}[.．][0-9０-９]{1,2})[ \u3000]*(?![万亿千百个倍米克吨元年月日天])(?=[\u4e00-\u9fff（(“])"),
    ("dnum2", r"(?P<n>[0-9０-９]{1,2}[.．][0-9０-９]{1,2})(?![.．]?[0-9０-９%％])[ \u3000]*(?![万亿千百个倍米克吨元年月日天])(?=[\u4e00-\u9fff（(“])"),
    # 1. / 1、 / 1． (not 2.5; but 2.2019年6月底前… is item 2)
    ("num", r"(?P<n>[0-9０-９]{1,3})\s*(?:[．、]|\.(?:(?![0-9０-９])|(?=(?:19|20)[0-9]{2}年)))\s*"),
    ("rnum", r"(?P<n>[0-9０-９]{1,3})\s*[)）](?![、，,])\s*"),  # 1) 1）: half-bracketed numbers
    ("circ", r"(?P<n>[①-⑳])\s*"),
    # 措施一： / 任务二： (measures listed under a heading's 目标任务：)
    ("mlabel", rf"(?:措施|举措|任务)(?P<n>[{CN_DIGITS}]{{1,3}})\s*[：:]\s*"),
    ("snum", r"(?P<n>[0-9０-９]{1,2})[ \u3000]+(?![万亿千百个倍米克吨元年月日天家处台辆座条项])(?=[\u4e00-\u9fff])"),  # 2 主要任务 (a number and a blank)
]
# How high a style usually stands (smaller is higher): 一、 over （一） over 1. over （1） over ①. Levels come from the
# order styles appear in; this rank only lets a text that starts inside a list (a page cut from the middle of a plan:
# 3. 4. （五） 十七、…) climb back out to a higher style whose count does not start at 1.
STYLE_RANK: dict[str, int] = {"chapter": 0, "part": 0, "section": 1, "cn": 2, "pcn": 3, "dnum2": 4, "dnum3": 5,
                              "num": 4, "snum": 4, "pnum": 5, "rnum": 6, "circ": 7, "mlabel": 5, "article": 3, "item": 4}
# any of them, for "does this line start with a numbering"
LABEL_RE = re.compile(r"[ \t\u3000]*(?:" + "|".join(
    p.replace("(?P<n>", "(?:") for _, p in LABEL_PATTERNS) + ")")


@lru_cache(maxsize=4096)
def cn_int(s: str | None) -> int | None:
    """The value of a numeral: 12, １２, 十二, 二十五, 一百零五, 二〇一九, ①; None when it is not one."""
    if not s:
        return None
    s = s.strip()
    if "." in s or "．" in s:  # 2.1.3: the item's own number is the last part
        s = s.replace("．", ".").rsplit(".", 1)[-1]
    if len(s) == 1 and "①" <= s <= "⑳":
        return ord(s) - ord("①") + 1
    a = s.translate(FW_DIGITS)
    if a.isascii() and a.isdigit():
        return int(a)
    if any(ch not in CN_DIGITS for ch in s):
        return None
    if "十" not in s and "百" not in s and len(s) > 1:  # digit by digit: 二〇一九
        s = s.translate(_ZEROS)
    import cn2an  # imported on first use: it costs a tenth of a second to load

    try:
        v = cn2an.cn2an(s.replace("○", "〇").replace("Ｏ", "〇"), "smart")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    return int(v) if float(v).is_integer() else None


def load_yaml(package: str, name: str) -> dict[str, Any]:
    """A YAML data file of a package (``load_yaml("taizhang.extract", "data/roles.yaml")``), loaded once."""
    return _load_yaml(package, name)


@lru_cache(maxsize=64)
def _load_yaml(package: str, name: str) -> dict[str, Any]:
    with resources.files(package).joinpath(name).open("r", encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_LOADER) or {}


def parse_yaml(text: str) -> Any:
    """YAML text (a clerk's own lexicon file) with the same loader; raises yaml.YAMLError."""
    return yaml.load(text, Loader=_LOADER)
