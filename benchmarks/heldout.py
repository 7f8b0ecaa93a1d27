"""Extraction quality on documents the rules were not written for: the held-out plans and the seed variants.

Runs the installed ``taizhang extract`` command as a black box and scores its ledgers with the shared scorer
(../shared/tools/score_extraction.py, ``--ledgers`` mode) on:

* the held-out set tests/data/heldout (every plan, the original four and the invented ones apart, and each
  failure class of issue 8 named in tests/data/heldout/classes.json);
* the dev seeds 000–002 typeset as A4 PDFs (fixed line breaks, running header, page numbers "— N —"), read
  back by the extractor; the gold's line ranges are moved onto the text it read (tests/variants.py);
* every dev seed converted to traditional characters (OpenCC s2t), and with full-/half-width mixtures, against
  the gold mapped the same way;
* the dev seeds themselves, for reference.

Documents in traditional characters are scored script-blind: the ledger, the gold and the document are folded
to simplified characters (OpenCC t2s) before scoring, so a ledger that reports the document's own characters
and one that reports its normal (simplified) form score alike; what is measured is what was found.

    .venv/bin/python benchmarks/heldout.py [--shared ../shared] [--cmd .venv/bin/taizhang] [--keep DIR] [-v]
        [--only heldout,pdf,traditional,width,seeds] [--json]

It prints one table per set of documents (F1 of tasks, lead / support / implementing units, deadlines and
targets; accuracy of flags, status, parent links, target attributes and document fields, with their counts);
``-v`` adds the scorer's per-document misses, ``--keep DIR`` keeps the generated variants and ledgers there,
``--json`` prints every row as one JSON object on the last line.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import variants as V  # noqa: E402  (tests/variants.py: the variant generator the tests use too)

HELDOUT = ROOT / "tests" / "data" / "heldout"
F1_FIELDS = ("tasks", "lead_units", "support_units", "implementing_units", "deadlines", "targets")
ACC_FIELDS = ("flags", "status", "parents", "target_attrs", "document")
SHORT = {"tasks": "tasks", "lead_units": "lead", "support_units": "support", "implementing_units": "impl",
         "deadlines": "deadl", "targets": "targets", "flags": "flags", "status": "status",
         "parents": "parents", "target_attrs": "t.attrs", "document": "doc"}
PDF_SEEDS = ("000", "001", "002")


def _default_cmd() -> str:
    exe = ROOT / ".venv" / "bin" / "taizhang"
    return str(exe) if exe.exists() else (shutil.which("taizhang") or "taizhang")


def extract(cmd: str, doc: Path, fmt: str = "json") -> str:
    out = subprocess.run([cmd, "extract", str(doc), "--format", fmt], capture_output=True, text=True,
                         timeout=600)
    if out.returncode != 0:
        raise RuntimeError(f"{doc.name}: taizhang extract exited {out.returncode}: {out.stderr.strip()[-300:]}")
    return out.stdout


class Case:
    """One document of a set: its text as scored, its gold and the extractor's ledger (JSON text)."""

    def __init__(self, name: str, text: str, gold: dict, ledger: str):
        self.name, self.text, self.gold, self.ledger = name, text, gold, ledger

    def folded(self) -> Case:
        """Script-blind: everything in simplified characters where the document has traditional ones."""
        if V.to_simplified(self.text) == self.text:
            return self
        fold = V.to_simplified
        gold = json.loads(fold(json.dumps(self.gold, ensure_ascii=False)))
        return Case(self.name, fold(self.text), gold, fold(self.ledger))


def score(cases: list[Case], scorer: Path, work: Path, verbose: bool) -> dict:
    """The shared scorer's overall figures on these cases (its --json line)."""
    if work.exists():
        shutil.rmtree(work)
    for sub in ("docs", "gold", "ledgers"):
        (work / sub).mkdir(parents=True)
    for c in (c.folded() for c in cases):
        (work / "docs" / c.gold["file"]).write_text(c.text, encoding="utf-8")
        (work / "gold" / f"{c.name}.json").write_text(json.dumps(c.gold, ensure_ascii=False), encoding="utf-8")
        (work / "ledgers" / f"{c.name}.json").write_text(c.ledger, encoding="utf-8")
    out = subprocess.run([sys.executable, str(scorer), "--gold", str(work / "gold"), "--docs",
                          str(work / "docs"), "--ledgers", str(work / "ledgers"), "--json", "-v"],
                         capture_output=True, text=True, timeout=600)
    lines = out.stdout.strip().splitlines()
    if verbose:
        print("\n".join(ln for ln in lines[:-1] if ln.split()[0] not in SHORT))
    if not lines:
        raise RuntimeError(f"the scorer printed nothing: {out.stderr[-500:]}")
    return json.loads(lines[-1])


# ------------------------------------------------------------------------------------------------ the sets
def heldout_cases(cmd: str) -> tuple[list[Case], dict[str, str]]:
    classes = json.loads((HELDOUT / "classes.json").read_text(encoding="utf-8"))
    cases = []
    for gp in sorted((HELDOUT / "gold").glob("*.json")):
        gold = json.loads(gp.read_text(encoding="utf-8"))
        doc = HELDOUT / "docs" / gold["file"]
        cases.append(Case(gp.stem, doc.read_text(encoding="utf-8"), gold, extract(cmd, doc)))
    return cases, {c.gold["file"]: classes[c.gold["file"]]["class"] for c in cases}


def seed_cases(cmd: str, shared: Path, work: Path, kind: str) -> list[Case]:
    """The dev seeds as they are (kind "seeds"), as a variant of tests/variants.py ("traditional", "width"),
    or typeset as PDFs ("pdf", seeds 000–002 only)."""
    cases = []
    for gp in sorted((shared / "gold").glob("*.json")):
        gold = json.loads(gp.read_text(encoding="utf-8"))
        seed = shared / "seeds" / gold["file"]
        if kind == "seeds":
            cases.append(Case(gp.stem, seed.read_text(encoding="utf-8"), gold, extract(cmd, seed)))
        elif kind == "pdf":
            if not gp.stem.startswith(PDF_SEEDS):
                continue
            src = seed.read_text(encoding="utf-8")
            (work / "pdf").mkdir(parents=True, exist_ok=True)
            pdf = V.typeset_pdf(src, work / "pdf" / f"{seed.stem}.pdf")
            text = extract(cmd, pdf, "text")
            gold = dict(gold, evaluated_lines=V.remap_evaluated_lines(gold, src, text))
            cases.append(Case(gp.stem, text, gold, extract(cmd, pdf)))
        else:
            doc, gold_path = V.write_variant(seed, gp, kind, work / kind / "docs", work / kind / "gold")
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
            cases.append(Case(gp.stem, doc.read_text(encoding="utf-8"), gold, extract(cmd, doc)))
    return cases


# ------------------------------------------------------------------------------------------------ report
def print_table(title: str, rows: list[tuple[str, int, dict]]) -> None:
    print(f"\n## {title}\n")
    head = ["set", "docs"] + [SHORT[f] for f in F1_FIELDS + ACC_FIELDS]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for name, n, s in rows:
        cells = [name, str(n)] + [f"{s[f]['f1']:.3f}" for f in F1_FIELDS]
        cells += [f"{s[f]['accuracy']:.3f} ({s[f]['n']})" if s[f]["n"] else "–" for f in ACC_FIELDS]
        if s.get("failed_documents"):
            cells[1] += f" ({s['failed_documents']} failed)"
        print("| " + " | ".join(cells) + " |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=os.environ.get("TAIZHANG_SHARED", str(ROOT.parent / "shared")))
    ap.add_argument("--cmd", default=_default_cmd(), help="the taizhang command (default: .venv/bin/taizhang)")
    ap.add_argument("--keep", help="keep the variants, ledgers and scorer inputs in this folder")
    ap.add_argument("--only", default="heldout,pdf,traditional,width,seeds")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    shared = Path(args.shared)
    scorer = shared / "tools" / "score_extraction.py"
    only = set(args.only.split(","))
    if not scorer.is_file():
        print(f"the shared scorer is not at {scorer}: give --shared", file=sys.stderr)
        return 2
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="taizhang-heldout-"))
    work.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        if "heldout" in only:
            cases, klass = heldout_cases(args.cmd)
            original = [c for c in cases if klass[c.gold["file"]] == "original"]
            new = [c for c in cases if klass[c.gold["file"]] != "original"]
            rows = [("all held-out plans", len(cases), score(cases, scorer, work / "score", args.verbose)),
                    ("original four", len(original), score(original, scorer, work / "score", False)),
                    ("invented for issue 8", len(new), score(new, scorer, work / "score", False))]
            for name in sorted({klass[c.gold["file"]] for c in new}):
                subset = [c for c in new if klass[c.gold["file"]] == name]
                rows.append((f"class {name}", len(subset), score(subset, scorer, work / "score", False)))
            print_table("Held-out plans (tests/data/heldout)", rows)
            results += rows
        variant_rows = []
        for kind, label in (("pdf", "seeds 000–002 as A4 PDF"), ("traditional", "seeds in traditional (s2t)"),
                            ("width", "seeds with width mixtures"), ("seeds", "dev seeds as they are")):
            if kind in only:
                cases = seed_cases(args.cmd, shared, work, kind)
                variant_rows.append((label, len(cases), score(cases, scorer, work / "score", args.verbose)))
        if variant_rows:
            print_table("Dev seeds as offices also produce them (../shared/gold)", variant_rows)
            results += variant_rows
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps({name: dict(s, docs=n) for name, n, s in results}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
