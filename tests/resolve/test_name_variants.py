"""Which organisation names are one body (variant_key) and which name a group of bodies (is_collective)."""

from __future__ import annotations

import pytest

from taizhang.resolve.variants import is_collective, variant_key


@pytest.mark.parametrize("a, b", [
    ("吕四港镇", "吕四港镇人民政府"),
    ("南湖街道", "南湖街道办事处"),
    ("高新区", "高新区管委会"),
    ("启东市自然资源局", "启东市自然资源和规划局"),  # the name the body carries in Jiangsu's cities (regions.yaml)
    ("启东市“三供一业”办", '启东市"三供一业"办'),
    ("城关镇（南区）", "城关镇(南区)"),
    ("启东市 生态环境局", "启东市生态环境局"),
])
def test_two_ways_of_writing_one_body_share_a_key(a, b):
    assert variant_key(a) == variant_key(b)


@pytest.mark.parametrize("a, b", [
    ("启东市生态环境局", "启东市住房和城乡建设局"),
    ("启东市人民政府", "启东市人民政府办公室"),
    ("吕四港镇", "海复镇"),
    ("启东市自然资源和规划局", "南通市自然资源和规划局"),
])
def test_different_bodies_keep_different_keys(a, b):
    assert variant_key(a) != variant_key(b)


@pytest.mark.parametrize("name", ["各区", "镇", "所在乡镇", "启东市各部门", "市各委办局", "各成员单位", "相关单位",
                                  "有关部门", "沿江各镇", "领导小组成员单位", "启东市各相关部门",
                                  "启东市生态红线区域各相关主管部门", "有关主管部门", ""])
def test_placeholders_and_groups_are_collective(name):
    assert is_collective(name, region="启东市")


@pytest.mark.parametrize("name", ["启东市生态环境局", "县生态环境局", "吕四港镇", "启东市人民政府", "启东市工商业联合会"])
def test_one_body_is_not_collective(name):
    assert not is_collective(name, region="启东市")
