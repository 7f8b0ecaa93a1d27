"""Property tests: the organisation functions never raise and splitting keeps offsets exact."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from taizhang.resolve import is_generic_territorial, looks_like_unit, resolve_units, split_units

PIECES = [
    "发改委",
    "市",
    "区",
    "县",
    "生态环境局",
    "环保局",
    "各镇",
    "（",
    "）",
    "(",
    ")",
    "街道",
    "、",
    "，",
    "和",
    "及",
    "与",
    " ",
    "\n",
    "等",
    "等部门",
    "由",
    "住房",
    "城乡建设局",
    "汇龙镇",
    "管委会",
    "“263”办",
    "2019年",
    "牵头",
    "海洋",
    "渔业",
    "部门",
    "各相关",
    "某某",
    "省",
    "厅",
]
text = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=3)), max_size=12).map("".join)
regions = st.sampled_from([None, "新北区", "海门市", "常州市", "江苏省", "某某县", "某某镇", "", "x"])


@settings(max_examples=300, deadline=None)
@given(text)
def test_split_units_offsets_are_exact(s: str) -> None:
    parts = split_units(s)
    last = 0
    for raw, a, b in parts:
        assert 0 <= a < b <= len(s)
        assert s[a:b] == raw
        assert raw == raw.strip() and raw
        assert a >= last
        last = b


@settings(max_examples=300, deadline=None)
@given(st.lists(text, max_size=5), regions, st.one_of(st.none(), st.integers(1990, 2040)))
def test_resolve_never_raises(raws: list[str], region: str | None, year: int | None) -> None:
    units = resolve_units(raws, region=region, year=year)
    assert [u.raw for u in units] == raws
    for r in raws:
        looks_like_unit(r)
        is_generic_territorial(r)
    for u in units:
        assert isinstance(u.name, str)
        if u.raw.strip():
            assert u.name
