"""Deadlines, flags and status: one invented sentence per rule, plus the dev gold (needs ../shared)."""

from __future__ import annotations

import datetime
import importlib.util
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taizhang.extract.deadlines import find_deadlines, find_flags, period_end
from taizhang.extract.status import find_status
from taizhang.extract.targets import extract_targets

D2019 = datetime.date(2019, 5, 20)
D2017 = datetime.date(2017, 3, 1)


def dl(text, doc_date=D2019, offset=0):
    return [(d.text, d.date, d.type) for d in find_deadlines(text, doc_date=doc_date, offset=offset)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2019年底前完成湖滨公园驳岸整治。", [("2019年底前", "2019-12-31", "by")]),
        ("2021年3月底前建成东区污水泵站。", [("2021年3月底前", "2021-03-31", "by")]),
        ("到2020年，全县秸秆综合利用率达到95%。", [("到2020年", "2020-12-31", "by")]),
        ("6月底前完成排查。", [("6月底前", "2019-06-30", "by")]),
        ("上半年出台管理办法，下半年全面实施。",
         [("上半年", "2019-06-30", "by"), ("下半年", "2019-12-31", "by")]),
        ("3月中旬前报送名单。", [("3月中旬前", "2019-03-20", "by")]),
        ("9月上旬前完成验收。", [("9月上旬前", "2019-09-10", "by")]),
        ("11月下旬完成复核。", [("11月下旬", "2019-11-30", "by")]),
        ("一季度完成招标。", [("一季度", "2019-03-31", "by")]),
        ("第三季度开工建设。", [("第三季度", "2019-09-30", "by")]),
        ("10月前完成设备安装。", [("10月前", "2019-10-31", "by")]),
        ("2020年7月1日前全面实施新标准。", [("2020年7月1日前", "2020-07-01", "by")]),
        ("2020年1月1日起，新建锅炉一律执行特别排放限值。", [("2020年1月1日起", "2020-01-01", "from")]),
        ("自2021年起，每年开展一次评估。", [("自2021年起", "2021-01-01", "from")]),
        ("5月份开始全面推开。", [("5月份开始", "2019-05-01", "from")]),
        ("2020年完成河道清淤。", [("2020年", "2020-12-31", "by")]),
        ("年内全部完成搬迁。", [("年内", "2019-12-31", "by")]),
        ("年底前完成验收。", [("年底前", "2019-12-31", "by")]),
        ("明年3月底前完成。", [("明年3月底前", "2020-03-31", "by")]),
        ("2020年7月一9月开展集中整治。", [("2020年7月一9月", "2020-09-30", "by")]),
        ("2019年10月至2020年4月开展秋冬季攻坚。", [("2019年10月至2020年4月", "2020-04-30", "by")]),
        ("2019—2021年逐年推进管网改造。", [("2019—2021年", "2021-12-31", "by")]),
        ("二〇二〇年十二月底前全面完成。", [("二〇二〇年十二月底前", "2020-12-31", "by")]),
        ("２０２０年６月底前完成。", [("２０２０年６月底前", "2020-06-30", "by")]),
        ("完成时间：2020.6", [("2020.6", "2020-06-30", "by")]),
    ],
)
def test_phrases(text, expected):
    assert dl(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2018年已完成摸底排查。",  # a past achievement
        "2019年完成了32家企业整治。",
        "截至2019年4月，已关停11家。",
        "2016年以来，累计投入资金2亿元。",
        "PM2.5浓度比2015年下降20%以上。",  # a baseline
        "较2015年减少12万吨。",
        "落实《2018年度河道养护考核细则》要求。",  # a title
        "执行《产业结构调整指导目录（2011年本）》。",
        "在2017年完成排查的基础上，继续开展整治。",  # before the document's year
        "坚持一月一督查的推进机制。",  # a frequency
    ],
)
def test_not_deadlines(text):
    assert dl(text) == []


def test_past_bare_year_kept_with_explicit_limit():
    # an explicit "前" deadline stays even when it lies before the document's year (a late rectification)
    assert dl("2018年12月底前完成整治。") == [("2018年12月底前", "2018-12-31", "by")]


def test_span_is_absolute_and_points_at_the_phrase():
    text = "（三）加快推进。2020年底前完成。"
    [d] = find_deadlines(text, doc_date=D2019, offset=1000)
    assert d.span == [1000 + text.index("2020"), 1000 + text.index("完成")]
    assert text[d.span[0] - 1000:d.span[1] - 1000] == d.text


def test_relative_dates_without_a_document_date_have_no_date():
    [d] = find_deadlines("6月底前完成。", doc_date=None)
    assert d.text == "6月底前" and d.date is None


def test_several_deadlines_in_order_and_without_duplicates():
    text = "2019年底前完成一期，到2020年全部完成；2019年底前完成验收。"
    assert [x[1] for x in dl(text)] == ["2019-12-31", "2020-12-31"]


@pytest.mark.parametrize(
    "label, expected",
    [
        ("2018年", datetime.date(2018, 12, 31)),
        ("2018", datetime.date(2018, 12, 31)),
        ("一季度", datetime.date(2017, 3, 31)),
        ("四季度", datetime.date(2017, 12, 31)),
        ("2018年上半年", datetime.date(2018, 6, 30)),
        ("年度工作任务", datetime.date(2017, 12, 31)),
        ("2018年工作任务", datetime.date(2018, 12, 31)),
        ("完成时限", None),
    ],
)
def test_period_end(label, expected):
    assert period_end(label, doc_date=D2017) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("整改时限：立行立改，长期坚持。", (True, True)),
        ("立行立改", (True, False)),
        ("2020年底前实现阶段性目标，持续推进。", (False, True)),
        ("持续监管", (False, True)),
        ("\t常年实施", (False, True)),
        ("长期", (False, True)),
        ("深化工业污染治理。持续推进工业污染源全面达标排放，加大处罚力度。", (False, False)),
        ("持续开展环保执法专项行动。加大监管力度。", (False, True)),
        ("对长期停车企业进行摸排，确定名单。", (False, False)),
        ("2019年底前完成。", (False, False)),
    ],
)
def test_flags(text, expected):
    assert find_flags(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("整改进展：已完成整改。", "completed"),
        ("整改进展：按序时要求推进。\n（一）已完成3家企业整治。", "in_progress"),
        ("整改进展：正在序时推进。", "in_progress"),
        ("进展滞后，尚未开工。", "in_progress"),
        ("完成整改并销号。", "completed"),
        ("加强日常监管。", None),
        ("", None),
    ],
)
def test_status(text, expected):
    assert find_status(text) == expected


def gold_module():
    """benchmarks/gold_fields.py: the dev-gold evaluation of the field extractors (shared with the tests)."""
    if "gold_fields" in sys.modules:
        return sys.modules["gold_fields"]
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "gold_fields.py"
    spec = importlib.util.spec_from_file_location("gold_fields", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["gold_fields"] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.shared
def test_dev_gold_deadlines_flags_status(shared_dir):
    gf = gold_module()
    res = gf.eval_deadlines(gf.load(shared_dir))
    assert res["deadline_f1"] >= 0.98, res["misses"][:20]
    assert res["header_period_acc"] >= 0.99
    assert res["flags_acc"] >= 0.97, res["misses"][:20]
    assert res["status_acc"] == 1.0 and res["status_n"] >= 40


_ALPHABET = "0123456789０１２年月日底前起至到一二三四五六七八九十〇季度上下半旬中以来已比较《》，。；：、%微克/立方米达到控制在下降力争长期持续推进立行立改 \n\t"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=80), st.integers(min_value=0, max_value=10_000))
def test_property_never_raises_and_spans_match(text, offset):
    for d in find_deadlines(text, doc_date=D2019, offset=offset):
        a, b = d.span
        assert offset <= a <= b <= offset + len(text)
        assert text[a - offset:b - offset].strip() == d.text
        assert d.type in ("by", "from")
        if d.date:
            datetime.date.fromisoformat(d.date)
    find_flags(text)
    find_status(text)
    period_end(text, doc_date=D2019)
    for t in extract_targets(text, [(0, len(text))], doc_year=2019):
        assert 0 <= t.span[0] <= t.span[1] <= len(text) and text[t.span[0]:t.span[1]] == t.text


def test_a_date_without_its_year_takes_the_year_written_before_it_in_the_sentence():
    got = [(d.text, d.date) for d in find_deadlines("清单和方案分别于2018年10月8日、10月12日前报送。", doc_date=None)]
    assert got == [("2018年10月8日", "2018-10-08"), ("10月12日前", "2018-10-12")]
    got = [(d.text, d.date) for d in find_deadlines("2018年10月8日前报送清单。12月底前完成整治。", doc_date=D2019)]
    assert got == [("2018年10月8日前", "2018-10-08"), ("12月底前", "2019-12-31")]  # another sentence: the doc's


def test_the_year_a_statistic_is_measured_over_is_no_deadline():
    assert dl("全年洁净煤使用比例完成省、市下达的目标任务。") == []
    assert dl("全年优良天数比率不低于85%。") == []
    assert dl("全年完成整治企业13家以上。") == [("全年", "2019-12-31", "by")]


def test_only_a_planned_date_of_a_progress_report_is_a_deadline():
    got = find_deadlines("已于2023年6月完成排查，扩建工程正在推进，计划2023年9月30日前完成；2023年5月约谈业主。",
                         doc_date=None, planned=True)
    assert [(d.text, d.date) for d in got] == [("2023年9月30日前", "2023-09-30")]


def test_a_recurring_time_limit_gives_no_date():
    doc = datetime.date(2021, 2, 1)
    for text in ("每年3月底前开展专项检查", "每季度末报送整改进展", "每月10日前报送台账", "于每年12月31日前完成年度评估"):
        assert find_deadlines(text, doc_date=doc) == [], text
    assert [(d.text, d.date) for d in find_deadlines("6月底前完成排查，此后每年开展一次", doc_date=doc)] == [
        ("6月底前", "2021-06-30")]


def test_the_period_in_a_plans_name_is_no_deadline():
    doc = datetime.date(2019, 1, 1)
    text = ("关于印发全省作战方案暨2013—2020年大气污染防治规划三期行动计划（2018—2020年）的通知。通知指出：2019年底前完成"
            "清洁取暖改造。")
    assert [(d.text, d.date) for d in find_deadlines(text, doc_date=doc)] == [("2019年底前", "2019-12-31")]
    assert [(d.text, d.date) for d in find_deadlines("印发实施方案，2020年底前完成整治。", doc_date=doc)] == [
        ("2020年底前", "2020-12-31")]
