"""Extraction rules on invented plan text: notes, inheritance, field blocks, subtasks, tables."""

from pathlib import Path

import pytest

from taizhang.pipeline import extract_file


def _ledger(tmp_path: Path, text: str):
    p = tmp_path / "plan.txt"
    p.write_text(text, encoding="utf-8")
    return extract_file(p).to_dict()


def _units(task, field):
    return [u["raw"] for u in task[field]]


PLAN = """某县水污染防治工作方案
一、重点任务
（一）整治工业园区污水。开展园区管网排查，2020年6月底前完成雨污分流改造。（水务局牵头，住建局、财政局参与，各乡镇人民政府负责落实。以下均需各乡镇人民政府落实，不再列出）
（二）加强河道保洁。落实保洁队伍。（农业农村局会同城管局负责）
推进农村改厕。2021年底前基本完成。（卫健委、农业农村局按职责负责）
（三）强化执法监管
开展联合执法行动。一是查处偷排行为；二是公开典型案件。（住建局、城东镇）
二、保障措施
（一）加强组织领导。各部门要明确分工。
"""


def test_notes_roles_inheritance_and_subtasks(tmp_path):
    led = _ledger(tmp_path, PLAN)
    tasks = led["tasks"]
    by_start = {t["text"][:6]: t for t in tasks}
    t1 = by_start["整治工业园区"]
    assert t1["kind"] == "measure"
    assert _units(t1, "lead_units") == ["水务局"]
    assert _units(t1, "support_units") == ["住建局", "财政局"]
    assert _units(t1, "implementing_units") == ["各乡镇人民政府"]
    assert [(d["date"], d["type"]) for d in t1["deadlines"]] == [("2020-06-30", "by")]
    t2 = by_start["加强河道保洁"]
    assert _units(t2, "lead_units") == ["农业农村局"] and _units(t2, "support_units") == ["城管局"]
    assert _units(t2, "implementing_units") == ["各乡镇人民政府"]  # inherited from the note above
    t3 = by_start["推进农村改厕"]  # a second noted paragraph of item （二）: its own task
    assert _units(t3, "lead_units") == ["卫健委", "农业农村局"]
    t4 = by_start["强化执法监管"]  # the heading-only item joins its first noted paragraph
    assert _units(t4, "lead_units") == ["住建局", "城东镇"]  # role-free list: all lead
    subs = [t for t in tasks if t["kind"] == "subtask"]
    assert [s["text"][:6] for s in subs] == ["查处偷排行为", "公开典型案件"]
    assert all(s["parent_id"] == t4["id"] and _units(s, "lead_units") == ["住建局", "城东镇"] for s in subs)
    # safeguards without notes are not tasks
    assert not any(t["text"].startswith("加强组织领导") for t in tasks)
    for t in tasks:
        assert led_text(tmp_path)[t["span"][0]:t["span"][1]] == t["text"]


def led_text(tmp_path):
    return (tmp_path / "plan.txt").read_text(encoding="utf-8")


RECTIFY = """某区督察反馈问题整改方案
一、具体问题整改清单
（一）部分河道水质反弹，治理成效不稳固。
责任单位：区水务局牵头，区生态环境局、各街道配合。
整改时限：2021年12月底前，长期坚持。
整改目标：主要河道水质达到Ⅳ类。
整改措施：
1．开展河道清淤。
2．完善截污设施。
（二）工地扬尘管控不严。
责任单位：区住建局、相关街道。
整改时限：立行立改。
整改目标：扬尘问题全部整改。
整改措施：
开展工地专项检查，建立问题清单。
"""


def test_rectification_problem_blocks(tmp_path):
    led = _ledger(tmp_path, RECTIFY)
    probs = [t for t in led["tasks"] if t["kind"] == "problem"]
    assert len(probs) == 2 and len(led["tasks"]) == 2  # the measures are counted, not tasks
    p1, p2 = probs
    assert p1["text"].startswith("部分河道水质反弹")
    assert _units(p1, "lead_units") == ["区水务局"]
    assert _units(p1, "support_units") == ["区生态环境局"]
    assert _units(p1, "implementing_units") == ["各街道"]
    assert [(d["date"], d["type"]) for d in p1["deadlines"]] == [("2021-12-31", "by")]
    assert p1["ongoing"] and not p1["immediate"]
    assert p1["goal"] == "主要河道水质达到Ⅳ类。" and p1["measures_count"] == 2
    assert _units(p2, "lead_units") == ["区住建局"] and _units(p2, "implementing_units") == ["相关街道"]
    assert p2["immediate"] and p2["measures_count"] == 1


PROGRESS = """某市督察整改落实情况
一、全市整改工作取得成效。一是完成项目建设；二是开展执法检查。
一、部分企业废气治理不到位。
整改时限：2023年12月底前。
整改进展：已完成整改。
（一）完成企业治理设施改造。
（二）开展执法检查。
二、农村污水设施运维不到位。
整改时限：2025年6月底前。
整改进展：按序时要求推进。
（一）建立运维台账。
"""


def test_progress_report_status_and_no_narrative_tasks(tmp_path):
    led = _ledger(tmp_path, PROGRESS)
    assert [(t["kind"], t["status"], t["measures_count"]) for t in led["tasks"]] == [
        ("problem", "completed", 2), ("problem", "in_progress", 1)]


TABLE = """附表1
某县治气工作年度计划及责任分解表
\t序号
\t主要任务
\t年度计划
\t责任部门
\t参与部门

\t
\t
\t2019年
\t2020年
\t
\t

\t一、产业结构调整

\t1
\t淘汰落后产能
\t关停5家
\t—
\t工信局
\t生态环境局、发改委

\t2
\t整治燃煤锅炉，2020年底前完成
\t完成一半
\t全部完成
\t
\t

"""


def test_table_rows_with_year_columns_and_merged_units(tmp_path):
    led = _ledger(tmp_path, "某县治气方案\n一、任务\n" + TABLE)
    rows = [t for t in led["tasks"] if t["kind"] == "table_row"]
    assert [r["text"].split("\n")[0] for r in rows] == ["淘汰落后产能", "整治燃煤锅炉，2020年底前完成"]
    r1, r2 = rows
    assert _units(r1, "lead_units") == ["工信局"]
    assert _units(r1, "support_units") == ["生态环境局", "发改委"]
    assert [d["text"] for d in r1["deadlines"]] == ["2019年"]  # the 2020 cell holds no plan (—)
    # the empty unit cells are merged from the row above
    assert _units(r2, "lead_units") == ["工信局"] and _units(r2, "support_units") == ["生态环境局", "发改委"]
    assert {(d["text"], d["date"]) for d in r2["deadlines"]} >= {("2019年", "2019-12-31"), ("2020年", "2020-12-31")}
    text = (Path(led["document"]["source"]["name"]).name, )
    assert text


def test_table_without_header_is_a_warning(tmp_path):
    led = _ledger(tmp_path, "某县方案\n一、任务\n\t地区\n\t数量\n\n\t城东\n\t5\n\n")
    assert not led["tasks"]
    assert any("表" in w["message"] for w in led["warnings"])


@pytest.mark.parametrize("note, lead, support, impl", [
    ("（生态环境局牵头，各相关部门参与）", ["生态环境局"], ["各相关部门"], []),
    ("（各相关部门牵头）", ["各相关部门"], [], []),
    ("（牵头单位：发改委、财政局；责任单位：各镇人民政府）", ["发改委", "财政局"], [], ["各镇人民政府"]),
    ("（交通局负责）", ["交通局"], [], []),
    ("（城南镇属地落实，交通局协助）", [], ["交通局"], ["城南镇"]),
])
def test_note_variants(tmp_path, note, lead, support, impl):
    led = _ledger(tmp_path, f"某县方案\n一、任务\n（一）开展专项整治。{note}\n")
    (t,) = led["tasks"]
    assert (_units(t, "lead_units"), _units(t, "support_units"), _units(t, "implementing_units")) == (
        lead, support, impl)


@pytest.mark.parametrize("note, lead, support, impl", [
    ("（牵头单位：工信局；责任单位：市场监管局、交通局，各乡镇人民政府）", ["工信局"], ["市场监管局", "交通局"],
     ["各乡镇人民政府"]),
    ("（水务局会同住建局、财政局等部门负责落实）", ["水务局"], ["住建局", "财政局"], []),
    ("（由工信局、商务局、交通局等部门建立会商机制并按职责分工落实）", ["工信局", "商务局", "交通局"], [], []),
])
def test_note_labels_joint_and_trailing_words(tmp_path, note, lead, support, impl):
    led = _ledger(tmp_path, f"某县方案\n一、任务\n（一）开展专项整治。{note}\n")
    (t,) = led["tasks"]
    assert (_units(t, "lead_units"), _units(t, "support_units"), _units(t, "implementing_units")) == (
        lead, support, impl)


# a breakdown table whose header has a merged 年度计划 over bare years, a text header over two cells,
# a 主体责任 column, a row whose last (support) cell is missing, and cells written as prose or 'X牵头Y'
WIDE_TABLE = """附表 某县工业污染整治任务分解表
\t序号
\t重点任务
\t具体措施
\t年度计划
\t责任单位
\t协助单位

\t
\t
\t
\t2019
\t2020
\t
\t

\t1
\t整治涉气企业
\t全面排查
\t1.建立排查台账
\t√
\t
\t工信局
\t生态环境局

\t
\t
\t
\t2.关停不达标企业
\t√
\t√
\t工信局（县化工办）
\t生态环境局、应急局

\t2
\t规范园区管理
\t完善园区规划
\t
\t√
\t√
\t由规划、环保、住建、自然资源局等部门根据职责，依法查处

"""


def test_wide_rows_bare_year_subheader_and_missing_trailing_cell(tmp_path):
    led = _ledger(tmp_path, "某县方案\n一、任务\n" + WIDE_TABLE)
    rows = [t for t in led["tasks"] if t["kind"] == "table_row"]
    assert [r["text"].split("\n")[0] for r in rows] == ["整治涉气企业", "2.关停不达标企业", "规范园区管理"]
    r1, r2, r3 = rows
    assert _units(r1, "lead_units") == ["工信局"] and _units(r1, "support_units") == ["生态环境局"]
    assert [d["text"] for d in r1["deadlines"]] == ["2019"]
    assert _units(r2, "lead_units") == ["工信局（县化工办）"]  # a bracketed name is one unit
    assert _units(r2, "support_units") == ["生态环境局", "应急局"]
    assert {d["date"] for d in r2["deadlines"]} == {"2019-12-31", "2020-12-31"}
    assert _units(r3, "lead_units") == ["规划", "环保", "住建", "自然资源局"]
    assert _units(r3, "support_units") == []


def test_responsible_and_main_body_columns(tmp_path):
    table = ("\t工作任务\n\t一季度\n\t二季度\n\t责任单位\n\t主体责任单位\n\n"
             "\t整治园区企业\n\t完成排查\n\t完成整改\n\t工信局牵头各成员单位，各部门各负其责\n\t城西工业园区\n\n"
             "\t规范危化品管理\n\t摸底\n\t建档\n\t应急局牵头，交通、公安部门配合，城西工业园区主体实施\n\t\n\n")
    led = _ledger(tmp_path, "某县方案\n一、任务\n附表 责任分解表\n" + table)
    r1, r2 = [t for t in led["tasks"] if t["kind"] == "table_row"]
    assert _units(r1, "lead_units") == ["工信局"]
    assert _units(r1, "support_units") == ["各成员单位", "各部门"]
    assert _units(r1, "implementing_units") == ["城西工业园区"]
    assert _units(r2, "lead_units") == ["应急局"]
    assert _units(r2, "support_units") == ["交通", "公安部门"]
    assert _units(r2, "implementing_units") == ["城西工业园区"]


PERIOD_TABLE = """附表 某县污水治理任务分解表
\t序号
\t主要任务
\t年度计划
\t责任部门
\t参与部门

\t
\t
\t2019年
\t2020年
\t2021年
\t
\t

\t1
\t新建城东污水处理厂
\t完成选址
\t——
\t住建局
\t

\t2
\t城区污水处理率达到95%
\t已达到95%以上
\t城东污水厂
\t

\t3
\t改造城西管网，2020年6月前完成主干管
\t全面推进
\t水务局
\t财政局

\t4
\t整治入河排口
\t排查
\t
\t
\t
\t

"""


def test_period_cells_dashes_reports_and_dates_inside(tmp_path):
    led = _ledger(tmp_path, "某县方案\n一、任务\n" + PERIOD_TABLE)
    r1, r2, r3, r4 = [t for t in led["tasks"] if t["kind"] == "table_row"]
    assert [d["text"] for d in r1["deadlines"]] == ["2019年"]  # the dash covers the periods after it
    assert _units(r1, "lead_units") == ["住建局"] and _units(r1, "support_units") == []
    assert r2["deadlines"] == []  # a cell reporting what is done holds no plan
    assert {d["date"] for d in r3["deadlines"]} == {"2019-12-31", "2020-06-30", "2020-12-31", "2021-12-31"}
    # a row without its own lead: its unit cells are merged from the row above
    assert _units(r4, "lead_units") == ["水务局"] and _units(r4, "support_units") == ["财政局"]


INHERIT_ALL_KINDS = """某区大气污染防治整改方案
一、整改任务
以下均需各街道办事处落实，不再列出。
（一）建筑工地扬尘管控不到位。
责任单位：区住建局牵头，区城管局配合
整改时限：2026年6月底前
整改目标：工地扬尘防控措施落实率达到100%。
整改措施：
1．开展工地扬尘专项检查。
2．建立扬尘问题台账。
二、重点工作安排表
\t序号
\t工作任务
\t牵头单位
\t完成时限

\t1
\t餐饮油烟净化设施安装
\t区市场监管局
\t2026年9月底前


"""


def test_inheritance_note_reaches_every_later_task_kind(tmp_path):
    led = _ledger(tmp_path, INHERIT_ALL_KINDS)
    kinds = {t["kind"]: t for t in led["tasks"]}
    assert {"problem", "table_row"} <= set(kinds), [t["kind"] for t in led["tasks"]]
    for kind in ("problem", "table_row"):
        assert _units(kinds[kind], "implementing_units") == ["各街道办事处"], kind
    assert _units(kinds["problem"], "lead_units") == ["区住建局"]
    assert _units(kinds["table_row"], "lead_units") == ["区市场监管局"]
