"""Who does a task, in the ways other provinces write it (invented texts, one rule class each): order conventions
and 下同, several notes in one paragraph, 〔〕 notes, inline labels, collective bodies, names holding 和, year-less
deadlines and subtask scoping."""

from taizhang.extract.assign import is_collective
from taizhang.pipeline import extract_document
from taizhang.read import read_bytes
from taizhang.resolve import is_generic_territorial, split_units


def _tasks(text: str):
    led = extract_document(read_bytes(text.encode("utf-8"), "plan.txt"))
    return [(t.kind, t.text[:6], [u.raw for u in t.lead_units], [u.raw for u in t.support_units],
             [u.raw for u in t.implementing_units], [d.date for d in t.deadlines]) for t in led.tasks]


def test_order_convention_and_its_carry_forward():
    got = _tasks(
        "沙河县大气污染防治实施方案\n二、重点任务\n"
        "1.压减煤炭消费。实施煤炭消费总量控制。（县发展改革局、县工业和信息化局、县生态环境分局按职责分工负责，排在第一位的为牵头单位，下同）\n"
        "2.整治燃煤锅炉。全面淘汰10蒸吨以下燃煤锅炉。（县市场监管局、县生态环境分局按职责分工负责）\n"
        "3.控制扬尘。落实工地六个百分之百。（县住房和城乡建设局牵头，县城管局配合）\n")
    assert got == [
        ("measure", "压减煤炭消费", ["县发展改革局"], ["县工业和信息化局", "县生态环境分局"], [], []),
        ("measure", "整治燃煤锅炉", ["县市场监管局"], ["县生态环境分局"], [], []),
        ("measure", "控制扬尘。落", ["县住房和城乡建设局"], ["县城管局"], [], []),
    ]


def test_units_before_the_first_comma_lead():
    got = _tasks("一、任务\n（一）治理河道。清理河道垃圾。（区水务局、区城管局，区生态环境局、区农业农村局按职责分工负责，"
                 "排在前位的为牵头部门）\n")
    assert got == [("measure", "治理河道。清", ["区水务局", "区城管局"], ["区生态环境局", "区农业农村局"], [], [])]


def test_several_notes_in_a_paragraph_and_an_inheritance_clause():
    got = _tasks(
        "一、任务\n1.严格准入。编制环境准入清单。〔市生态环境局牵头，市发展和改革局参与，各县、区人民政府负责落实。"
        "以下各项工作均需各县、区人民政府落实，不再列出。〕城区不再新建燃煤锅炉。（市场监管局牵头，市住房和城乡建设局参与）\n"
        "2.淘汰老旧车辆。（牵头单位：市交通运输局，责任单位：市公安局、各县（市、区）政府）加快淘汰国三柴油货车。\n")
    assert got == [
        ("measure", "严格准入。编", ["市生态环境局"], ["市发展和改革局"], ["各县、区人民政府"], []),
        ("measure", "城区不再新建", ["市场监管局"], ["市住房和城乡建设局"], ["各县、区人民政府"], []),
        ("measure", "淘汰老旧车辆", ["市交通运输局"], ["市公安局"], ["各县（市、区）政府", "各县、区人民政府"], []),
    ]


def test_a_note_in_square_brackets_with_a_long_inheritance_clause():
    got = _tasks(
        "一、任务\n1.控制用水总量。实行计划用水管理，2019年用水总量控制在12亿立方米。[市水务局牵头，市工信局、市住建局配合，"
        "各县（市）区政府负责落实。以下均需各县（市）区政府落实，未设相应机构的由市直主管部门负责，不再列出）]\n"
        "2.保护水源地。开展水源地环境整治。（市生态环境局牵头）\n")
    assert got == [
        ("measure", "控制用水总量", ["市水务局"], ["市工信局", "市住建局"], ["各县（市）区政府"], ["2019-12-31"]),
        ("measure", "保护水源地。", ["市生态环境局"], [], ["各县（市）区政府"], []),
    ]


def test_labelled_fields_inside_an_item_and_year_less_deadlines():
    got = _tasks(
        "白水县2021年水污染防治工作方案\n一、任务\n"
        "1.排查入河排污口。责任单位：县水利局、县生态环境分局，完成时间：2021年5月10日前。\n"
        "2.整治黑臭水体。3月中旬前完成排查，年底前完成整治。（县住房和城乡建设局负责）\n")
    assert got == [
        ("measure", "排查入河排污", ["县水利局", "县生态环境分局"], [], [], ["2021-05-10"]),
        ("measure", "整治黑臭水体", ["县住房和城乡建设局"], [], [], ["2021-03-20", "2021-12-31"]),
    ]


def test_a_subtask_keeps_its_own_deadline_the_parent_all_of_its_text():
    got = _tasks("2020年工作要点\n一、任务\n1.推进清洁取暖。一是6月底前完成改造计划；二是年底前完成三千户改造。（县住房和城乡建设局负责）\n")
    assert got == [
        ("measure", "推进清洁取暖", ["县住房和城乡建设局"], [], [], ["2020-06-30", "2020-12-31"]),
        ("subtask", "6月底前完成", ["县住房和城乡建设局"], [], [], ["2020-06-30"]),
        ("subtask", "年底前完成三", ["县住房和城乡建设局"], [], [], ["2020-12-31"]),
    ]


def test_a_deadline_inside_the_note_is_the_tasks():
    got = _tasks(
        "青川县2024年大气污染防治工作方案\n一、重点任务\n"
        "1.淘汰燃煤小锅炉。全面淘汰县城建成区10蒸吨以下燃煤锅炉。（县环保局牵头，县发改局、县工信局配合，2024年底前完成）\n"
        "2.治理施工扬尘。落实施工工地扬尘防治措施。（县住建局牵头，县城管局配合，各乡镇人民政府负责落实，10月底前完成）\n"
        "3.推进一是二是。一是6月底前完成排查；二是开展整治。（县水利局负责，9月底前完成）\n")
    assert got == [
        ("measure", "淘汰燃煤小锅", ["县环保局"], ["县发改局", "县工信局"], [], ["2024-12-31"]),
        ("measure", "治理施工扬尘", ["县住建局"], ["县城管局"], ["各乡镇人民政府"], ["2024-10-31"]),
        ("measure", "推进一是二是", ["县水利局"], [], [], ["2024-06-30", "2024-09-30"]),
        ("subtask", "6月底前完成", ["县水利局"], [], [], ["2024-06-30"]),
        ("subtask", "开展整治。", ["县水利局"], [], [], []),
    ]


def test_a_deadline_written_twice_counts_once():
    got = _tasks("一、任务\n1.加强油品监管。2024年6月底前完成加油站油气回收检查。完成时限：2024年6月底前。（县市场监管局牵头）\n")
    assert got == [("measure", "加强油品监管", ["县市场监管局"], [], [], ["2024-06-30"])]


def test_collective_bodies_go_where_the_conventions_say():
    got = _tasks("一、任务\n1.加强监管。（县生态环境分局、有关部门按职责负责，县（市、区）政府落实）\n"
                 "2.加强巡查。（县水利局、政府直属责任部门按职责分工负责）\n")
    assert got == [
        ("measure", "加强监管。（", ["县生态环境分局"], ["有关部门"], ["县（市、区）政府"], []),
        ("measure", "加强巡查。（", ["县水利局"], ["政府直属责任部门"], [], []),
    ]
    assert all(is_collective(x) for x in ["各有关部门", "有关单位", "市直各有关部门", "政府直属责任部门", "各成员单位"])
    assert not any(is_collective(x) for x in ["县生态环境局", "市场监管局", "有关镇"])
    assert all(is_generic_territorial(x) for x in ["县（市、区）政府", "（市、区）政府", "各县（市、区）人民政府"])


def test_names_holding_he_are_not_split():
    def names(s):
        return [r for r, _, _ in split_units(s)]

    assert names("市自然资源和规划局、市住房和城乡建设局") == ["市自然资源和规划局", "市住房和城乡建设局"]
    assert names("省工业和信息化厅") == ["省工业和信息化厅"]
    assert names("高新区党工委和管委会") == ["高新区党工委和管委会"]
    assert names("县发改局和县财政局") == ["县发改局", "县财政局"]


def test_a_labelled_note_inside_a_sentence_closes_that_sentence():
    got = _tasks("一、措施\n（一）治理工业源。排查涉磷企业，完善预处理设施（牵头单位：市生态环境局，责任单位：市工业和信息化局），"
                 "2023年底前完成提标改造。加强园区污水处理厂运行监管（牵头单位：市工业和信息化局，责任单位：各产业园区管委会）。\n")
    assert got == [
        ("measure", "治理工业源。", ["市生态环境局"], ["市工业和信息化局"], [], ["2023-12-31"]),
        ("measure", "加强园区污水", ["市工业和信息化局"], [], ["各产业园区管委会"], []),
    ]


def test_items_on_one_line_and_label_blocks_running_on():
    got = _tasks(
        "一、任务\n1.排查工地。逐一建档。责任单位：县住房和城乡建设局、县城市管理局，完成时间：2024年3月15日前。"
        "2.安装监测设备。全部联网。责任单位：县住房和城乡建设局，完成时间：2024年4月30日前。\n"
        "第一条　建立网格监管。划定网格。\n　　牵头单位：市农业农村局\n　　配合单位：市公安局\n"
        "　　　　　　　市林业和草原局\n　　完成时限：2022年9月20日前\n")
    assert got == [
        ("measure", "排查工地。逐", ["县住房和城乡建设局", "县城市管理局"], [], [], ["2024-03-15"]),
        ("measure", "安装监测设备", ["县住房和城乡建设局"], [], [], ["2024-04-30"]),
        ("measure", "建立网格监管", ["市农业农村局"], ["市公安局", "市林业和草原局"], [], ["2022-09-20"]),
    ]


def test_a_table_written_one_row_a_line_with_pipes():
    got = _tasks("附件\n任务清单\n序号 | 工作任务 | 责任单位或牵头单位 | 协助单位 | 完成期限\n"
                 "1 | 淘汰燃煤锅炉 | 旗住房和城乡建设局 | 旗生态环境分局、旗市场监督管理局 | 2023年9月30日\n"
                 "2 | 治理散煤 | 旗市场监督管理局 | 各苏木乡镇人民政府 | 长期坚持\n")
    assert got == [
        ("table_row", "淘汰燃煤锅炉", ["旗住房和城乡建设局"], ["旗生态环境分局", "旗市场监督管理局"], [], ["2023-09-30"]),
        ("table_row", "治理散煤 |", ["旗市场监督管理局"], [], ["各苏木乡镇人民政府"], []),
    ]


def test_decimal_outline_numbering():
    got = _tasks("1 工作目标\n　　全县水质稳定。\n2 主要任务\n2.1 深化工业治理。建立台账。（县生态环境局，县工业和信息化局）\n"
                 "2.2 推进污水处理。新建管网。（县住房和城乡建设局）\n")
    assert [(k, t) for k, t, *_ in got] == [("measure", "深化工业治理"), ("measure", "推进污水处理")]


def test_tables_written_with_tabs_and_with_aligned_blanks():
    tabs = _tasks("任务分解表\n序号\t工作任务\t牵头单位\t参与单位\t完成期限\n一、规范化建设\n"
                  "1\t建设隔离防护网\t县水利局\t县生态环境局\t2021年6月30日前\n"
                  "2\t编制应急预案\t\t县应急管理局\t2021年7月底前\n")
    assert [(k, t[:4], lead, sup, dl) for k, t, lead, sup, _i, dl in tabs] == [
        ("table_row", "建设隔离", ["县水利局"], ["县生态环境局"], ["2021-06-30"]),
        ("table_row", "编制应急", ["县水利局"], ["县应急管理局"], ["2021-07-31"]),  # a merged lead cell
    ]
    blanks = _tasks("序号  重点任务                  责任单位          配合单位          完成时限\n"
                    "1     扩容渗滤液处理站          县综合行政执法局  县生态环境局      2022年6月底前\n"
                    "2     建成餐厨垃圾收运体系，日  县综合行政执法局  县发展和改革局    2022年10月底前\n"
                    "      处理能力达到30吨\n"
                    "3     新建乡镇垃圾转运站        县住房和城乡建设局  各乡镇人民政府  2022年9月底前\n")
    assert [(t[:4], lead, dl) for _k, t, lead, _s, _i, dl in blanks] == [
        ("扩容渗滤", ["县综合行政执法局"], ["2022-06-30"]), ("建成餐厨", ["县综合行政执法局"], ["2022-10-31"]),
        ("新建乡镇", ["县住房和城乡建设局"], ["2022-09-30"])]


def test_a_section_headed_by_a_body_assigns_its_items():
    got = _tasks(
        "某市环境综合整治任务分解\n（三）甲县政府\n1、取缔非法小选矿企业，2006年8月底前完成。\n"
        "2、建设城区污水处理厂，2008年底前建成。（县住建局牵头）\n（四）各乡镇\n1、清理河道垃圾，年底前完成。\n"
        "（五）重点工程\n1、建设垃圾中转站。\n")
    assert got == [
        ("measure", "取缔非法小选", ["甲县政府"], [], [], ["2006-08-31"]),
        ("measure", "建设城区污水", ["县住建局"], [], [], ["2008-12-31"]),
        ("measure", "清理河道垃圾", [], [], ["各乡镇"], ["2008-12-31"]),
        ("measure", "建设垃圾中转", [], [], [], []),
    ]


def test_a_note_cut_off_by_the_end_of_the_page_still_assigns():
    got = _tasks(
        "柳塘县水污染防治工作方案\n二、主要任务\n"
        "1.排查入河排污口。2022年底前完成全县入河排污口排查。（县生态环境局牵头，县水利局、县住房和城乡建设局等配合，"
        "各乡镇人民政府负责落实。各乡镇人民政府含柳塘工业园区管委")
    assert got == [("measure", "排查入河排污", ["县生态环境局"], ["县水利局", "县住房和城乡建设局"],
                    ["各乡镇人民政府"], ["2022-12-31"])]


def test_a_labelled_note_cut_inside_a_name_keeps_the_whole_names():
    got = _tasks("一、任务\n（一）开展土壤详查。2019年底前查明农用地污染面积。（牵头单位：县环保局；责任单位：县经信局、县农业局、县国土资")
    assert got == [("measure", "开展土壤详查", ["县环保局"], ["县经信局", "县农业局"], [], ["2019-12-31"])]


def test_an_open_bracket_without_role_words_is_no_note():
    got = _tasks("一、任务\n1.建设监测站点。新建空气自动监测站3座（含县城1座、工业园区2")
    assert got == [("measure", "建设监测站点", [], [], [], [])]


def test_measures_labelled_cuoshi_under_a_goal_paragraph():
    got = _tasks(
        "一、加强燃煤治理\n（一）整治燃煤锅炉\n目标任务：到2019年，县城建成区基本淘汰10蒸吨及以下燃煤锅炉。\n"
        "措施一：推进集中供热。在工业园区建设集中供热设施。\n"
        "责任单位：各乡镇人民政府负责，县工信局、县住建局配合。\n"
        "措施二：实施清洁能源替代。推广天然气锅炉。\n"
        "责任单位：县发改局牵头，县市场监管局配合。\n")
    assert got == [
        ("measure", "推进集中供热", [], ["县工信局", "县住建局"], ["各乡镇人民政府"], []),
        ("measure", "实施清洁能源", ["县发改局"], ["县市场监管局"], [], []),
    ]


def test_label_lines_under_an_item_and_a_responsible_line_beside_the_lead():
    got = _tasks(
        "一、重点任务\n1.整治工业集聚区污水。6月底前实现在线监控全覆盖。\n牵头部门：市生态环境局\n"
        "配合部门：市工业和信息化局\n责任部门：市自然资源和规划局，各县（区）人民政府，陇泽高新区管委会\n"
        "2.加强污泥处置。建成污泥处置中心。\n责任部门：市城市管理局\n")
    assert [g[2:5] for g in got] == [
        (["市生态环境局"], ["市工业和信息化局", "市自然资源和规划局"], ["各县（区）人民政府", "陇泽高新区管委会"]),
        (["市城市管理局"], [], []),  # a responsible line with no lead line above it leads
    ]


def test_participating_units_label_supports():
    got = _tasks("一、任务\n（十二）控制流域排放。严格控制污染物排放。（牵头单位：环境保护厅、发展改革委；参加单位：水利厅、林业厅等）\n"
                 "（十三）推进减排。实施达标排放计划。（工业和信息化厅牵头，住房城乡建设厅参加）\n")
    assert [g[2:4] for g in got] == [(["环境保护厅", "发展改革委"], ["水利厅", "林业厅"]),
                                     (["工业和信息化厅"], ["住房城乡建设厅"])]


def test_an_inheritance_clause_speaks_of_the_tasks_below_its_note():
    got = _tasks(
        "一、任务\n1.扩容污水处理厂。完成扩容工程。（省住房城乡建设厅牵头，省发展改革委参与，各市、县级政府负责落实。"
        "以下任务均需各地政府负责落实，不再列出）\n2.建设乡镇污水设施。分类推进处理。（省生态环境厅牵头）\n"
        "3.清理河道。清理垃圾。（省水利厅牵头。以下任务均需各县政府落实，不再列出）\n")
    assert [g[4] for g in got] == [["各市、县级政府"], ["各地政府"], ["各地政府", "各县政府"]]


def test_an_inheritance_clause_cut_off_at_the_end_of_the_page_names_no_lead():
    got = _tasks("一、任务\n1.优化产业布局。严控新增化工园区。〔市经信局负责，市生态环境局参与，各县（市、区）人民政府负责落实。"
                 "以下均需各级政府落实，不再")
    assert got == [("measure", "优化产业布局", ["市经信局"], ["市生态环境局"], ["各县（市、区）人民政府"], [])]


def test_a_support_line_running_on_without_a_label():
    got = _tasks("二、重点任务\n1.整治入河排污口。完成排污口溯源。\n牵头单位：区生态环境局\n配合单位：区水务局、区住房和城乡建设局\n"
                 "区自然资源和规划局、区农业农村局\n")
    assert got == [("measure", "整治入河排污", ["区生态环境局"],
                    ["区水务局", "区住房和城乡建设局", "区自然资源和规划局", "区农业农村局"], [], [])]


def test_governments_of_several_levels_run_together_carry_it_out():
    for name in ("市县政府", "区县政府", "各盟市行政公署", "各地区行署", "各县市人民政府"):
        assert is_generic_territorial(name), name
    for name in ("市政府", "县人民政府", "旗人民政府"):
        assert not is_generic_territorial(name), name
    got = _tasks("一、任务\n1.整治海岸带。清理养殖池塘。（洋浦经济开发区管委会牵头，市县政府负责落实）\n"
                 "2.整治燃煤锅炉。淘汰小锅炉。（自治区生态环境厅牵头，自治区发展改革委配合，各盟市行政公署负责落实）\n")
    assert [g[2:5] for g in got] == [(["洋浦经济开发区管委会"], [], ["市县政府"]),
                                     (["自治区生态环境厅"], ["自治区发展改革委"], ["各盟市行政公署"])]


def test_label_variants_other_offices_write():
    got = _tasks(
        "二、工作任务\n1.整治工业企业。牵头单位：县工信局    配合单位：县生态环境分局、县市场监管局    完成时限：2021年9月底前\n"
        "2.控制农业面源。【牵头单位】县农业农村局【配合单位】县供销社\n"
        "3.治理扬尘。主责单位：县住建局；协同单位：县交通运输局、县城管局；实施主体：各乡镇人民政府。\n"
        "4.整治入河排污口。责任单位：县生态环境分局（牵头）、县水务局、县农业农村局。\n"
        "5.强化执法监管。主要责任单位：县生态环境分局；具体责任单位：县公安局。\n")
    assert [g[2:6] for g in got] == [
        (["县工信局"], ["县生态环境分局", "县市场监管局"], [], ["2021-09-30"]),
        (["县农业农村局"], ["县供销社"], [], []),
        (["县住建局"], ["县交通运输局", "县城管局"], ["各乡镇人民政府"], []),
        (["县生态环境分局"], ["县水务局", "县农业农村局"], [], []),
        (["县生态环境分局"], ["县公安局"], [], []),
    ]


def test_labels_closing_their_item_before_a_last_sentence():
    got = _tasks("一、任务\n3.治理村庄污水。主责单位：县生态环境分局；协同单位：县住建局。11月底前完成整治。\n")
    assert [g[:5] for g in got] == [("measure", "治理村庄污水", ["县生态环境分局"], ["县住建局"], [])]
