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
