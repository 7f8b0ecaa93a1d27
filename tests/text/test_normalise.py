"""The normal form every extractor reads (taizhang.text) and its map back to the source text."""

from hypothesis import given, settings
from hypothesis import strategies as st

from taizhang.document import Paragraph, SourceDocument, Table
from taizhang.text import comparable, normalise, normalise_document
from taizhang.text.basics import cn_int


def test_traditional_characters_read_as_simplified_and_map_back():
    src = "縣環保局牽頭，發改委、住房和城鄉建設局配合，年底前完成。"
    n = normalise(src)
    assert n.text == "县环保局牵头，发改委、住房和城乡建设局配合，年底前完成。"
    assert n.map.identity  # one character for one character
    assert normalise("显著提升").text == "显著提升"  # a simplified text is left as it is


def test_widths_brackets_and_punctuation_fold():
    n = normalise("ＰＭ２．５浓度控制在３５微克／立方米以下(县环保局牵头,县发改委配合)责任单位:县水利局;")
    assert n.text == "PM2.5浓度控制在35微克/立方米以下（县环保局牵头，县发改委配合）责任单位：县水利局；"
    assert normalise("2019-05-10 08:30, 3.5").text == "2019-05-10 08:30, 3.5"  # no Chinese beside them


def test_letter_spaced_runs_are_closed_and_spans_point_at_the_source():
    src = "一、生 态 环 境 局 牵头\n县水利局 县农业农村局"
    n = normalise(src)
    assert n.text == "一、生态环境局 牵头\n县水利局 县农业农村局"  # two names apart by one space stay apart
    k = n.text.index("生态环境局")
    s, e = n.map.span_to_source(k, k + len("生态环境局"))
    assert src[s:e] == "生 态 环 境 局"
    k = n.text.index("县农业农村局")
    s, e = n.map.span_to_source(k, k + 6)
    assert src[s:e] == "县农业农村局"


def test_a_sentence_broken_across_lines_is_joined():
    src = ("到2025年，全县受污染耕地安全利用率达到93%左右，污染地块安全利用率\n达到95%以上。\n"
           "二、重点任务\n（一）严格准入\n责任单位：县生态环境局、县发展改革局\n完成时限：2024年底前\n")
    n = normalise(src)
    assert "污染地块安全利用率达到95%以上。\n二、重点任务\n（一）严格准入\n责任单位：" in n.text
    assert "县发展改革局\n完成时限" in n.text  # a field starts its own line
    k = n.text.rindex("利用率达到")
    s, e = n.map.span_to_source(k, k + 5)
    assert src[s:e] == "利用率\n达到"


def test_indented_or_numbered_next_lines_are_not_joined():
    src = "各乡镇要加强巡查，发现问题及时处置，确保不出现反弹\n　　（二）加强监管\n3.严格执法，依法查处违法行为，形成震慑\n4.强化宣传"
    assert normalise(src).text == src.replace("(", "（")


def test_document_blocks_follow_the_join():
    text = "为加强治理，特制定本方案，各单位须认真落实到位并按月报送\n进展情况。\n\t责任单位\n\t完成时限\n\n\t县环保局\n\t2019年底"
    blocks = [Paragraph(0, 28), Paragraph(29, 34)]
    t0 = text.index("\t")
    tbl = Table(t0, len(text), [])
    doc = SourceDocument(name="a.txt", sha256="", text=text, blocks=[*blocks, tbl])
    ndoc, m = normalise_document(doc)
    paras = [b for b in ndoc.blocks if isinstance(b, Paragraph)]
    assert len(paras) == 1 and ndoc.text[paras[0].start:paras[0].end] == \
        "为加强治理，特制定本方案，各单位须认真落实到位并按月报送进展情况。"
    t = [b for b in ndoc.blocks if isinstance(b, Table)][0]
    assert ndoc.text[t.start:t.start + 5] == "\t责任单位"
    assert m.span_to_source(t.start, t.end) == (tbl.start, tbl.end)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("生态环境局牽頭 \u3000\n，,。:(（)）１2ＡaＰ．.%％／\t—3")), max_size=80))
def test_every_span_maps_back_onto_the_characters_it_was_made_of(src):
    n = normalise(src)
    m = n.map
    for i in range(len(n.text) + 1):
        for j in range(i, min(len(n.text), i + 6) + 1):
            s, e = m.span_to_source(i, j)
            assert 0 <= s <= e <= len(src)
            assert comparable(src[s:e]) == comparable(n.text[i:j])
        assert m.from_source(m.to_source(i)) == i if i < len(n.text) else True


def test_numerals():
    assert [cn_int(x) for x in ["12", "１２", "十", "十二", "二十五", "三十一", "一百零五", "二〇一九", "二○一九", "①", "两"]] \
        == [12, 12, 10, 12, 25, 31, 105, 2019, 2019, 1, 2]
    assert cn_int("第三") is None and cn_int("") is None


def test_a_line_stopping_at_a_comma_runs_on():
    src = "（三）治理养殖尾水。推进池塘改造。（市海洋与渔业局牵头，\n市生态环境局配合，沿海各县人民政府负责落实）\n（四）下一项。\n"
    assert normalise(src).text.startswith("（三）治理养殖尾水。推进池塘改造。（市海洋与渔业局牵头，市生态环境局配合")


def test_a_list_run_together_is_broken_at_its_labels_and_headings():
    src = ("丙州整改措施清单一、认识不深(一)部分干部认识不足。整改目标:树立绿色发展理念。责任单位:州委办公室,各县市党委"
           "和政府责任人:州委办公室主要负责人整改时限:立行立改,长期坚持整改措施:加强学习。\n")
    n = normalise(src)
    assert n.text.split("\n")[:8] == [
        "丙州整改措施清单", "一、认识不深", "（一）部分干部认识不足。", "整改目标：树立绿色发展理念。",
        "责任单位：州委办公室，各县市党委和政府", "责任人：州委办公室主要负责人", "整改时限：立行立改，长期坚持",
        "整改措施：加强学习。"]
    k = n.text.index("责任人")
    s, e = n.map.span_to_source(k, k + 3)
    assert src[s:e] == "责任人"
    # a progress label alone after the problem's sentence; labels of a plan item's note are left in place
    assert normalise("一、关于“督察指出，部分地方重发展轻保护，认识不到位。”整改进展情况：已经完成。").text.count("\n") == 1
    item = "1.排查入河排污口，建立清单。责任单位：县水利局，完成时间：2021年5月10日前。"
    assert normalise(item).text == item


def test_a_unit_list_broken_between_two_names_keeps_them_apart():
    src = ("1.整治排污口。完成溯源排查工作。\n配合单位：区水务局、区住房和城乡建设局\n区自然资源和规划局、区农业农村局\n"
           "2.推进截污。配合单位：区城管局、区住房和城乡\n建设局、区交通局\n")
    n = normalise(src)
    assert "区住房和城乡建设局、区自然资源和规划局" in n.text  # two names: the break separates them
    assert "区住房和城乡建设局、区交通局" in n.text  # a name cut by the break is joined whole
    k = n.text.index("建设局、区自然")
    s, e = n.map.span_to_source(k, k + 5)
    assert src[s:e] == "建设局\n区"  # the separator stands for the line break


def test_labels_in_lenticular_brackets_or_set_apart_by_blanks():
    src = ("4.控制面源。【牵头单位】县农业农村局【配合单位】县供销社\n"
           "3.整治企业。牵头单位：县工信局    配合单位：县市场监管局    完成时限：2021年9月底前\n")
    n = normalise(src)
    assert "控制面源。牵头单位：县农业农村局；配合单位：县供销社\n" in n.text
    assert "牵头单位：县工信局    \n配合单位：县市场监管局    \n完成时限：2021年9月底前" in n.text
    k = n.text.index("；配合")
    s, e = n.map.span_to_source(k, k + 3)
    assert src[s:e] == "【配合"


def test_lines_broken_at_a_fixed_width_run_on_wherever_the_break_falls():
    cases = [
        ("1.整治砂场。关停无证砂场，规范堆放场地，县自然资源局牵头，县水利局配合\n，各乡镇人民政府负责落实。",
         "县水利局配合，各乡镇人民政府负责落实。"),  # a comma cannot open a line
        ("2.加强巡查。2021年6月30日前完成排查，2022年至20\n23年持续巡查。", "2022年至2023年持续巡查"),  # a number
        ("3.控制排放。二氧化硫、氮氧化物排放总量比2020年分别下降15\n%、10%。", "分别下降15%、10%"),
        ("4.清理河道。清理垃圾，建立河道保洁长效机制。（\n县水利局牵头）", "机制。（县水利局牵头）"),  # a bracket opened
        ("5.治理污水。完成管网改造，建成污水处理站三座。责\n任单位：县住建局。", "三座。责任单位：县住建局"),  # a cut label
        ("6.推进改厕。完成农村户厕改造两千户，建立管护机制。责任单位：\n县农业农村局。", "责任单位：县农业农村局"),
        ("7.控制扬尘。城区PM2.5年均浓度控制在35μg/m³以下，达标率100\n%，全面落实工地管理要求。", "达标率100%，"),
    ]
    for src, joined in cases:
        n = normalise(src)
        assert joined in n.text, (src, n.text)
        assert "\n" not in n.text
    keep = "各乡镇人民政府：\n为进一步加强农村环境整治，现将有关事项通知如下。"
    assert normalise(keep).text == keep  # a salutation ends its line


def test_an_item_starting_inside_a_broken_line_gets_a_line_of_its_own():
    src = ("1.推进管网建设。完成管网改造20公里。责任单位：县住建局，完成\n时间：2021年5月10日前。2.加强水源保护。开展水源地清理。\n")
    n = normalise(src)
    assert "2021年5月10日前。\n2.加强水源保护" in n.text
