"""Field labels written inline at the end of a measure paragraph (…。牵头单位：X；配合单位：Y。), not in brackets,
and on lines of their own right under the item: they assign the units like a bracketed note. Invented text."""

from pathlib import Path

import pytest

from taizhang.pipeline import extract_file

PLAN = """某县大气污染防治攻坚行动方案
一、重点任务
（一）推进燃煤锅炉淘汰。2027年9月底前，完成全县10蒸吨/小时以下燃煤锅炉淘汰。牵头单位：县环保局；配合单位：县市监局、各乡镇人民政府。
（二）加强扬尘管控。2027年底前，建筑工地全部安装在线监测设备。责任单位：县住建局、县城管局
（三）推进农村清洁取暖。2028年6月底前，完成清洁取暖改造5000户。落实单位：各乡镇人民政府。
（四）整治餐饮油烟。城区餐饮单位全部安装油烟净化设施。牵头部门：县城管局；协办部门：县环保局、县市监局；完成时限：2027年12月底前。
（五）整治露天焚烧。长期坚持，加强秸秆禁烧巡查。
牵头单位：县农业农村局
配合单位：县环保局、各乡镇人民政府
二、强化移动源管控
1．淘汰老旧车辆。一是淘汰国三柴油货车；二是推广新能源公交车。牵头部门：县交通局；参与部门：县公安局。
2．加强油品检查。2027年3月底前完成加油站全覆盖检查。（县市监局牵头，县商务局配合）
"""


@pytest.fixture(scope="module")
def tasks(tmp_path_factory) -> dict[str, dict]:
    p: Path = tmp_path_factory.mktemp("labels") / "plan.txt"
    p.write_text(PLAN, encoding="utf-8")
    led = extract_file(p).to_dict()
    return {t["text"][:6]: t for t in led["tasks"]}


def _u(task: dict, field: str) -> list[str]:
    return [u["raw"] for u in task[field]]


@pytest.mark.parametrize("start, lead, support, impl, dates", [
    ("推进燃煤锅炉", ["县环保局"], ["县市监局"], ["各乡镇人民政府"], ["2027-09-30"]),
    ("加强扬尘管控", ["县住建局", "县城管局"], [], [], ["2027-12-31"]),
    ("推进农村清洁", [], [], ["各乡镇人民政府"], ["2028-06-30"]),
    ("整治餐饮油烟", ["县城管局"], ["县环保局", "县市监局"], [], ["2027-12-31"]),
    ("整治露天焚烧", ["县农业农村局"], ["县环保局"], ["各乡镇人民政府"], []),
    ("淘汰老旧车辆", ["县交通局"], ["县公安局"], [], []),
    ("加强油品检查", ["县市监局"], ["县商务局"], [], ["2027-03-31"]),
])
def test_inline_labels_assign_units(tasks, start, lead, support, impl, dates):
    t = tasks[start]
    assert t["kind"] == "measure"
    assert _u(t, "lead_units") == lead
    assert _u(t, "support_units") == support
    assert _u(t, "implementing_units") == impl
    assert [d["date"] for d in t["deadlines"]] == dates


def test_label_lines_join_their_item_and_subtasks_inherit(tasks):
    burn = tasks["整治露天焚烧"]
    assert burn["text"].endswith("配合单位：县环保局、各乡镇人民政府")  # one task, not a task per label line
    assert burn["ongoing"] is True
    assert not any(k.startswith(("牵头单位", "配合单位")) for k in tasks)
    sub = tasks["淘汰国三柴油"]
    assert sub["kind"] == "subtask"
    assert "牵头部门" not in sub["text"]
    assert _u(sub, "lead_units") == ["县交通局"] and _u(sub, "support_units") == ["县公安局"]
    assert tasks["推进燃煤锅炉"]["number"] == "一.（一）"
    assert tasks["淘汰老旧车辆"]["number"] == "二.1"
