"""Property tests: extraction never raises on arbitrary text, and every span points at its own text (the ledger
quotes the document as written, whatever the normal form it was read in)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taizhang.document import Paragraph, SourceDocument
from taizhang.errors import TaizhangError
from taizhang.pipeline import extract_document
from taizhang.read import read_bytes

PIECES = ["一、", "二、", "（一）", "（二）", "(3)", "1．", "2.", "１０．", "（1）", "①", "一是", "二是", "三是",
          "第一章", "附件", "附表1", "牵头", "负责", "参与", "配合", "负责落实", "按职责负责", "会同", "（", "）",
          "(", ")", "、", "，", "。", "；", "：", "\t", "\n", "\n\n", " ", "生态环境局", "各镇（街道）", "发改委",
          "2020年底前", "6月底前", "立行立改", "长期坚持", "责任单位：", "整改时限：", "整改目标：", "整改措施：",
          "整改进展：", "已完成整改", "按序时要求推进", "以下均需各镇落实，不再列出", "序号", "责任部门", "2019年",
          "一季度", "工程名称", "PM2.5浓度控制在35微克/立方米以下", "目标", "到2020年", "比2015年下降20%"]


def _doc(text: str) -> SourceDocument:
    try:  # the .txt reader (flattened tables included) where it accepts the text
        return read_bytes(text.encode("utf-8"), "p.txt")
    except TaizhangError:
        pass
    blocks, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            blocks.append(Paragraph(pos, pos + len(line)))
        pos += len(line) + 1
    return SourceDocument(name="p.txt", sha256="0", text=text, blocks=blocks)


texts = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=80).map("".join),
    st.text(max_size=300),
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=5)), max_size=60).map("".join),
)


def _check(raw: str) -> None:
    doc = _doc(raw)
    text = doc.text  # the reader's text (newlines normalised): the one spans point into
    led = extract_document(doc).to_dict()
    for t in led["tasks"]:
        s, e = t["span"]
        assert 0 <= s <= e <= len(text)
        assert text[s:e] == t["text"]
        for f in ("lead_units", "support_units", "implementing_units"):
            for u in t[f]:
                us, ue = u["span"]
                assert text[us:ue] == u["raw"]
        for d in t["deadlines"]:
            ds, de = d["span"]
            assert text[ds:de] == d["text"]
        if t["parent_id"]:
            assert any(p["id"] == t["parent_id"] for p in led["tasks"])
    for g in led["targets"]:
        s, e = g["span"]
        assert text[s:e] == g["text"]
    for w in led["warnings"]:
        s, e = w["span"]
        assert 0 <= s <= e <= len(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_extraction_never_raises_and_spans_match(text):
    _check(text)


def test_flattened_table_mix():
    _check("方案\n一、任务\n\t序号\n\t责任部门\n\t2019年\n\n\t1\n\t\n\t\n\n附表\n（一）整治。（牵头）\n")
