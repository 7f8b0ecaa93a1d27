"""What a plan says about itself is no task: ways of working, principles, the situation, achievements so far; and a
signature's date closes the body (invented texts)."""

from taizhang.pipeline import extract_document
from taizhang.read import read_bytes


def _texts(text: str) -> list[str]:
    led = extract_document(read_bytes(text.encode("utf-8"), "plan.txt"))
    return [t.text[:8] for t in led.tasks]


def test_ways_of_working_principles_and_achievements_are_no_tasks():
    assert _texts(
        "某县2024年大气污染防治工作计划\n"
        "（一）工作思路。以改善空气质量为核心，坚持精准治污、科学治污。\n"
        "（二）主要目标。全县优良天数比率达到85%以上。\n"
        "（三）重点任务。开展工业炉窑专项整治，年底前完成。\n") == ["重点任务。开展工"]
    assert _texts(
        "一、大气污染防治形势\n（一）主要进展成效\n近年来累计关停砖瓦窑20家，空气质量持续改善。\n"
        "二、整改原则\n（一）坚持党政同责。各部门要切实增强责任意识。\n（二）坚持标本兼治。既治标又治本。\n"
        "三、重点任务\n（一）整治散乱污企业。开展拉网式排查。\n") == ["整治散乱污企业。"]


def test_a_signature_date_closes_the_last_item():
    led = extract_document(read_bytes(
        "某镇关于环境问题整改情况的报告\n一、下步计划\n（一）加强宣传引导，动员群众参与环境保护。\n"
        "（二）加大巡查力度，及时发现并处置问题。\n我镇将持续巩固整改成效。\n2020年X月XX日\n".encode(), "r.txt"))
    assert [(t.text, t.deadlines) for t in led.tasks][-1] == ("加大巡查力度，及时发现并处置问题。\n我镇将持续巩固整改成效。", [])
