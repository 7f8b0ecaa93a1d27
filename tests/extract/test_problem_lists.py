"""Inspection problem lists and 销号 notices: a problem written as a field, its handling result a status.

Invented texts in the drafting styles of rectification notices (no real document's words)."""

from taizhang.pipeline import extract_document
from taizhang.read import read_bytes


def _ledger(text: str):
    return extract_document(read_bytes(text.encode("utf-8"), "n.txt"))


def test_a_notice_of_one_problem_with_numbered_fields():
    led = _ledger(
        "关于群众反映青石镇砂场扬尘问题整改情况的公示\n"
        "一、问题基本情况：青石镇北岭砂场露天堆放砂石，未采取苫盖措施，扬尘污染周边农田。\n"
        "二、整改情况：砂场已停业，堆场已苫盖并完成清运，整改已完成。\n"
        "三、验收情况：经现场核查，问题已整改到位。\n"
        "以上情况予以公示，如有异议请向县生态环境局反映。\n"
        "云岭县生态环境局\n2024年6月3日\n")
    assert [(t.kind, t.text[:7], t.status) for t in led.tasks] == [("problem", "青石镇北岭砂场", "completed")]
    assert led.document.issuer == "云岭县生态环境局" and led.document.issue_date == "2024-06-03"
    assert led.document.region == "云岭县"


def test_a_problem_list_with_numbered_labels_and_unit_fields():
    led = _ledger(
        "问题编号3：河道两岸违规建设养殖棚舍。\n\n"
        "责任单位：县水务局、县农业农村局、柳河乡人民政府\n\n"
        "整改目标：棚舍全部拆除，河岸恢复原状。\n\n"
        "完成情况：棚舍已拆除，基本完成河岸复绿。\n\n"
        "问题编号4：工业园区污水管网雨污混接。\n\n"
        "责任单位：青山工业园区管委会\n\n"
        "整改时限：2024年9月底前\n\n"
        "完成情况：正在实施管网改造。\n")
    got = [(t.text, t.status, [u.raw for u in t.lead_units], [d.date for d in t.deadlines]) for t in led.tasks]
    assert got == [
        ("河道两岸违规建设养殖棚舍。", "in_progress", ["县水务局", "县农业农村局", "柳河乡人民政府"], []),
        ("工业园区污水管网雨污混接。", "in_progress", ["青山工业园区管委会"], ["2024-09-30"]),
    ]
    assert led.tasks[0].goal == "棚舍全部拆除，河岸恢复原状。"


def test_a_problem_label_alone_is_no_problem():
    led = _ledger("存在问题：部分企业环保意识淡薄。\n下一步，我们将加大宣传力度。\n")
    assert [t for t in led.tasks if t.kind == "problem"] == []


def test_an_item_with_its_handling_result_and_a_ledger_table():
    led = _ledger(
        "一、问题及整改情况\n"
        "1.北坡村一处砖厂无环保手续。责任单位：北坡镇人民政府。处理情况：已停业，窑体已拆除。\n"
        "2.南河段有1处非法采砂点。责任单位：县水利局。处理情况：采砂船已拆除，河床修复正在推进。\n")
    assert [(t.kind, t.text[:5], t.status) for t in led.tasks] == [
        ("problem", "北坡村一处", "completed"), ("problem", "南河段有1", "in_progress")]
    led = _ledger("第一项　城区燃煤小锅炉淘汰不彻底。\n　　责任单位：县住房和城乡建设局\n　　整改时限：2023年10月31日前\n"
                  "　　整改进展：已整改到位。\n第二项　部分河段水质不稳定。\n　　责任单位：县水务局\n"
                  "　　整改进展：基本完成。\n")
    assert [(t.kind, t.text[:5], t.status) for t in led.tasks] == [
        ("problem", "城区燃煤小", "completed"), ("problem", "部分河段水", "in_progress")]
    led = _ledger("序号 | 问题 | 责任单位 | 整改情况\n1 | 垃圾场渗滤液外溢 | 县城管局 | 已完成整改\n"
                  "2 | 城区散煤燃烧 | 县住建局 | 正在推进清洁取暖改造\n")
    assert [(t.text[:4], t.status) for t in led.tasks] == [("垃圾场渗", "completed"), ("城区散煤", "in_progress")]


def _rows(led):
    return [(t.kind, t.text[:8], [u.raw for u in t.lead_units], [u.raw for u in t.implementing_units],
             [d.date for d in t.deadlines], t.immediate, t.ongoing, t.status, t.measures_count) for t in led.tasks]


def test_a_problem_numbered_in_words_with_its_fields_as_headings():
    led = _ledger(
        "乙县整改任务整改结果公示\n"
        "一、督察反馈意见整改任务\n"
        "问题编号十二：部分河道垃圾堆放问题突出，2018年汛期多处河段漂浮物堆积，整改推进缓慢。\n"
        "二、整改目标\n"
        "全面清理河道垃圾，建立河道保洁长效机制。\n"
        "三、整改措施\n"
        "1.组织开展河道垃圾集中清理行动。\n"
        "2.落实河道保洁队伍和经费。\n"
        "3.建立河长巡河制度，2019年3月底前完成。\n")
    assert _rows(led) == [("problem", "部分河道垃圾堆放", [], [], [], False, False, None, 3)]
    assert led.tasks[0].goal.startswith("全面清理河道垃圾")


def test_a_bare_problem_label_with_the_problem_below_and_a_dated_goal():
    led = _ledger(
        "青石镇关于督察反馈问题整改销号的公示\n"
        "  整改任务：\n"
        "  部分村庄生活垃圾收运不及时，村内垃圾桶满溢，镇村两级监管不到位\n"
        "  责任单位：青石镇、各村（社区）\n"
        "  责 任 人：张某、各村主任\n"
        "  整改目标：\n"
        "  2019年11月底前，全镇生活垃圾全部清运，收运体系运行正常。\n"
        "  整改时限：立整立改，长期坚持\n"
        "  整改措施：\n"
        "  1.配齐村级保洁员。\n"
        "  2.2019年6月底前，完成镇垃圾转运站改造。\n")
    assert _rows(led) == [("problem", "部分村庄生活垃圾", ["青石镇"], ["各村（社区）"], ["2019-11-30"], True, True,
                           None, 2)]


def test_a_report_with_problem_description_and_next_steps():
    led = _ledger(
        "某市某镇关于农村环境专项审计问题整改情况的报告\n"
        "一、高度重视\n"
        "镇党委政府召开专题会议研究整改工作，明确责任分工。\n"
        "二、整改情况\n"
        "问题描述：镇区生活污水管网未接通。\n"
        "整改情况：未整改到位，预计10月底前整改到位。\n"
        "整改措施：1、排查破损管段；2、铺设入户支管；3、调试提升泵站。\n"
        "三、下步计划\n"
        "（一）加强管网日常维护，安排专人巡查。\n"
        "（二）开展农村环境整治宣传，引导群众参与。\n")
    got = _rows(led)
    assert got[0][:2] == ("problem", "镇区生活污水管网")
    assert got[0][7:] == ("in_progress", 3)
    assert [(k, t) for k, t, *_ in got[1:]] == [("measure", "加强管网日常维护"), ("measure", "开展农村环境整治")]


def test_measures_under_a_problem_are_counted_and_its_story_holds_no_deadline():
    led = _ledger(
        "丁市督察移交问题整改措施清单\n"
        "一、丁县保护饮用水水源不力2016年5月，丁县同意在水源保护区内建设旅游项目，截止2017年2月部分已建成。\n"
        "原因分析：对水源保护认识不足。\n"
        "整改目标按照水质不降低的原则，替代现有水源。\n"
        "整改时限2017年9月30日前\n"
        "责任单位：丁县县委、县政府\n"
        "督导单位：市纪委、市整改办\n"
        "整改措施\n"
        "1.制定水源搬迁方案。\n"
        "2.建设替代水源工程（2017年9月30日）。\n")
    assert _rows(led) == [("problem", "丁县保护饮用水水", ["丁县县委", "县政府"], [], ["2017-09-30"], False, False,
                           None, 2)]


def test_a_list_copied_without_its_line_breaks():
    led = _ledger(
        "甲州整改措施清单一、认识不深（一）部分干部对环境形势认识不足，重发展、轻保护。整改目标：牢固树立绿色发展理念。"
        "责任单位：州委办公室、州政府办公室，各县市党委和政府责任人：州委办公室主要负责人整改时限：立行立改，长期坚持"
        "整改措施：加强学习。1.组织专题学习。2.开展干部培训。\n")
    assert _rows(led) == [("problem", "部分干部对环境形", ["州委办公室", "州政府办公室"], ["各县市党委和政府"], [],
                           True, True, None, 2)]
    assert led.document.title == "甲州整改措施清单"
    led = _ledger("乙省整改进展清单一、关于“督察指出，部分地方重发展轻保护，认识不到位。”整改进展情况：已经完成，长期坚持。"
                  " 1.组织专题学习。2.开展干部培训。\n")
    assert _rows(led) == [("problem", "关于“督察指出，", [], [], [], False, True, "completed", 2)]


def test_a_planned_date_in_a_progress_field_is_a_deadline():
    led = _ledger(
        "（一）受理编号：X0001\n"
        "　　交办问题基本情况：某村养殖场污水外溢。\n"
        "　　处理和整改情况：已清理沿岸污染物，扩建沼液池正在推进，计划2023年9月30日前完成；2023年6月已约谈业主。\n")
    assert [(t.status, [d.date for d in t.deadlines]) for t in led.tasks] == [("in_progress", ["2023-09-30"])]


def test_a_report_item_saying_how_far_its_problem_is():
    led = _ledger(
        "某市关于大气污染防治专项审计发现问题整改情况的函\n"
        "二、具体整改情况\n"
        "（一）部分年度空气质量约束性指标任务未完成。\n"
        "该问题已完成整改。一是制定年度实施计划；二是分解下达年度指标；三是纳入考核。\n"
        "（二）部分建成区扬尘管控不到位。\n"
        "该问题正在整改，计划2023年6月底前完成。一是加密巡查；二是完善在线监测。\n")
    assert [(t.kind, t.text[:8], t.status, t.measures_count, [d.date for d in t.deadlines]) for t in led.tasks] == [
        ("problem", "部分年度空气质量", "completed", 3, []),
        ("problem", "部分建成区扬尘管", "in_progress", 2, ["2023-06-30"]),
    ]


def test_an_item_naming_its_problem_then_what_became_of_it_without_a_label():
    led = _ledger(
        "一、整改情况\n（一）西沟村养鸭场污水直排问题。该养鸭场已停业，污水池已清理。\n"
        "（二）北山石料厂扬尘问题。厂区设备已拆除，复绿工程正在施工。\n"
        "（三）城区油烟扰民问题。已督促5家饭店加装净化器，正在推进。\n"
        "（四）加强秸秆禁烧。今年已完成宣传全覆盖。\n")
    assert [(t.kind, t.text[:6], t.status) for t in led.tasks] == [
        ("problem", "西沟村养鸭场", "completed"), ("problem", "北山石料厂扬", "in_progress"),
        ("problem", "城区油烟扰民", "in_progress"),
        ("measure", "加强秸秆禁烧", None)]  # no problem named in its first sentence: a work item, no status


def test_a_plan_sentence_about_the_future_gives_no_status():
    led = _ledger("一、任务\n（一）城区内涝问题。该区域要在年底前完成整改。\n")
    assert [(t.kind, t.status) for t in led.tasks] == [("measure", None)]


def test_a_pipe_list_with_a_marked_lead_cell_and_a_lasting_progress_cell():
    led = _ledger("序号 | 反馈问题 | 整改时限 | 责任单位 | 整改进展 |\n"
                  "1 | 城区河道黑臭反弹。 | 长期坚持 | 县住建局（牵头）、县水利局 | 基本完成 |\n"
                  "2 | 秸秆露天焚烧。 | 立行立改 | 县农业农村局，各乡镇人民政府 | 已完成整改，长期坚持 |\n")
    assert [([u.raw for u in t.lead_units], [u.raw for u in t.support_units], [u.raw for u in t.implementing_units],
             t.status, t.immediate, t.ongoing) for t in led.tasks] == [
        (["县住建局"], ["县水利局"], [], "in_progress", False, True),
        (["县农业农村局"], [], ["各乡镇人民政府"], "completed", True, True),
    ]
