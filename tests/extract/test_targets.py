"""Targets: invented goal sentences for each grammar rule, goal headings, and the dev gold (needs ../shared)."""

from __future__ import annotations

import pytest

from taizhang.extract.targets import extract_targets, goal_field_spans, goal_section_spans, is_goal_heading


def targets(text, doc_year=2019):
    return extract_targets(text, [(0, len(text))], doc_year=doc_year)


def brief(ts):
    return [(t.indicator, t.comparator, t.value, t.unit, t.year, t.baseline_year, t.stretch_value) for t in ts]


def test_shared_year_and_stretch():
    text = ("到2025年，全县细颗粒物（PM2.5）浓度控制在30微克/立方米以下，力争达到28微克/立方米；"
            "空气质量优良天数比率达到85%以上，力争达到88%。")
    assert brief(targets(text)) == [
        ("细颗粒物（PM2.5）浓度", "<=", 30, "微克/立方米", 2025, None, 28),
        ("空气质量优良天数比率", ">=", 85, "%", 2025, None, 88),
    ]


def test_year_carries_over_sentences_and_a_new_year_replaces_it():
    text = "到2022年，化学需氧量排放量比2020年下降8%。其中，2021年氨氮排放量比2020年下降4.5%。"
    assert brief(targets(text)) == [
        ("化学需氧量排放量", "reduce_by", 8, "%", 2022, 2020, None),
        ("氨氮排放量", "reduce_by", 4.5, "%", 2021, 2020, None),
    ]


def test_shared_value_over_a_list_of_indicators():
    text = "到2025年，二氧化硫、氮氧化物排放总量均比2020年削减10%以上。"
    ts = targets(text)
    assert brief(ts) == [
        ("二氧化硫排放总量", "reduce_by", 10, "%", 2025, 2020, None),
        ("氮氧化物排放总量", "reduce_by", 10, "%", 2025, 2020, None),
    ]
    assert [text[t.span[0]:t.span[1]] for t in ts] == [
        "二氧化硫、氮氧化物排放总量均比2020年削减10%以上", "氮氧化物排放总量均比2020年削减10%以上"]


def test_respectively_pairs_values():
    text = "到2023年，城市污水处理率、生活垃圾无害化处理率分别达到95%、100%。"
    assert [(t.indicator, t.value) for t in targets(text)] == [("城市污水处理率", 95), ("生活垃圾无害化处理率", 100)]


def test_comparators_units_and_percentage_points():
    text = ("到2020年，森林覆盖率比2015年提高2个百分点，降尘量不高于3吨/月·平方公里，"
            "煤炭消费总量比2015年减少30万吨，自然岸线保有率保持40%以上，开发利用率保持25%以下。")
    assert [(t.comparator, t.value, t.unit) for t in targets(text)] == [
        ("increase_by", 2, "个百分点"), ("<=", 3, "吨/月·平方公里"), ("reduce_by", 30, "万吨"),
        (">=", 40, "%"), ("<=", 25, "%")]


def test_no_verb_with_above_word_and_nearest_verb():
    text = "到2020年，园区内企业数量占全县企业总数的85%以上，地表水断面水质优良（达到或优于Ⅲ类）比例达到90.5%。"
    assert [(t.comparator, t.value) for t in targets(text)] == [(">=", 85), (">=", 90.5)]


def test_reduce_without_baseline_takes_the_five_year_plan_base():
    [t] = targets("到2025年，挥发性有机物排放总量削减12%以上。")
    assert t.comparator == "reduce_by" and t.baseline_year == 2020


def test_not_goals():
    text = ("2018年全县PM2.5浓度已下降到41微克/立方米；优良天数比例同比上升3.2个百分点；"
            "力争6个月内取得成效；开展3个“90天”攻坚行动；建成12个示范村。")
    assert targets(text) == []


def test_goal_year_from_an_annual_heading():
    text = "一、总体要求和年度工作目标\n（二）规模养殖场粪污治理率达到90%。\n二、主要任务\n"
    spans = goal_section_spans(text)
    ts = extract_targets(text, spans, doc_year=2018)
    assert [(t.value, t.year) for t in ts] == [(90, 2018)]


def test_ids_spans_and_only_inside_spans():
    text = "前言。PM2.5浓度控制在40微克/立方米以下。\n整改目标：优良天数比例达到80%。\n整改措施：加强管控，确保降尘量不高于4吨/月·平方公里。"
    spans = goal_field_spans(text)
    [t] = extract_targets(text, spans, doc_year=2019)
    assert t.id == "G1" and t.value == 80 and text[t.span[0]:t.span[1]] == t.text == "优良天数比例达到80%"


@pytest.mark.parametrize(
    "heading, expected",
    [("三、工作目标", True), ("（二）目标指标。经过三年努力，空气质量明显改善。", True), ("二、主要目标", True),
     ("一、总体要求和目标", True), ("整改目标", True), ("四、保障措施", False), ("（一）分解细化目标任务。", False),
     ("二、重点任务", False), ("", False)],
)
def test_is_goal_heading(heading, expected):
    assert is_goal_heading(heading) is expected


def test_goal_sections_stop_at_the_next_heading():
    text = "一、工作目标\n到2020年，优良天数比率达到80%。\n二、重点任务\n（一）到2020年，煤炭消费总量下降5%。\n"
    [(a, b)] = goal_section_spans(text)
    assert text[a:b].startswith("一、工作目标") and "重点任务" not in text[a:b]


@pytest.mark.shared
def test_dev_gold_targets(shared_dir):
    from test_deadlines import gold_module

    gf = gold_module()
    res = gf.eval_targets(gf.load(shared_dir))
    assert res["target_f1"] >= 0.95, res["misses"]
    assert res["target_attrs_acc"] >= 0.9, res["misses"]


def test_a_sentence_reporting_the_past_holds_no_goal():
    text = ("2022年截至目前，优良天数明显增加，PM2.5日均浓度均未超过40微克/立方米。"
            "到2023年，PM2.5年均浓度控制在35微克/立方米以下。")
    assert brief(targets(text)) == [("PM2.5年均浓度", "<=", 35, "微克/立方米", 2023, None, None)]


def test_respectively_over_a_list_joined_by_he_with_a_closing_deng():
    text = "到2020年，全区二氧化硫（SO2）、氮氧化物和挥发性有机物（VOCs）等主要污染物排放总量比2015年分别下降14%、11%和23%。"
    assert brief(targets(text)) == [
        ("二氧化硫（SO2）排放总量", "reduce_by", 14, "%", 2020, 2015, None),
        ("氮氧化物排放总量", "reduce_by", 11, "%", 2020, 2015, None),
        ("挥发性有机物（VOCs）排放总量", "reduce_by", 23, "%", 2020, 2015, None),
    ]


def test_caps_written_in_words_and_goals_per_area():
    text = ("到2021年，细颗粒物（PM2.5）年均浓度控制在27微克每立方米以下，考核断面水质优良比例达到60%以上。"
            "2021年，PM2.5平均浓度较2020年持平，达到38微克/立方米；东坡乡、西岭镇的PM2.5平均浓度下降至目标值65微克/立方米及以下。")
    assert brief(targets(text)) == [
        ("细颗粒物（PM2.5）年均浓度", "<=", 27, "微克每立方米", 2021, None, None),
        ("考核断面水质优良比例", ">=", 60, "%", 2021, None, None),
        ("PM2.5平均浓度", "<=", 38, "微克/立方米", 2021, 2020, None),
        ("东坡乡PM2.5平均浓度", "<=", 65, "微克/立方米", 2021, None, None),
        ("西岭镇PM2.5平均浓度", "<=", 65, "微克/立方米", 2021, None, None),
    ]


def test_a_share_written_before_its_indicator():
    text = "到2022年，100%的乡镇建成生活垃圾收运体系；农村卫生厕所普及率达到90%以上。"
    assert brief(targets(text)) == [
        ("乡镇建成生活垃圾收运体系", ">=", 100, "%", 2022, None, None),
        ("农村卫生厕所普及率", ">=", 90, "%", 2022, None, None),
    ]


def test_a_list_of_values_sharing_one_unit():
    text = "到2024年，东城区、西城区、南城区PM2.5年均浓度分别控制在45、48、52微克/立方米以下。"
    assert brief(targets(text, doc_year=2024)) == [
        ("东城区PM2.5年均浓度", "<=", 45, "微克/立方米", 2024, None, None),
        ("西城区PM2.5年均浓度", "<=", 48, "微克/立方米", 2024, None, None),
        ("南城区PM2.5年均浓度", "<=", 52, "微克/立方米", 2024, None, None),
    ]


def test_respectively_pairs_areas_and_values_or_repeats_one_indicator():
    assert brief(targets("到2025年，甲区和乙区PM10平均浓度分别不高于50和40微克/立方米。")) == [
        ("甲区PM10平均浓度", "<=", 50, "微克/立方米", 2025, None, None),
        ("乙区PM10平均浓度", "<=", 40, "微克/立方米", 2025, None, None),
    ]
    assert [(t.comparator, t.value, t.baseline_year) for t in targets(
        "到2025年，两个联控片区PM2.5浓度比2020年分别下降18%和12%，重污染天数比率分别控制在4%和3%以内。")] == [
        ("reduce_by", 18, 2020), ("reduce_by", 12, 2020), ("<=", 4, None), ("<=", 3, None)]


def test_a_rate_written_without_a_verb_is_a_floor():
    assert brief(targets("2024年，12个乡镇集中式饮用水水源地水质达标率100%；城镇污水处理率达到95%。")) == [
        ("12个乡镇集中式饮用水水源地水质达标率", ">=", 100, "%", 2024, None, None),
        ("城镇污水处理率", ">=", 95, "%", 2024, None, None),
    ]
    assert targets("全县PM2.5浓度35微克/立方米左右。") == []  # a concentration needs its verb


def test_goal_headings_closed_by_a_full_stop_and_goals_inside_the_general_requirements():
    text = "一、总体要求\n以改善空气质量为核心。2025年，全县优良天数比率达到80%以上。\n二、重点任务\n（一）淘汰锅炉30台。\n"
    assert [(a, b) for a, b in goal_section_spans(text)] == [(0, text.index("二、"))]
    from taizhang.text import normalise
    n = normalise("（二）工作目标.到2020年,城区优良天数比例达到 75%(274天).\n").text
    assert n.startswith("（二）工作目标。到2020年，") and is_goal_heading(n.split("\n")[0])


def test_the_year_of_an_annual_plan_is_the_year_of_its_goals():
    from taizhang.extract.targets import annual_year

    assert annual_year("某市2019年度水污染防治重点工作实施方案") == 2019
    assert annual_year("某区大气污染防治2018年实施计划") == 2018
    assert annual_year("某市打赢蓝天保卫战实施方案（2019—2020年）") is None
    text = "一、工作目标\n6个考核断面水质优良比例达到60%以上。\n"
    assert [t.year for t in extract_targets(text, goal_section_spans(text), doc_year=None, plan_year=2019)] == [2019]


def test_a_sentence_naming_an_indicator_is_no_goal_heading():
    assert not is_goal_heading("（一）部分年度空气质量约束性指标任务未完成。")
    assert is_goal_heading("一、主要工作目标及任务") and is_goal_heading("（二）目标要求")



def test_a_pollution_level_reaching_its_value_is_a_cap():
    text = ("到2021年，中心城区细颗粒物（PM2.5）平均浓度为36微克/立方米，可吸入颗粒物年均浓度力争达到60微克/立方米，"
            "优良天数比例达到88%，臭氧浓度达到150微克/立方米以上。")
    assert [(t.indicator, t.comparator, t.value, t.year) for t in targets(text)] == [
        ("中心城区细颗粒物（PM2.5）平均浓度", "<=", 36, 2021), ("可吸入颗粒物年均浓度", "<=", 60, 2021),
        ("优良天数比例", ">=", 88, 2021), ("臭氧浓度", ">=", 150, 2021)]


def test_comparator_signs():
    text = "到2022年，三个省控断面总磷≤0.15mg/L，湖区透明度≥1.2米，氨氮浓度＜1.0毫克/升。"
    assert [(t.indicator, t.comparator, t.value, t.unit) for t in targets(text)] == [
        ("三个省控断面总磷", "<=", 0.15, "mg/L"), ("氨氮浓度", "<=", 1.0, "毫克/升")]


def test_goal_section_goes_on_through_its_own_sub_headings():
    text = ("一、年度目标\n（一）空气方面\n1、常规目标。PM10年均浓度下降到61微克/立方米以下。\n"
            "（二）水环境方面\n全县省控断面水质优良比例达到80%。\n（三）主要任务\n"
            "新建管网30公里，覆盖率达到90%。\n二、重点工作\n1.推进治理。完成率达到95%。\n")
    got = [text[a:b] for a, b in goal_section_spans(text)]
    assert len(got) == 1 and "水质优良比例达到80%" in got[0] and "覆盖率达到90%" not in got[0]
    assert "完成率" not in got[0]


@pytest.mark.parametrize("title,year", [
    ("某某县2021年大气污染防治工作方案", 2021),
    ("某某市蓝天保卫战2019年工作方案", 2019),
    ("某某县2024年深入打好污染防治攻坚战 实施方案", 2024),
    ("某某市2022年度水污染防治重点工作计划", 2022),
    ("某某市打赢蓝天保卫战三年行动方案（2018—2020年）", None),
    ("某某市“十四五”生态环境保护规划", None),
])
def test_annual_plan_year_from_title(title, year):
    from taizhang.extract.targets import annual_year
    assert annual_year(title) == year


def test_negated_verbs_of_limits():
    text = "到2021年，全年污染天数不能超过27天，优良天数不得少于330天。"
    assert [(t.indicator, t.comparator, t.value) for t in targets(text)] == [
        ("全年污染天数", "<=", 27), ("优良天数", ">=", 330)]


def test_a_sentence_naming_the_goals_gives_their_year():
    text = ("二、主要目标\n全县2021年空气质量改善目标为：PM2.5平均浓度较2020年下降6%，达到45微克/立方米；"
            "优良天数比率达到70%。\n各乡镇目标按以下原则确定：\n甲镇、乙乡PM2.5平均浓度达到48微克/立方米。\n三、主要任务\n")
    ts = extract_targets(text, goal_section_spans(text), doc_year=None)
    assert brief(ts) == [
        ("PM2.5平均浓度", "reduce_by", 6, "%", 2021, 2020, None),
        ("PM2.5平均浓度", "<=", 45, "微克/立方米", 2021, 2020, None),  # the level reached after the reduction
        ("优良天数比率", ">=", 70, "%", 2021, None, None),
        ("甲镇PM2.5平均浓度", "<=", 48, "微克/立方米", 2021, None, None),
        ("乙乡PM2.5平均浓度", "<=", 48, "微克/立方米", 2021, None, None),
    ]


def test_a_value_qualifying_the_areas_is_a_condition_not_a_goal():
    text = ("2022年各乡镇目标：（一）2021年PM2.5平均浓度在55至65微克/立方米之间的石门镇、柳林乡的PM2.5平均浓度均下降至"
            "目标值55微克/立方米及以下。（二）2021年PM2.5平均浓度低于45微克/立方米的枣园乡确保PM2.5平均浓度不升高。")
    assert brief(targets(text)) == [
        ("石门镇PM2.5平均浓度", "<=", 55, "微克/立方米", 2022, None, None),
        ("柳林乡PM2.5平均浓度", "<=", 55, "微克/立方米", 2022, None, None),
    ]


def test_a_share_written_first_is_still_a_goal():
    assert brief(targets("到2020年，100%的县级以上城市建成清新空气示范区。")) == [
        ("县级以上城市建成清新空气示范区", ">=", 100, "%", 2020, None, None)]


def test_a_respective_list_cut_after_its_last_bare_number():
    text = "2023年，可吸入颗粒物（PM10）、二氧化氮年均浓度分别控制在78微克/立方米、30"
    assert brief(targets(text)) == [
        ("可吸入颗粒物（PM10）年均浓度", "<=", 78, "微克/立方米", 2023, None, None),
        ("二氧化氮年均浓度", "<=", 30, "微克/立方米", 2023, None, None),
    ]


def test_a_bracket_restating_the_goal_holds_a_goal_of_its_own():
    text = "到2021年底，城区空气质量优良天数比率不低于92.5%（即全年污染天数不能超过27天），PM2.5平均浓度不高于34微克/立方米。"
    assert brief(targets(text)) == [
        ("城区空气质量优良天数比率", ">=", 92.5, "%", 2021, None, None),
        ("全年污染天数", "<=", 27, "天", 2021, None, None),
        ("PM2.5平均浓度", "<=", 34, "微克/立方米", 2021, None, None),
    ]
