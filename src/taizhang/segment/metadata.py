"""Document metadata (title, doc number, issuer, issue date, region) and where the plan itself begins.

A plan usually arrives under a cover notice::

    XX党政办公室文件                      ← red header: the issuer
    常开委办〔2019〕95号                    ← doc number
    XX关于印发YY的通知                      ← the notice (its title may run over several lines)
    各镇…：现将《YY》印发给你们，……
    XX人民政府                             ← signature: the issuer as written
    2019年6月18日                          ← issue date (also 二〇一九年六月十八日)
    YY                                     ← the plan's own title: where the body starts

The title is the plan's (YY), not the notice's. When the notice quotes the plan (《YY》) that quote is the
title; otherwise the first title lines of the body. The region is the jurisdiction at the head of the
title (常州市新北区… → 新北区), else of the issuer. The words and patterns live in
``taizhang/segment/data/metadata.yaml``.
"""

from __future__ import annotations

import datetime
import re
from functools import lru_cache
from typing import Any

from taizhang.document import SourceDocument
from taizhang.ledger import DocumentMeta
from taizhang.text.basics import DAY, FW_DIGITS, MONTH, YEAR, cn_int, load_yaml

_FW = FW_DIGITS


@lru_cache(maxsize=1)
def _lex() -> dict[str, Any]:
    lex = dict(load_yaml("taizhang.segment", "data/metadata.yaml"))
    alt = "|".join(re.escape(w) for w in sorted(lex["plan_words"], key=len, reverse=True))
    lex["_plan_re"] = re.compile(rf"(?:{alt})")
    suf = "|".join(re.escape(w) for w in sorted(lex["region_suffixes"], key=len, reverse=True))
    lex["_region_re"] = re.compile(rf"[\u4e00-\u9fff]{{1,8}}?(?:{suf})")
    isu = "|".join(re.escape(w) for w in sorted(lex["issuer_endings"], key=len, reverse=True))
    lex["_issuer_re"] = re.compile(rf"^[\u4e00-\u9fff（）()·\s]{{2,40}}(?:{isu})$")
    lex["_skip_re"] = re.compile("|".join(re.escape(w) for w in lex["cover_trailer_words"]))
    return lex


_DOCNO = re.compile(
    r"(?P<no>[\u4e00-\u9fff]{1,12}\s*[〔\[［【(（]\s*(?:19|20)[0-9０-９]{2}\s*[〕\]］】)）]\s*[0-9０-９]{1,5}\s*号)"
)
_DATE_LINE = re.compile(rf"^\s*(?P<y>{YEAR})\s*年\s*(?P<m>{MONTH})\s*月\s*(?P<d>{DAY})\s*日\s*$")
_NOTICE = re.compile(r"关于(?:印发|转发|下发|公布)")
_NOTICE_END = re.compile(r"的通知\s*$")
_LETTER = re.compile(r"(?:现将|现予|予以)?印发给你们|现将《[^》]{4,80}》(?:予以)?印发")
_QUOTED = re.compile(r"《(?P<t>[^《》\n]{4,80})》")
_NEWS_LEAD = re.compile(r"印发(?:了)?《(?P<t>[^《》\n]{4,80})》")
# a doc number in a page's metadata block: 发文字号：某政办发〔2014〕89号
_DOCNO_LABEL = re.compile(r"^\s*(?:发文字号|文\s*号|发文号)\s*[:：]\s*")




def parse_date_line(line: str) -> datetime.date | None:
    """The date of a line that holds only a date (2019年6月18日, 二〇一九年六月十八日)."""
    m = _DATE_LINE.match(line)
    if not m:
        return None
    try:
        return datetime.date(cn_int(m.group("y")), cn_int(m.group("m")), cn_int(m.group("d")))
    except (TypeError, ValueError):
        return None


def _lines(text: str) -> list[tuple[int, int, str]]:
    out, pos = [], 0
    for ln in text.split("\n"):
        out.append((pos, pos + len(ln), ln))
        pos += len(ln) + 1
    return out


def _cut_at_tables(doc: SourceDocument, lines: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """A line holding the start of a table read out of running text (taizhang.segment.runon) ends there."""
    starts = sorted(b.start for b in doc.tables())
    if not starts:
        return lines
    out = []
    for a, b, ln in lines:
        k = next((t for t in starts if a < t < b), None)
        out.append((a, k, doc.text[a:k].rstrip()) if k is not None else (a, b, ln))
    return out


def _squash(s: str) -> str:
    return re.sub(r"[ \t\u3000]+", "", s)


def _is_title_line(s: str) -> bool:
    s = s.strip()
    return bool(s) and len(s) <= 40 and not re.search(r"[。，；：:,;！？]", s) and not re.match(
        r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十0-9]+[）)]|[0-9]+[.．、])", s)


_ANNEX_HEAD = re.compile(r"^附件[0-9０-９一二三四五六七八九十]*[:：]?")
_META_LINE = re.compile(r"^[\u4e00-\u9fff]{2,6}[:：][^。，；]*$")
_SERIES = re.compile(r"^第[0-9０-９一二三四五六七八九十]{1,3}篇[:：]")  # 第1篇：… a content site's list heading
# what may follow a title's plan word: （2019—2020年）, （第二批）, （试行）, （修订稿）
_TITLE_TAIL = r"(?:[（(][^（）()]{1,16}[)）])?"


def _first_title_line(lines: list[tuple[int, int, str]]) -> str | None:
    """A page with no cover and no plan title: its first line when it reads as a title (…关于…, …公示, …方案
    （2019—2020年））, or the plan a news lead says was issued (日前，某市印发《某市…方案》。)."""
    lex = _lex()
    words = "|".join(map(re.escape, lex["plan_words"]))
    seen = 0
    for _a, _b, ln in lines:
        s = _squash(ln)
        if not s or _SERIES.match(s) or (_META_LINE.match(s) and len(s) <= 40):
            continue  # a content site's list heading; a page's metadata (索引号：…, 发布日期：…)
        seen += 1
        if seen > 3:
            break
        s = _ANNEX_HEAD.sub("", s)
        if len(s) <= 90 and not re.search(r"[。，；！？,;]", s) and (
                "关于" in s or re.search(rf"(?:{words}){_TITLE_TAIL}$", s)):
            return s
        q = _NEWS_LEAD.search(s)
        if q and re.search(rf"(?:{words}){_TITLE_TAIL}$", q.group("t")):
            return q.group("t")
    return None


def _closing_signature(lines: list[tuple[int, int, str]], lex: dict) -> tuple[str | None, datetime.date] | None:
    """The signature closing a page (an issuer line, then a date line) among its last lines."""
    tail = [(k, ln.strip()) for k, (_a, _b, ln) in enumerate(lines[-15:]) if ln.strip()]
    for i in range(len(tail) - 1, -1, -1):
        d = parse_date_line(tail[i][1])
        if d is None:
            continue
        prev = _squash(tail[i - 1][1]) if i else ""
        issuer = prev if prev and len(prev) <= 40 and lex["_issuer_re"].match(prev) else None
        return issuer, d
    return None


def region_of(name: str | None) -> str | None:
    """The jurisdiction at the head of a title or an issuer name: 常州市新北区… → 新北区 (the most specific)."""
    if not name:
        return None
    lex = _lex()
    s = _squash(name)
    # a parenthesised jurisdiction in an issuer: 常州国家高新区（新北区）党政办公室 → 新北区
    pm = re.search(r"[（(]([\u4e00-\u9fff]{1,8}(?:区|县|市))[)）]", s)
    pos, found = 0, None
    while True:
        m = lex["_region_re"].match(s, pos)
        if not m or any(w in m.group(0) for w in lex["not_region_words"]) or m.group(0) in lex["not_regions"]:
            break
        found, pos = m.group(0), m.end()
    if found and pm and found.endswith("高新区"):
        return pm.group(1)
    return found or (pm.group(1) if pm else None)


def _province_in(title: str | None) -> str | None:
    """A province named inside a title that does not begin with its jurisdiction (中央…反馈意见某省整改清单)."""
    for p in _lex()["provinces"]:
        if title and p in title:
            return p
    return None


def extract_metadata(doc: SourceDocument) -> tuple[DocumentMeta, int]:
    """(metadata, body_start): the document's metadata and the offset where the plan itself begins."""
    lex = _lex()
    text = doc.text
    lines = _cut_at_tables(doc, _lines(text))
    head = lines[: lex["cover_max_lines"]]
    meta = DocumentMeta()

    # red header "XX文件"
    header_issuer = None
    for _a, _b, ln in head[:8]:
        s = _squash(ln)
        if s.endswith("文件") and 4 <= len(s) <= 40 and not re.search(r"[。，；]", s):
            header_issuer = s[: -len("文件")]
            break

    # the cover notice: a line with 关于印发 … ending (possibly some lines later) with 的通知
    notice_start = notice_end = None
    for i, (_a, _b, ln) in enumerate(head):
        if _NOTICE.search(ln) and len(ln.strip()) <= 80:
            for j in range(i, min(i + 6, len(head))):
                if _NOTICE_END.search(head[j][2]):
                    notice_start, notice_end = i, j
                    break
            if notice_start is not None:
                break
    if notice_start is None:
        # a cover letter without its notice title: (addressee:) 现将《YY》印发给你们 … signature, date
        for i, (_a, _b, ln) in enumerate(head[:30]):
            if _LETTER.search(ln):
                notice_start = notice_end = max(0, i - 1)
                break

    body_start = 0
    notice_title = None
    if notice_start is not None:
        notice_text = "".join(_squash(head[k][2]) for k in range(notice_start, notice_end + 1))
        # the quoted plan title in the notice or in the next lines of the cover letter
        date_idx = None
        for k in range(notice_end + 1, len(head)):
            if parse_date_line(head[k][2]):
                date_idx = k
                break
        cover_end = date_idx if date_idx is not None else min(len(head) - 1, notice_end + 8)
        cover_text = notice_text + "".join(head[k][2] for k in range(notice_end + 1, cover_end + 1))
        q = _QUOTED.search(cover_text)
        if q and lex["_plan_re"].search(q.group("t")):
            notice_title = _squash(q.group("t"))
        else:
            m = re.search(r"关于(?:印发|转发|下发|公布)(?P<t>.+?)的通知", notice_text)
            if m:
                notice_title = m.group("t").strip("《》")
        if date_idx is not None:
            d = parse_date_line(head[date_idx][2])
            meta.issue_date = d.isoformat() if d else None
            for k in range(date_idx - 1, notice_end, -1):
                s = head[k][2].strip()
                if not s:
                    continue
                if lex["_issuer_re"].match(s) or (len(s) <= 30 and not re.search(r"[。，；：:]", s)):
                    meta.issuer = _squash(s)
                break
            # body: the first line after the date that is not a cover trailer (（此件公开发布）, 抄送 …)
            k = date_idx + 1
            while k < len(lines):
                s = lines[k][2].strip()
                if s and not lex["_skip_re"].search(s):
                    break
                k += 1
            body_start = lines[k][0] if k < len(lines) else len(text)
        else:
            body_start = head[notice_end][1] + 1
        body_start = min(body_start, len(text))

    # doc number: a line of its own in the cover (or header) area
    limit = notice_start if notice_start is not None else min(len(head), 12)
    cover_lines = max(limit + 2, next((i for i, (a, _b, _l) in enumerate(head) if a >= body_start), 0))
    for _a, _b, ln in head[: max(cover_lines, 3)]:
        m = _DOCNO.search(ln)
        if m and len(_squash(ln)) <= len(_squash(m.group("no"))) + 4:
            meta.doc_number = _squash(m.group("no")).translate(_FW)
            break
    if meta.doc_number is None:
        for _a, _b, ln in head[:30]:
            lm = _DOCNO_LABEL.match(ln)
            m = _DOCNO.match(ln, lm.end()) if lm else None
            if m and not ln[m.end():].strip():
                meta.doc_number = _squash(m.group("no")).translate(_FW)
                break

    # the body's own title lines
    body_title_parts: list[str] = []
    k0 = next((i for i, (a, _b, _l) in enumerate(lines) if a >= body_start), len(lines))
    for _a, _b, ln in lines[k0:k0 + 8]:
        if not ln.strip():
            if body_title_parts:
                continue
            continue
        if _is_title_line(ln):
            body_title_parts.append(_squash(ln))
            if lex["_plan_re"].search(body_title_parts[-1] + "$") and re.search(
                    rf"(?:{'|'.join(map(re.escape, lex['plan_words']))})$", body_title_parts[-1]):
                break
        else:
            break
    body_title = "".join(body_title_parts) or None
    meta.title = notice_title or body_title or _first_title_line(lines)
    if meta.title:
        meta.title = _ANNEX_HEAD.sub("", meta.title) or meta.title  # 附件 某县…清单: the annex's own title
    if meta.issuer is None and header_issuer:
        meta.issuer = header_issuer
    if meta.issuer is None and notice_start is not None:
        # the issuer on the line(s) above its notice: 商城县人民政府 / 关于印发…的通知
        for k in range(notice_start - 1, max(-1, notice_start - 3), -1):
            s = _squash(head[k][2])
            if s and lex["_issuer_re"].match(s):
                meta.issuer = s
                break
            if s and not _DOCNO.search(s):
                break
    if meta.issuer is None and notice_start is not None:
        # 某市指挥部关于印发…的通知 with no signature: the body before 关于 issues it
        head_part = _squash(head[notice_start][2]).split("关于", 1)[0]
        if head_part and lex["_issuer_re"].match(head_part):
            meta.issuer = head_part
    if meta.issuer is None and meta.title and "关于" in meta.title:
        # XX办公室关于YY: the body before 关于 issues it
        head_part = meta.title.split("关于", 1)[0]
        if head_part and lex["_issuer_re"].match(head_part):
            meta.issuer = head_part
    if meta.issuer is None or meta.issue_date is None:
        sig = _closing_signature(lines, lex)
        if sig is not None:
            issuer, date = sig
            meta.issuer = meta.issuer or issuer
            if meta.issue_date is None and date is not None:
                meta.issue_date = date.isoformat()
    meta.region = region_of(meta.title) or region_of(meta.issuer) or _province_in(meta.title)
    return meta, body_start
