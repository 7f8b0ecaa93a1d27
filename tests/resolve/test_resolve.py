"""Organisations: splitting unit lists, name shapes, generic territorial roles, resolution to canonical bodies.

All examples here are invented in the genre of local plans; the gold test at the end reads ../shared.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from taizhang.errors import DataError
from taizhang.resolve import (
    ENV_VAR,
    is_generic_territorial,
    lexicon,
    looks_like_unit,
    looks_like_unit_list,
    region_level,
    region_parent,
    reload_lexicon,
    resolve_unit,
    resolve_units,
    split_units,
)


def raws(s: str) -> list[str]:
    return [r for r, _, _ in split_units(s)]


# ---------------------------------------------------------------- split_units


@pytest.mark.parametrize(
    "text, expected",
    [
        ("区市场监管局、生态环境局", ["区市场监管局", "生态环境局"]),
        ("县发改委，县财政局;县统计局", ["县发改委", "县财政局", "县统计局"]),
        ("住建局/城管局", ["住建局", "城管局"]),
        ("各镇（街道）、各区镇人民政府（管委会）", ["各镇（街道）", "各区镇人民政府（管委会）"]),
        ("各县（市、区）", ["各县（市、区）"]),
        ("市生态环境局、各县、区人民政府（管委会）", ["市生态环境局", "各县、区人民政府（管委会）"]),
        ("县、市、区人民政府", ["县、市、区人民政府"]),
        ("市发改委、市、县政府", ["市发改委", "市、县政府"]),
        ("东湖镇、西岭镇和滨海经济开发区", ["东湖镇", "西岭镇", "滨海经济开发区"]),
        ("住房和城乡建设局和交通运输局", ["住房和城乡建设局", "交通运输局"]),
        ("自然资源和规划局及水利局", ["自然资源和规划局", "水利局"]),
        ("海洋与渔业部门", ["海洋与渔业部门"]),
        ("文化广电和旅游局、卫生健康委", ["文化广电和旅游局", "卫生健康委"]),
        ("市建设局、水利局、农委等部门", ["市建设局", "水利局", "农委"]),
        ("发改委、审批局等", ["发改委", "审批局"]),
        ("由发改、环保、安监等部门", ["发改", "环保", "安监"]),
        ("住建局 城关镇", ["住建局", "城关镇"]),
        ("住建局\n城关镇", ["住建局", "城关镇"]),
        ("县公 安", ["县公 安"]),
        ("  生态环境局  ", ["生态环境局"]),
        ("", []),
        ("、、", []),
    ],
)
def test_split_units(text: str, expected: list[str]) -> None:
    assert raws(text) == expected


def test_split_offsets_point_into_the_text() -> None:
    s = "（县环保局、住建局和城关镇等参与）"
    inner = s[1:-3]
    parts = split_units(inner)
    assert [r for r, _, _ in parts] == ["县环保局", "住建局", "城关镇"]
    for raw, a, b in parts:
        assert inner[a:b] == raw


def test_split_does_not_break_inside_brackets_or_names() -> None:
    assert raws("县发改委（县化工整治办）、住建局") == ["县发改委（县化工整治办）", "住建局"]
    assert raws("发改(县化治办)、环保") == ["发改(县化治办)", "环保"]
    assert raws("工业和信息化局与商务局") == ["工业和信息化局", "商务局"]


# ---------------------------------------------------------------- is_generic_territorial


@pytest.mark.parametrize(
    "raw",
    [
        "各镇（街道）",
        "各区镇人民政府（管委会）",
        "相关镇（街道）",
        "各县（市、区）",
        "各园区",
        "属地",
        "各乡镇",
        "各街道",
        "相关园区",
        "所在乡镇",
        "各相关区镇人民政府",
        "各镇政府（园区管委会）",
        "有关区镇",
        "各区",
        "区各镇（街道）",
        "有化工企业的镇（开发区）",
        "各地",
        "镇",
        "街道办事处",
        "各县（市、区）人民政府",
        "各镇(街道)",
        "各县、区人民政府（管委会）",
        "市、县（区）政府",
    ],
)
def test_generic_territorial(raw: str) -> None:
    assert is_generic_territorial(raw)


@pytest.mark.parametrize(
    "raw",
    [
        "各相关部门",
        "各有关部门",
        "市各有关部门",
        "各成员单位",
        "各部门",
        "相关生态红线区域等主管部门",
        "城关镇",
        "开发区",
        "化工园区",
        "生态环境局",
        "相关区域",
        "有色金属工业园区",
        "县政府",
        "",
    ],
)
def test_not_generic_territorial(raw: str) -> None:
    assert not is_generic_territorial(raw)


# ---------------------------------------------------------------- looks_like_unit


@pytest.mark.parametrize(
    "s",
    [
        "住建局",
        "城关镇",
        "发改委",
        "经发局",
        "市监局",
        "海渔局",
        "供电公司",
        "公安交警",
        "县生态环境局",
        "城东街道",
        "滨海精细化工园",
        "临港经济开发区",
        "县人民政府",
        "县委宣传部",
        "县纪委监委",
        "发改",
        "安监",
        "交警大队",
        "县公共资源交易中心",
        "县城投公司",
        "县人民法院",
        "县检察院",
        "各镇（街道）",
        "各相关部门",
        "建设单位",
        "县“331”办",
        "国家税务总局某县税务局",
        "县农业农村局（县海洋与渔业局）",
        "东湖区",
        "河西区",
        "清河县",
        "县信用办",
        "县城市污水处理厂",
        "人民银行某县支行",
        "县委组织部",
        "组织部",
        "某某海事处",
        "生态环境部",
        "县防汛防旱指挥部",
    ],
)
def test_looks_like_unit(s: str) -> None:
    assert looks_like_unit(s)


@pytest.mark.parametrize(
    "s",
    [
        "试行",
        "2018—2020年",
        "以下简称县环保局",
        "含开发区",
        "暂行",
        "修订稿",
        "主城区",
        "建成区",
        "特色小镇",
        "城镇",
        "新格局",
        "挂牌督办",
        "全部",
        "干部",
        "好处",
        "会议室",
        "城市中心",
        "大厅",
        "部署",
        "燃煤机组",
        "按职责分工负责",
        "环保",
        "建设",
        "交通",
        "3处",
        "一是",
        "城乡",
        "禁燃区",
        "PM2.5",
        "不含",
        "其他",
        "重点区域",
        "行政审批局等部",
        "各有关部",
        "相关生态红线区域等主管部",
        "市区污水处",
        "修复部",
        "推进城郊结合部",
        "但各有关镇园区",
        "提升化工园区",
        "搬迁至工业园区",
        "沿江区",
        "渔政部",
        "",
    ],
)
def test_does_not_look_like_unit(s: str) -> None:
    assert not looks_like_unit(s)


def test_looks_like_unit_list() -> None:
    assert looks_like_unit_list("住建局、城关镇")
    assert looks_like_unit_list("发改、环保、安监")
    assert not looks_like_unit_list("交通、建设")
    assert not looks_like_unit_list("2019年底前")
    assert not looks_like_unit_list("试行")
    # alternatives after a territorial noun are not a unit list: 镇（街道）, 村（居委会、社区）, 镇（园区、街道）
    for alt in ("街道", "居委会、社区", "园区、街道", "管委会", "园区管委会", "社区"):
        assert not looks_like_unit_list(alt), alt
    assert is_generic_territorial("街道") and is_generic_territorial("镇")


# ---------------------------------------------------------------- regions


def test_region_levels_and_parents() -> None:
    assert region_level("江苏省") == "province"
    assert region_level("常州市") == "city"
    assert region_level("新北区") == "district"
    assert region_level("海门市") == "county"  # county-level city from the data file
    assert region_level("某某县") == "county"
    assert region_level("某某区") == "district"
    assert region_level("城关镇") == "town"
    assert region_level("上海市") == "province"
    assert region_level(None) is None
    assert region_level("") is None
    assert region_parent("新北区") == "常州市"
    assert region_parent("启东市") == "南通市"
    assert region_parent("常州市") == "江苏省"


# ---------------------------------------------------------------- resolve_units


def names(lst: list[str], region: str | None, year: int | None = None) -> list[str]:
    return [u.name for u in resolve_units(lst, region=region, year=year)]


def test_jurisdiction_and_abbreviations() -> None:
    assert names(["发改委", "生态环境局", "市监局", "审批局", "海渔局"], "海门市") == [
        "海门市发展和改革委员会",
        "海门市生态环境局",
        "海门市市场监督管理局",
        "海门市行政审批局",
        "海门市海洋与渔业局",
    ]
    assert names(["经发局", "市管局", "住建局", "城管局", "交通局", "卫健委"], "某某县") == [
        "某某县经济发展局",
        "某某县市场监督管理局",
        "某某县住房和城乡建设局",
        "某某县城市管理局",
        "某某县交通运输局",
        "某某县卫生健康委员会",
    ]


def test_shared_prefix_distributes() -> None:
    units = resolve_units(["区市场监管局", "生态环境局", "各镇（街道）"], region="新北区")
    assert [u.name for u in units] == ["新北区市场监督管理局", "新北区生态环境局", "各镇（街道）"]
    assert [u.raw for u in units] == ["区市场监管局", "生态环境局", "各镇（街道）"]
    assert units[2].generic and not units[0].generic


def test_city_prefix_in_district_document_means_parent_city() -> None:
    assert names(["市发改委", "交通局"], "新北区") == ["常州市发展和改革委员会", "常州市交通运输局"]
    assert names(["区经发局", "住建局"], "新北区") == ["新北区经济发展局", "新北区住房和城乡建设局"]
    # separate groups: no carry-over
    assert names(["住建局"], "新北区") == ["新北区住房和城乡建设局"]
    # parent unknown: keep the level generic
    assert names(["市生态环境局", "住建局"], "某某区") == ["市生态环境局", "市住房和城乡建设局"]
    assert names(["省生态环境厅"], "新北区") == ["江苏省生态环境厅"]
    assert names(["省住建厅"], "某某区") == ["省住房和城乡建设厅"]


def test_county_level_city_prefix_is_itself() -> None:
    assert names(["市环保局", "市公 安", "市委宣传部", "市政府办"], "启东市") == [
        "启东市生态环境局",
        "启东市公安局",
        "启东市委宣传部",
        "启东市人民政府办公室",
    ]


def test_reform_renames_are_recorded() -> None:
    cases = {
        "环保局": ("生态环境局", "环境保护局"),
        "县环保局": ("生态环境局", "环境保护局"),
        "国土局": ("自然资源局", "国土资源局"),
        "安监局": ("应急管理局", "安全生产监督管理局"),
        "农委": ("农业农村局", "农业委员会"),
        "农业局": ("农业农村局", "农业局"),
        "工商局": ("市场监督管理局", "工商行政管理局"),
        "质监局": ("市场监督管理局", "质量技术监督局"),
        "食药监局": ("市场监督管理局", "食品药品监督管理局"),
        "经信委": ("工业和信息化局", "经济和信息化委员会"),
        "卫计委": ("卫生健康委员会", "卫生和计划生育委员会"),
        "文广新局": ("文化广电和旅游局", "文化广电新闻出版局"),
        "规划局": ("自然资源和规划局", "规划局"),
        "法制办": ("司法局", "人民政府法制办公室"),
    }
    for raw, (new, old) in cases.items():
        u = resolve_unit(raw, region="某某县", year=2017)
        assert u.name == "某某县" + new, raw
        assert u.renamed_from == "某某县" + old, raw
    u = resolve_unit("生态环境局", region="某某县", year=2021)
    assert u.renamed_from is None
    u = resolve_unit("国税", region="某某县")
    assert (u.name, u.renamed_from) == ("国家税务总局某某县税务局", "某某县国家税务局")


def test_region_override_of_body_name() -> None:
    u = resolve_unit("国土局", region="常州市")
    assert (u.name, u.renamed_from) == ("常州市自然资源和规划局", "常州市国土资源局")
    assert resolve_unit("自然资源局", region="常州市").renamed_from is None
    assert resolve_unit("市自然资源局", region="新北区").name == "常州市自然资源和规划局"
    # the province form of a renamed body
    u = resolve_unit("省环保厅", region="常州市")
    assert (u.name, u.renamed_from) == ("江苏省生态环境厅", "江苏省环境保护厅")


def test_generic_and_places() -> None:
    us = resolve_units(
        ["各区镇人民政府(管委会)", "城关镇", "滨海精细化工园", "城东街道", "相关镇（街道）"], region="某某县"
    )
    assert [u.name for u in us] == [
        "各区镇人民政府（管委会）",
        "城关镇",
        "滨海精细化工园",
        "城东街道",
        "相关镇（街道）",
    ]
    assert [u.generic for u in us] == [True, False, False, False, True]
    assert names(["某某县"], "某某县") == ["某某县"]
    assert names(["开发区"], "启东市") == ["启东经济开发区"]


def test_level_dependent_names() -> None:
    assert names(["交警"], "某某县") == ["某某县公安局交通警察大队"]
    assert names(["交警"], "常州市") == ["常州市公安局交通警察支队"]
    assert names(["人行"], "某某县") == ["中国人民银行某某县支行"]
    assert names(["人行"], "常州市") == ["中国人民银行常州市中心支行"]
    assert names(["消防支队"], "常州市") == ["常州市消防救援支队"]


def test_unknown_mentions_never_raise() -> None:
    assert names(["县乡村振兴办"], "某某县") == ["某某县乡村振兴办"]
    assert names(["代建中心"], "某某县") == ["某某县代建中心"]
    assert names(["人民银行某某支行"], "某某县") == ["人民银行某某支行"]
    assert names(["张三"], "某某县") == ["张三"]
    assert names(["", "  ", "（）", "、", "等"], "某某县") == ["", "", "（）", "、", "等"]
    assert names(["发改委"], None) == ["发展和改革委员会"]
    assert names(["市发改委", "环保局"], None) == ["市发展和改革委员会", "市生态环境局"]
    assert resolve_units([], region="某某县") == []


def test_national_bodies_keep_their_level() -> None:
    assert names(["生态环境部", "国家发改委"], "某某县") == ["生态环境部", "国家发展和改革委员会"]
    u = resolve_unit("环保部", region="某某县")
    assert (u.name, u.renamed_from) == ("生态环境部", "环境保护部")


def test_bundled_lexicon_has_no_conflicting_aliases() -> None:
    assert lexicon().conflicts == []


# ---------------------------------------------------------------- clerk's own lexicon


def test_extra_lexicon_from_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "extra.yaml"
    f.write_text(
        "bodies:\n"
        "  - name: 乡村振兴局\n"
        "    aliases: [振兴局, 乡振局]\n"
        "regions:\n"
        "  某某县:\n"
        "    level: county\n"
        "    parent: 某某市\n"
        "    renames: {海洋与渔业局: 农业农村局}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv(ENV_VAR, str(f))
    reload_lexicon()
    try:
        assert names(["乡振局"], "某某县") == ["某某县乡村振兴局"]
        u = resolve_unit("海渔局", region="某某县")
        assert (u.name, u.renamed_from) == ("某某县农业农村局", "某某县海洋与渔业局")
        assert names(["市生态环境局"], "某某县") == ["某某市生态环境局"]
        assert names(["发改委"], "某某县") == ["某某县发展和改革委员会"]  # bundled entries still there
        assert looks_like_unit("振兴局")
    finally:
        monkeypatch.delenv(ENV_VAR)
        reload_lexicon()
    assert resolve_unit("海渔局", region="某某县").name == "某某县海洋与渔业局"


def test_bad_extra_lexicon_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text("bodies:\n  - name: [unclosed\n", encoding="utf-8")
    monkeypatch.setenv(ENV_VAR, str(f))
    reload_lexicon()
    try:
        with pytest.raises(DataError) as ei:
            resolve_unit("发改委", region="某某县")
        assert str(f) in str(ei.value)
        monkeypatch.setenv(ENV_VAR, str(tmp_path / "missing.yaml"))
        with pytest.raises(DataError) as ei:
            looks_like_unit("发改委")
        assert "missing.yaml" in str(ei.value)
        f.write_text("regions:\n  某县: {level: planet}\n", encoding="utf-8")
        monkeypatch.setenv(ENV_VAR, str(f))
        reload_lexicon()
        with pytest.raises(DataError) as ei:
            region_level("某县")
        assert "planet" in str(ei.value)
    finally:
        monkeypatch.delenv(ENV_VAR)
        reload_lexicon()


# ---------------------------------------------------------------- over the gold


def _gold_units(shared_dir: Path) -> list[tuple[str, str, str, list[str]]]:
    out = []
    for f in sorted((shared_dir / "gold").glob("*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        region = d["document"].get("region")
        for t in d["tasks"]:
            for fieldname in ("lead_units", "support_units", "implementing_units"):
                lst = t.get(fieldname) or []
                if lst:
                    out.append((f.name, region, fieldname, lst))
    return out


def _is_generic_role(u: str) -> bool:
    """The gold README's generic roles: 各…, 相关…, 有关…, 所在…, 属地, or a bare 镇 / 街道办."""
    return u.startswith(("各", "相关", "有关", "所在", "属地", "有区外")) or u in (
        "镇",
        "街道办",
        "街道办事处",
    )


def test_gold_unit_lists_round_trip_and_resolve(shared_dir: Path) -> None:
    groups = _gold_units(shared_dir)
    assert groups
    n = 0
    for fname, region, fieldname, lst in groups:
        joined = "、".join(lst)
        got = split_units(joined)
        assert [r for r, _, _ in got] == lst, (fname, fieldname, joined)
        for raw, a, b in got:
            assert joined[a:b] == raw
        units = resolve_units(lst, region=region)
        assert [u.raw for u in units] == lst
        for u in units:
            assert u.name.strip(), (fname, u.raw)
            n += 1
    assert n > 500


def test_gold_generic_roles(shared_dir: Path) -> None:
    for fname, _region, fieldname, lst in _gold_units(shared_dir):
        for u in lst:
            if fieldname == "implementing_units":
                if _is_generic_role(u):
                    assert is_generic_territorial(u), (fname, u)
            else:
                assert not is_generic_territorial(u), (fname, fieldname, u)


def test_gold_units_look_like_units(shared_dir: Path) -> None:
    """Every gold unit list is recognised as a unit list (the extractor relies on it for role-less notes)."""
    misses = []
    for fname, _region, _f, lst in _gold_units(shared_dir):
        if not looks_like_unit_list("、".join(lst)):
            misses.append((fname, lst))
    assert misses == []


def test_gold_renames_resolve(shared_dir: Path) -> None:
    """Pre-reform names written in the gold documents resolve to today's bodies, with the rename recorded."""
    seen = {}
    for _fname, region, _f, lst in _gold_units(shared_dir):
        for u in resolve_units(lst, region=region):
            seen[(region, u.raw)] = u
    u = seen[("启东市", "市环保局")]
    assert (u.name, u.renamed_from) == ("启东市生态环境局", "启东市环境保护局")
    u = seen[("启东市", "安监")]
    assert u.name == "启东市应急管理局" and u.renamed_from
    u = seen[("新北区", "区市场监管局")]
    assert u.name == "新北区市场监督管理局" and u.renamed_from is None
