"""The stages run one way and each can be run alone (invented texts): segment gives the outline, field blocks and
table layouts; annotate finds every note, unit, date, flag and status phrase as spans; assemble attaches them to
tasks by scope; resolve dates what was written without a year."""

import datetime

from taizhang.extract.annotate import annotate
from taizhang.extract.problems import find_problems, problem_blocks
from taizhang.extract.tables import table_drafts
from taizhang.extract.tasks import find_measures
from taizhang.read import read_bytes
from taizhang.segment.outline import build_outline
from taizhang.segment.tables import layout
from taizhang.text import normalise_document

TEXT = (
    "一、重点任务\n"
    "1.整治燃煤锅炉。全面淘汰10蒸吨以下燃煤锅炉。（县环保局牵头，县发改局配合，2024年底前完成）\n"
    "2.治理施工扬尘。长期坚持工地巡查。（县住建局牵头，各乡镇人民政府负责落实）\n"
    "二、问题整改\n"
    "问题描述：河道两岸垃圾堆积。\n"
    "责任单位：县水利局\n"
    "整改进展：已完成整改。\n"
    "三、任务分解\n"
    "序号 | 工作任务 | 牵头单位 | 完成时限\n"
    "1 | 建设垃圾中转站 | 县城管局 | 2024年6月底前\n"
    "2 | 开展河道保洁 | 县水利局 | 持续推进\n"
)


def _segment():
    doc, _ = normalise_document(read_bytes(TEXT.encode(), "s.txt"))
    ol = build_outline(doc, 0)
    blocks, covered = problem_blocks(ol)
    layouts = [lay for t in doc.tables() if (lay := layout(doc.text, t)) is not None]
    return doc, ol, blocks, covered, layouts


def test_segment_alone():
    doc, ol, blocks, covered, layouts = _segment()
    assert [n.title for n in ol.roots] == ["重点任务", "问题整改", "任务分解"]
    assert [(f.kind, doc.text[f.value_start:f.value_end]) for b in blocks for f in b.fields] == [
        ("unit", "县水利局"), ("progress", "已完成整改。")]
    (lay,) = layouts
    assert [c.kind for c in lay.cols] == ["number", "text", "lead", "deadline"]
    assert [[p.value for p in r.placed] for r in lay.rows] == [
        ["1", "建设垃圾中转站", "县城管局", "2024年6月底前"], ["2", "开展河道保洁", "县水利局", "持续推进"]]


def test_annotate_alone():
    doc, ol, blocks, covered, layouts = _segment()
    text = doc.text
    ann = annotate(ol, blocks, layouts, covered, doc_date=datetime.date(2024, 3, 1), plan_year=None)
    notes = [n for ns in ann.notes.values() for n in ns]
    assert [[(u.raw, u.field) for u in n.units] for n in notes] == [
        [("县环保局", "lead"), ("县发改局", "support")], [("县住建局", "lead"), ("各乡镇人民政府", "implementing")]]
    assert [(x.deadline.text, x.deadline.date) for x in ann.dates] == [
        ("2024年底前", "2024-12-31"), ("2024年6月底前", "2024-06-30")]
    assert sorted(u.raw for us in ann.field_units.values() for u in us) == ["县水利局"]
    assert sorted(u.raw for us in ann.cell_units.values() for u in us) == ["县城管局", "县水利局"]
    assert [(text[f.start:f.end], f.kind) for f in ann.flags if f.kind == "ongoing"] == [("长期坚持", "ongoing")]
    k = text.index("已完成整改")
    assert ann.status_in(k, k + 6) == "completed"


def test_assemble_attaches_by_scope():
    doc, ol, blocks, covered, layouts = _segment()
    ann = annotate(ol, blocks, layouts, covered, doc_date=datetime.date(2024, 3, 1), plan_year=None)
    measures = find_measures(ol, covered, ann, [])
    problems = find_problems(ol, blocks, ann)
    rows = table_drafts(doc.text, layouts, ann, doc_date=datetime.date(2024, 3, 1))
    assert [(d.kind, doc.text[d.start:d.start + 6], [u.raw for u in d.units]) for d in measures + problems + rows] == [
        ("measure", "整治燃煤锅炉", ["县环保局", "县发改局"]),
        ("measure", "治理施工扬尘", ["县住建局", "各乡镇人民政府"]),
        ("problem", "河道两岸垃圾", ["县水利局"]),
        ("table_row", "建设垃圾中转", ["县城管局"]),
        ("table_row", "开展河道保洁", ["县水利局"]),
    ]
    assert problems[0].status == "completed"
    first = measures[0]
    assert [x.deadline.date for s, e in first.deadline_regions for x in ann.dates_in(s, e)] == ["2024-12-31"]


def test_resolve_dates_a_year_less_deadline_by_its_tasks_year():
    from taizhang.extract.deadlines import find_deadlines, year_less

    (dl,) = find_deadlines("6月底前完成排查。", doc_date=None)
    assert dl.date is None and year_less(dl, 2021).date == "2021-06-30"
