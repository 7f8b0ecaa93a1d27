"""The .txt reader: encoding detection, newline normalisation, flattened tables, bad input."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from builders import PLAN_LINES, binary_file, bom_crlf_txt, empty_file, flat_table_txt, gbk_txt, write_text
from taizhang.document import Paragraph, Table
from taizhang.errors import ReadError
from taizhang.read import read_bytes, read_document


def check_offsets(doc):
    """Every block's slice equals its content, blocks are ordered and inside the text."""
    last = 0
    for b in doc.blocks:
        assert last <= b.start <= b.end <= len(doc.text)
        last = b.end
        if isinstance(b, Paragraph):
            seg = doc.text[b.start:b.end]
            assert "\n" not in seg and seg == seg.strip() and seg
        else:
            for row in b.rows:
                for c in row:
                    seg = doc.text[c.start:c.end]
                    assert b.start <= c.start <= c.end <= b.end
                    assert seg == seg.strip()
                    assert not seg.startswith("\t")


def test_gbk_detected(tmp_path):
    doc = read_document(gbk_txt(tmp_path))
    assert doc.encoding == "gb18030"
    assert doc.format == "txt"
    assert doc.text == "\n".join(PLAN_LINES) + "\n"
    assert [doc.text[p.start:p.end] for p in doc.paragraphs()] == PLAN_LINES
    check_offsets(doc)


def test_utf8_bom_crlf(tmp_path):
    path = bom_crlf_txt(tmp_path)
    doc = read_document(path)
    assert doc.encoding == "utf-8-sig"
    assert "\r" not in doc.text and not doc.text.startswith("\ufeff")
    assert doc.text == "\n".join(PLAN_LINES) + "\n"
    assert len(doc.sha256) == 64 and doc.size == path.stat().st_size
    check_offsets(doc)


def test_utf16_and_cr_only(tmp_path):
    doc = read_document(write_text(tmp_path / "u16.txt", "第一行\n第二行\n", encoding="utf-16"))
    assert doc.encoding == "utf-16" and doc.text == "第一行\n第二行\n"
    doc = read_document(write_text(tmp_path / "cr.txt", "第一行\n第二行\n", newline="\r"))
    assert doc.text == "第一行\n第二行\n"


def test_nfc_and_leading_spaces_kept(tmp_path):
    doc = read_document(write_text(tmp_path / "n.txt", "    缩进的段落\n Cafe\u0301\n"))
    assert doc.text == unicodedata.normalize("NFC", "    缩进的段落\n Cafe\u0301\n")
    assert doc.text[doc.blocks[0].start:doc.blocks[0].end] == "缩进的段落"


def test_flattened_table(tmp_path):
    doc = read_document(flat_table_txt(tmp_path))
    check_offsets(doc)
    (table,) = doc.tables()
    grid = [[doc.text[c.start:c.end] for c in row] for row in table.rows]
    assert grid[0] == ["序号", "任务", "牵头单位", "配合单位", "完成时限"]
    # a cell continued on a following line after a blank line stays one cell
    assert grid[1] == ["1", "淘汰燃煤小锅炉", "县生态环境局", "县市场监管局\n\n县发展改革局", "2026年6月底前"]
    assert grid[2] == ["2", "整治露天焚烧", "县农业农村局", "", "长期坚持"]
    # what follows two blank lines is a paragraph again
    assert doc.text[doc.blocks[-1].start:doc.blocks[-1].end] == "抄送：县委办公室。"
    assert isinstance(doc.blocks[-1], Paragraph)


def test_page_number_lines_get_no_block(tmp_path):
    doc = read_document(write_text(tmp_path / "pages.txt", "第一段。\n— 38 —\n- 3 -\n第 4 页\n第二段。\n"))
    assert "— 38 —" in doc.text
    assert [doc.text[p.start:p.end] for p in doc.paragraphs()] == ["第一段。", "第二段。"]


def test_tab_indented_prose_is_not_a_table(tmp_path):
    doc = read_document(write_text(tmp_path / "tabs.txt", "\t第一段。\n\n\t第二段。\n\n\t第三段。\n"))
    assert not doc.tables()
    assert [doc.text[p.start:p.end] for p in doc.paragraphs()] == ["第一段。", "第二段。", "第三段。"]


@pytest.mark.parametrize(
    "make, message",
    [
        (empty_file, "文件为空"),
        (binary_file, "不是文本文件"),
        (lambda d: write_text(d / "ws.txt", "  \n\n "), "文件为空"),
    ],
)
def test_bad_text_input(tmp_path, make, message):
    path = make(tmp_path)
    with pytest.raises(ReadError) as exc:
        read_document(path)
    assert message in str(exc.value)
    assert path.name in str(exc.value)


def test_missing_and_unknown(tmp_path):
    with pytest.raises(ReadError, match="文件不存在"):
        read_document(tmp_path / "nope.txt")
    odd = tmp_path / "plan.xyz"
    odd.write_text("内容", encoding="utf-8")
    with pytest.raises(ReadError, match=r"不支持的文件类型 \.xyz") as exc:
        read_document(odd)
    assert "plan.xyz" in str(exc.value)


def test_seeds_text_equals_utf8_read(seed_paths):
    assert seed_paths
    for seed in seed_paths:
        doc = read_document(seed)
        assert doc.text == unicodedata.normalize("NFC", open(seed, encoding="utf-8").read())
        check_offsets(doc)


def test_seed_003_tables(seed_paths):
    seed = next(p for p in seed_paths if p.name.startswith("003_"))
    doc = read_document(seed)
    tables = doc.tables()
    assert len(tables) >= 10
    for t in tables:
        assert isinstance(t, Table)
        assert sum(1 for r in t.rows if len(r) >= 2) >= 2
    first = tables[0]
    header = [doc.text[c.start:c.end] for c in first.rows[0]]
    assert header[0] == "序号" and any("责任" in h for h in header)
    # no tab-prefixed line of the text lies outside a table
    import re

    in_tables = [(t.start, t.end) for t in tables]
    for m in re.finditer(r"(?m)^\t", doc.text):
        assert any(s <= m.start() < e for s, e in in_tables), doc.text[m.start():m.start() + 30]


_LINES = st.lists(
    st.one_of(st.just(""), st.just("\t"), st.text(alphabet="\t 　一二、（）甲乙。责任单位：牵头\r\n", max_size=12)),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(_LINES)
@example(["、\t\t、", "、\t\t、", "\u3000、"])  # a table whose last line is a wrapped cell: read once, not twice
def test_any_text_gives_valid_blocks(lines):
    data = "\n".join(lines).encode("utf-8")
    try:
        doc = read_bytes(data, "random.txt")
    except ReadError as exc:
        assert "random.txt" in str(exc)
        return
    assert doc.text == unicodedata.normalize("NFC", data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n"))
    check_offsets(doc)


def test_a_cell_wrapped_onto_the_next_line_keeps_its_second_line():
    from taizhang.read import read_bytes

    text = ("序号  工作任务                            责任单位          配合单位                完成时限\n"
            "1     建设城区污水管网二期工程，新增管网    县住建局          县发改局、              2023年6月底前\n"
            "      12公里                                                  县财政局\n"
            "2     推进乡镇污水处理站提标改造            县生态环境局      各乡镇人民政府          2023年9月底前\n")
    doc = read_bytes(text.encode(), "t.txt")
    (t,) = doc.tables()
    cells = {(c.row, c.col): (doc.text[c.start:c.end], [doc.text[a:b] for a, b in c.more]) for r in t.rows for c in r}
    assert cells[(1, 1)] == ("建设城区污水管网二期工程，新增管网", ["12公里"])
    assert cells[(1, 3)] == ("县发改局、", ["县财政局"])
    assert cells[(2, 3)] == ("各乡镇人民政府", [])


def test_a_pipe_row_broken_inside_a_cell_runs_on_to_the_closing_pipe():
    text = ("工作任务 | 具体措施 | 责任单位 或牵头单位 | 协助 单位 | 完成 期限 |\n"
            "大气治理 | 淘汰燃煤小锅炉。 | 区环保局 | 区质监局\n"
            "区工信局 | 2015年6月底前 |\n"
            "整治工地扬尘。 | 区住建局 | 有关部门 | 2015年9月底前 |\n"
            "| 清理河道。 | 区水务局 | 各街道 | 2015年12月底前 |\n")
    doc = read_bytes(text.encode(), "t.txt")
    check_offsets(doc)
    (t,) = doc.tables()
    rows = [[(doc.text[c.start:c.end], [doc.text[a:b] for a, b in c.more]) for c in r] for r in t.rows]
    assert rows[1] == [("大气治理", []), ("淘汰燃煤小锅炉。", []), ("区环保局", []), ("区质监局", ["区工信局"]),
                       ("2015年6月底前", [])]
    assert [c for c, _ in rows[2]] == ["整治工地扬尘。", "区住建局", "有关部门", "2015年9月底前"]  # a merged cell left out
    assert [c for c, _ in rows[3]] == ["清理河道。", "区水务局", "各街道", "2015年12月底前"]
