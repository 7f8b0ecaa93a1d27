"""Outline: numbering styles, levels by order of appearance, heading-only lines, annexes, inline parts."""

from taizhang.document import Paragraph, SourceDocument
from taizhang.segment.outline import build_outline, cn_number, inline_parts


def _doc(lines: list[str]) -> SourceDocument:
    text = "\n".join(lines)
    blocks, pos = [], 0
    for ln in lines:
        if ln.strip():
            blocks.append(Paragraph(pos, pos + len(ln)))
        pos += len(ln) + 1
    return SourceDocument(name="t.txt", sha256="0", text=text, blocks=blocks)


PLAN = [
    "某县清洁水体行动方案",
    "一、总体要求",
    "（一）指导思想。以改善水质为核心，统筹推进。",
    "二、重点任务",
    "（二）整治入河排口",
    "1．摸清排口底数。开展全面排查。",
    "（1）建立排口台账。",
    "（2）实施分类整治。",
    "2. 推进截污纳管。一、二级管网同步建设。",
    "３．开展水质监测。",
    "附件：重点工程清单",
]


def test_levels_follow_first_appearance_and_titles():
    ol = build_outline(_doc(PLAN))
    labels = [(n.label, n.level) for n in ol.nodes]
    assert labels[:8] == [("一、", 1), ("（一）", 2), ("二、", 1), ("（二）", 2), ("1．", 3), ("（1）", 4),
                          ("（2）", 4), ("2.", 3)]
    first = ol.nodes[1]
    assert first.title == "指导思想" and not first.heading_only
    assert ol.nodes[3].heading_only  # （二）整治入河排口
    # full-width digit continues the count; 一、二级 inside a sentence is no heading
    assert [n.label for n in ol.nodes if n.style == "num"] == ["1．", "2.", "３．"]
    assert ol.nodes[4].path == "二.（二）.1"  # list punctuation dropped, brackets kept
    assert ol.nodes[5].path == "二.（二）.1.（1）"


def test_annex_closes_the_tree_and_is_kept():
    ol = build_outline(_doc(PLAN))
    annex = ol.roots[-1]
    assert annex.style == "annex" and annex.level == 1
    assert all(n.end <= annex.start for n in ol.nodes if n is not annex)


def test_deeper_style_must_start_at_one():
    ol = build_outline(_doc(["一、任务", "3．这里是正文中的编号", "（一）真正的下级"]))
    assert [n.label for n in ol.nodes] == ["一、", "（一）"]


def test_chinese_numbers_and_inline_parts():
    assert [cn_number(s) for s in ("一", "十", "十二", "二十", "三十五", "７", "③")] == [1, 10, 12, 20, 35, 7, 3]
    text = "加强管护。一是建立巡河制度；二是落实保洁经费；三是开展考核。"
    parts = inline_parts(text, 0, len(text))
    assert [text[s:e] for _, s, e in parts] == ["建立巡河制度；", "落实保洁经费；", "开展考核。"]
    assert inline_parts("只是一个说法，二是", 0, 9) == []


def test_a_text_cut_inside_a_list_climbs_out_to_a_higher_style():
    ol = build_outline(_doc(["3.公开信息。按季度公开。", "（五）严肃问责。", "十二、某镇加工点扬尘突出。", "责任单位：某镇人民政府",
                             "（一）停止生产。", "十三、某园区管网渗漏。"]))
    assert [(n.label, n.level) for n in ol.nodes] == [
        ("3.", 1), ("（五）", 1), ("十二、", 1), ("（一）", 2), ("十三、", 1)]


def test_a_lower_style_out_of_count_stays_text():
    ol = build_outline(_doc(["一、任务", "1.治理。", "（3）不是编号的一行。"]))
    assert [n.label for n in ol.nodes] == ["一、", "1."]
