"""The variant generator itself (tests/variants.py): the PDFs, traditional and width variants it writes are what
they claim to be, and the gold it maps still fits them. The extraction floors on the variants live beside the
extractor's tests; benchmarks/heldout.py reports their scores."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pdfplumber

import variants as V

HELDOUT = Path(__file__).resolve().parents[1] / "data" / "heldout"


def _squeeze(s: str) -> str:
    return re.sub(r"\s+", "", s)


def test_pdf_has_pages_page_numbers_header_and_every_character(tmp_path):
    src = (HELDOUT / "docs" / "H14_county_targets_shaanxi.txt").read_text(encoding="utf-8")
    pdf = V.typeset_pdf(src, tmp_path / "plan.pdf", header="凤鸣县污染防治攻坚战实施方案")
    pages = V.pdf_page_texts(pdf)
    assert len(pages) >= 3
    body = []
    for number, text in enumerate(pages, start=1):
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        assert len(lines) > (10 if number < len(pages) else 2), f"page {number} has almost no text"
        assert V.PAGE_NUMBER.format(number) in lines
        assert ("凤鸣县污染防治攻坚战实施方案" in lines) == (number > 1)
        body += [ln for ln in lines if ln not in (V.PAGE_NUMBER.format(number), "凤鸣县污染防治攻坚战实施方案")]
    assert _squeeze("".join(body)) == _squeeze(src)  # nothing lost, nothing added, in reading order
    # fixed line breaks: a paragraph runs over several printed lines, none of which starts with a comma
    assert max(len(ln) for ln in pages[0].splitlines()) < 50
    assert not any(ln.startswith(("，", "。", "、")) for p in pages for ln in p.splitlines())


def test_flattened_tables_are_drawn_as_ruled_tables(tmp_path):
    for name, cells in (("d_fenglin_tables.txt", ["完成江岳钢铁公司烧结机超低排放改造", "区工信局、区应急管理局"]),
                        ("H10_table_pipes_neimenggu.txt", ["燃煤锅炉综合整治", "旗生态环境分局、旗市场监督管理局"]),
                        ("H11_table_tabs_shanxi.txt", ["更新饮用水水源保护区界标和警示标志", "2021年5月31日前"])):
        src = (HELDOUT / "docs" / name).read_text(encoding="utf-8")
        assert any(b.kind == "table" and len(b.rows) >= 5 for b in V.split_blocks(src)), name
        pdf = V.typeset_pdf(src, tmp_path / f"{name}.pdf")
        with pdfplumber.open(pdf) as doc:
            rules = sum(len(p.lines) + len(p.rects) for p in doc.pages)
            tables = [t for p in doc.pages for t in p.extract_tables()]
        assert rules > 20, name
        flat = [_squeeze(c or "") for t in tables for row in t for c in row]
        for cell in cells:
            assert _squeeze(cell) in flat, (name, cell)


def test_traditional_variant_differs_converts_back_and_keeps_its_gold(tmp_path):
    doc = HELDOUT / "docs" / "H01_order_first_shaanxi.txt"
    src = doc.read_text(encoding="utf-8")
    for kind in ("traditional", "traditional_hk"):
        out_doc, out_gold = V.write_variant(doc, HELDOUT / "gold" / "H01_order_first_shaanxi.json", kind,
                                            tmp_path / kind / "docs", tmp_path / kind / "gold")
        text = out_doc.read_text(encoding="utf-8")
        assert sum(a != b for a, b in zip(src, text, strict=True)) > 300
        assert "牽頭單位" in text and "按職責分工負責" in text
        assert V.to_simplified(text) == src
        gold = json.loads(out_gold.read_text(encoding="utf-8"))
        for t in gold["tasks"]:
            assert t["quote"] in text and V.to_simplified(t["quote"]) in src
            for u in t["lead_units"] + t["support_units"] + t["implementing_units"]:
                assert _squeeze(u) in _squeeze(text), u
        assert all(g["quote"] in text for g in gold["targets"])
        assert gold["tasks"][0]["lead_units"] == ["市發展改革委"]


def test_width_mixture_keeps_positions_and_meaning(tmp_path):
    doc = HELDOUT / "docs" / "b_shiqiao_action.txt"
    src = doc.read_text(encoding="utf-8")
    out_doc, out_gold = V.write_variant(doc, HELDOUT / "gold" / "b_shiqiao_action.json", "width",
                                        tmp_path / "docs", tmp_path / "gold")
    text = out_doc.read_text(encoding="utf-8")
    assert len(text) == len(src) and text != src
    assert re.search("[０-９]", text) and re.search(r"[,;:(]", text)
    assert unicodedata.normalize("NFKC", text) == unicodedata.normalize("NFKC", src)
    assert V.width_mixture(src) == text  # the same seed gives the same variant
    gold = json.loads(out_gold.read_text(encoding="utf-8"))
    assert all(t["quote"] in text for t in gold["tasks"]) and all(g["quote"] in text for g in gold["targets"])


def test_evaluated_lines_follow_the_text_read_from_the_pdf(tmp_path):
    src = (HELDOUT / "docs" / "b_shiqiao_action.txt").read_text(encoding="utf-8")
    pdf = V.typeset_pdf(src, tmp_path / "plan.pdf")
    text = "\n".join(V.pdf_page_texts(pdf)).replace("\r\n", "\n")
    new_lines = text.split("\n")
    src_lines = src.split("\n")
    (a, b), = V.remap_evaluated_lines({"evaluated_lines": [[10, 20]]}, src, text)
    assert _squeeze(src_lines[9])[:12] in _squeeze("".join(new_lines[a - 1:a + 1]))
    assert _squeeze(src_lines[19])[-12:] in _squeeze("".join(new_lines[b - 2:b]))
    assert V.remap_evaluated_lines({"evaluated_lines": [[1, len(src_lines)]]}, src, text) == [[1, len(new_lines)]]
