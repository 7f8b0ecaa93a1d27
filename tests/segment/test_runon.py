"""Tables flattened into running text (a PDF's table copied out with single blanks between cells): invented."""

from taizhang.pipeline import extract_document
from taizhang.read import read_bytes

RUNON = (
    "附件 某县2021年扬尘污染整治方案职责清单 工作任务和内容 责任单位 配合单位 完成时间 负责全县扬尘整治的宣传报道，"
    "开展曝光.\n\n"
    "县委宣传部 持续开展 负责制定城区扬尘整治专项方案,督促拆迁工地落实防尘措施. 县住房和 城乡建设局 6月底前制定 专项方案 "
    "负责渣土运输车辆的查处,划定禁行路段. 县公安局 县交通运输局 持续开展 负责道路清扫保洁,增加洒水频次. 县城市管理局 "
    "11月底前完成\n"
    "一、保障措施\n（一）加强领导。\n")


def test_a_table_run_into_text_is_read_row_by_row():
    led = extract_document(read_bytes(RUNON.encode(), "list.txt"))
    rows = [(t.kind, t.text[:8], [u.raw for u in t.lead_units], [u.raw for u in t.support_units],
             [d.date for d in t.deadlines], t.ongoing) for t in led.tasks]
    assert rows == [
        ("table_row", "负责全县扬尘整治", ["县委宣传部"], [], [], True),
        ("table_row", "负责制定城区扬尘", ["县住房和 城乡建设局"], [], ["2021-06-30"], False),
        ("table_row", "负责渣土运输车辆", ["县公安局"], ["县交通运输局"], [], True),
        ("table_row", "负责道路清扫保洁", ["县城市管理局"], [], ["2021-11-30"], False),
    ]
    assert (led.document.title, led.document.region) == ("某县2021年扬尘污染整治方案职责清单", "某县")


def test_prose_naming_column_words_is_no_table():
    text = "各责任单位要明确工作任务，责任单位 配合单位 完成时间 要求写清楚。\n一、任务\n1.开展排查。\n"
    led = extract_document(read_bytes(text.encode(), "p.txt"))
    assert not any(t.kind == "table_row" for t in led.tasks)
