"""Evaluate the field extractors (deadlines, flags, status, targets, document metadata) on the dev gold.

For each gold task it cuts the task's text out of the seed (from its quote to the next numbered item of the
same or a higher level, the next gold task, or the end of its table row; for a rectification problem: its
整改时限 / 整改进展 field values), runs find_deadlines / find_flags / find_status and compares with the gold.
Targets: extract_targets over the goal sections found with is_goal_heading and the 整改目标 fields.
Document: extract_metadata on the seed.

    .venv/bin/python benchmarks/gold_fields.py [--shared ../shared] [-v] [--classes]

With ``--classes`` it then reports the whole extractor's F1 per failure class of issue 8 (order conventions, names
holding 和, collectives, inline fields, flattened tables, subtask deadlines, targets, inspection lists,
traditional characters and widths, fixed line breaks, progress reports, plans without notes) on the held-out
plans, through benchmarks/heldout.py.

The functions are reused by tests/test_deadlines.py, tests/test_targets.py and tests/test_metadata.py.
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from taizhang.document import SourceDocument
from taizhang.extract.deadlines import find_deadlines, find_flags, period_end
from taizhang.extract.status import find_status
from taizhang.extract.targets import extract_targets, goal_field_spans, goal_section_spans
from taizhang.segment.metadata import extract_metadata

ROOT = Path(__file__).resolve().parent.parent
NUM_LEVELS = [
    (1, re.compile(r"[一二三四五六七八九十]+、")),
    (2, re.compile(r"[（(][一二三四五六七八九十]+[）)]")),
    (3, re.compile(r"[0-9０-９]+[.．、](?![0-9０-９])")),
    (4, re.compile(r"[（(][0-9０-９]+[）)]")),
    (5, re.compile(r"[①-⑳]")),
]
PERIOD_LABEL = re.compile(r"(?:[0-9]{4}年?|[一二三四]季度|(?:[0-9]{4}年)?年?度?工作任务|[0-9]{4}年工作任务)")
FIELD_RE = re.compile(r"^\s*(整改时限|整改进展|整改目标|责任单位|整改措施)[：:]", re.M)


def line_level(line: str) -> int | None:
    s = line.lstrip(" \u3000")
    if s.startswith("\t"):
        return None
    for lvl, rx in NUM_LEVELS:
        if rx.match(s):
            return lvl
    return None


@dataclass
class GoldDoc:
    name: str
    text: str
    gold: dict
    doc_date: datetime.date | None
    lines: list[tuple[int, int]] = field(default_factory=list)  # (start, end) of each line


def load(shared: Path) -> list[GoldDoc]:
    docs = []
    for gp in sorted((shared / "gold").glob("*.json")):
        gold = json.loads(gp.read_text(encoding="utf-8"))
        text = unicodedata.normalize("NFC", (shared / "seeds" / gold["file"]).read_text(encoding="utf-8"))
        iso = (gold.get("document") or {}).get("issue_date")
        d = GoldDoc(gp.stem, text, gold, datetime.date.fromisoformat(iso) if iso else None)
        pos = 0
        for ln in text.split("\n"):
            d.lines.append((pos, pos + len(ln)))
            pos += len(ln) + 1
        docs.append(d)
    return docs


def _line_index(doc: GoldDoc, pos: int) -> int:
    lo, hi = 0, len(doc.lines) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if doc.lines[mid][0] <= pos:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _find_quote(doc: GoldDoc, task: dict) -> int:
    q = task["quote"]
    positions = [m.start() for m in re.finditer(re.escape(q), doc.text)]
    if not positions:
        return -1
    if task["kind"] in ("table_row", "project"):
        for p in positions:
            ls = doc.text.rfind("\n", 0, p) + 1
            if doc.text[ls:p].strip(" ") == "" and doc.text[ls:ls + 1] == "\t" or doc.text[ls:p].startswith("\t"):
                return p
    return positions[0]


def task_texts(doc: GoldDoc) -> list[tuple[dict, int, int, str]]:
    """(gold task, start, end, kind of cut) for each gold task whose quote is found."""
    text = doc.text
    tasks = doc.gold["tasks"]
    starts = [(_find_quote(doc, t), t) for t in tasks]
    top_starts = sorted({text.rfind("\n", 0, p) + 1 for p, t in starts if p >= 0 and t["kind"] != "subtask"})
    out = []
    for p, t in starts:
        if p < 0:
            continue
        li = _line_index(doc, p)
        ls, le = doc.lines[li]
        if t["kind"] in ("table_row", "project"):
            s = text.rfind("\n\n", 0, p)
            s = 0 if s < 0 else s + 2
            e = text.find("\n\n", p)
            out.append((t, s, len(text) if e < 0 else e, "row"))
            continue
        if t["kind"] == "problem":
            nxt = [q for q in top_starts if q > ls]
            end = nxt[0] if nxt else len(text)
            out.append((t, p, end, "problem"))
            continue
        level = line_level(text[ls:le])
        end = len(text)
        for q in top_starts:
            if q > ls:
                end = q
                break
        for j in range(li + 1, len(doc.lines)):
            a, b = doc.lines[j]
            if a >= end:
                break
            line = text[a:b]
            lv = line_level(line)
            if line.startswith("\t") or line.lstrip().startswith(("附件", "附表")):
                end = a
                break
            if lv is not None and (level is None or lv <= level):
                end = a
                break
        if t["kind"] == "subtask":
            # from 一是/二是 to the next enumerator or the end of the parent item
            m = re.compile(r"[一二三四五六七八九十]+是|[（(][0-9０-９]+[）)]").search(text, p + 1, end)
            end = m.start() if m else end
        out.append((t, p, end, "text"))
    return out


def problem_field(text: str, start: int, end: int, name: str) -> tuple[int, int] | None:
    rx = re.compile(rf"{name}[：:]")
    m = rx.search(text, start, end)
    if not m:
        return None
    e = text.find("\n", m.end())
    return m.end(), (end if e < 0 or e > end else e)


@dataclass
class Counts:
    tp: int = 0
    pred: int = 0
    gold: int = 0

    def f1(self) -> float:
        p = self.tp / self.pred if self.pred else 1.0
        r = self.tp / self.gold if self.gold else 1.0
        return 2 * p * r / (p + r) if p + r else 0.0


def eval_deadlines(docs: list[GoldDoc], verbose: bool = False) -> dict:
    dl, flags_ok, flags_n, st_ok, st_n = Counts(), 0, 0, 0, 0
    header = Counts()
    misses = []
    for doc in docs:
        for t, s, e, how in task_texts(doc):
            text = doc.text
            if how == "problem":
                f = problem_field(text, s, e, "整改时限")
                span_text = text[f[0]:f[1]] if f else ""
                off = f[0] if f else 0
            else:
                span_text, off = text[s:e], s
            got = find_deadlines(span_text, doc_date=doc.doc_date, offset=off)
            pd = {(d.date, d.type) for d in got if d.date}
            gold = t["deadlines"]
            if how == "row":
                # deadlines from period column headers (2017年, 一季度, 年度工作任务 …) are the table
                # extractor's, which calls period_end: simulate it and merge, as the ledger does
                for d in gold:
                    if PERIOD_LABEL.fullmatch(d["text"]):
                        pe = period_end(d["text"], doc_date=doc.doc_date)
                        header.gold += 1
                        header.pred += 1
                        header.tp += bool(pe and pe.isoformat() == d["date"])
                        if pe:
                            pd.add((pe.isoformat(), "by"))
            gd = {(d["date"], d.get("type", "by")) for d in gold}
            dl.tp += len(gd & pd)
            dl.pred += len(pd)
            dl.gold += len(gd)
            if gd != pd:
                misses.append(f"{doc.name[:3]} deadlines {t['quote'][:16]}: gold-only {sorted(gd - pd)} "
                              f"extra {[(d.text, d.date) for d in got if (d.date, d.type) not in gd]}")
            ftext = span_text if how == "problem" else text[s:e]
            imm, ong = find_flags(ftext)
            flags_n += 1
            ok = imm == bool(t.get("immediate")) and ong == bool(t.get("ongoing"))
            flags_ok += ok
            if not ok:
                misses.append(f"{doc.name[:3]} flags {t['quote'][:16]}: gold {t.get('immediate')},{t.get('ongoing')} "
                              f"got {imm},{ong}")
            if t.get("status"):
                f = problem_field(text, s, e, "整改进展")
                st = find_status(text[f[0]:e] if f else text[s:e])
                st_n += 1
                st_ok += st == t["status"]
                if st != t["status"]:
                    misses.append(f"{doc.name[:3]} status {t['quote'][:16]}: gold {t['status']} got {st}")
    res = {"deadline_f1": round(dl.f1(), 4), "deadline_tp": dl.tp, "deadline_pred": dl.pred,
           "deadline_gold": dl.gold, "header_period_acc": round(header.tp / header.gold, 4) if header.gold else 1.0,
           "flags_acc": round(flags_ok / flags_n, 4) if flags_n else 1.0,
           "status_acc": round(st_ok / st_n, 4) if st_n else 1.0, "status_n": st_n}
    res["misses"] = misses
    return res


def eval_targets(docs: list[GoldDoc]) -> dict:
    c = Counts()
    attrs_ok = attrs_n = 0
    misses = []
    for doc in docs:
        spans = goal_section_spans(doc.text) + goal_field_spans(doc.text)
        year = doc.doc_date.year if doc.doc_date else None
        preds = extract_targets(doc.text, spans, doc_year=year)
        ranges = doc.gold.get("evaluated_lines") or [[1, len(doc.lines)]]

        def in_range(pos: int, doc=doc, ranges=ranges) -> bool:
            ln = _line_index(doc, pos) + 1
            return any(a <= ln <= b for a, b in ranges)

        preds = [p for p in preds if in_range(p.span[0])]
        used = set()
        for g in doc.gold.get("targets", []):
            for j, p in enumerate(preds):
                if j in used:
                    continue
                if abs(float(p.value) - float(g["value"])) < 1e-6 and p.comparator == g["comparator"] \
                        and p.year == g.get("year"):
                    used.add(j)
                    c.tp += 1
                    attrs_n += 1
                    ok = (p.unit or "") == (g.get("unit") or "") and p.baseline_year == g.get("baseline_year") \
                        and p.stretch_value == g.get("stretch_value")
                    attrs_ok += ok
                    if not ok:
                        misses.append(f"{doc.name[:3]} target attrs {g['quote']}: got {p.unit} {p.baseline_year} "
                                      f"{p.stretch_value}")
                    break
            else:
                misses.append(f"{doc.name[:3]} missed target: {g['quote']} ({g['comparator']} {g['value']} "
                              f"{g.get('year')})")
        for j, p in enumerate(preds):
            if j not in used:
                misses.append(f"{doc.name[:3]} extra target: {p.text} ({p.comparator} {p.value} {p.year})")
        c.pred += len(preds)
        c.gold += len(doc.gold.get("targets", []))
    return {"target_f1": round(c.f1(), 4), "target_tp": c.tp, "target_pred": c.pred, "target_gold": c.gold,
            "target_attrs_acc": round(attrs_ok / attrs_n, 4) if attrs_n else 1.0, "misses": misses}


def eval_metadata(docs: list[GoldDoc]) -> dict:
    ok = n = 0
    misses = []
    for doc in docs:
        sd = SourceDocument(name=doc.gold["file"], sha256="", text=doc.text)
        meta, _body = extract_metadata(sd)
        for f, gv in (doc.gold.get("document") or {}).items():
            if gv is None:
                continue
            n += 1
            pv = getattr(meta, f)
            good = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(gv))) == \
                re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(pv or "")))
            ok += good
            if not good:
                misses.append(f"{doc.name[:3]} document {f}: gold {gv!r} got {pv!r}")
    return {"document_acc": round(ok / n, 4) if n else 1.0, "document_n": n, "misses": misses}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--classes", action="store_true", help="also F1 per failure class on the held-out plans")
    args = ap.parse_args(argv)
    docs = load(Path(args.shared))
    for name, res in (("deadlines", eval_deadlines(docs)), ("targets", eval_targets(docs)),
                      ("document", eval_metadata(docs))):
        misses = res.pop("misses")
        print(name, json.dumps(res, ensure_ascii=False))
        if args.verbose:
            for m in misses:
                print("   ", m)
    if args.classes:
        import subprocess

        cmd = str(Path(sys.executable).parent / "taizhang")
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "heldout.py"), "--shared", args.shared,
                        "--cmd", cmd, "--only", "heldout"], check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
