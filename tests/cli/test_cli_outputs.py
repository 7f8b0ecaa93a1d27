"""Every command that writes a file with ``-o`` prints ``已写入 PATH`` and nothing else on standard output, for
each output type it accepts — on the bundled sample plan and the bundled sample monitoring file."""

from __future__ import annotations

import json

import pytest

from taizhang.cli.main import main
from taizhang.sample import sample_path

AIR = sample_path("txt").parent / "sample_air.csv"
WATER = "断面,日期,水体类型,溶解氧,氨氮,总磷\n甲断面,2026-01-05,河流,7.0,0.4,0.1\n乙断面,2026-01-05,湖库,4.0,0.2,0.1\n"


@pytest.fixture(scope="module")
def ledger_json(tmp_path_factory):
    out = tmp_path_factory.mktemp("ledger") / "台账.json"
    assert main(["extract", str(sample_path("docx")), "-o", str(out)]) == 0
    return out


def _commands(tmp_path, ledger_json):
    water = tmp_path / "water.csv"
    water.write_text(WATER, encoding="utf-8")
    plan = sample_path("docx")
    yield from ((["extract", str(plan), "--format", fmt], f"台账.{fmt}") for fmt in ("json", "xlsx", "md", "text"))
    yield from ((["aqi", str(AIR), "--city"], f"逐日.{ext}") for ext in ("xlsx", "csv", "json"))
    yield from ((["evaluate", str(AIR), "--year", "2026", "--city"], f"评价.{ext}") for ext in ("xlsx", "json"))
    yield from ((["water", str(water)], f"水质.{ext}") for ext in ("xlsx", "csv", "json"))
    yield from ((["track-target", str(ledger_json), "--air", str(AIR), "--through", "2026-04-30"], f"目标.{ext}")
                for ext in ("xlsx", "json"))


def test_every_output_prints_one_line_naming_it(tmp_path, ledger_json, capsys):
    assert AIR.is_file()  # the sample monitoring file ships with the package
    capsys.readouterr()
    for args, name in _commands(tmp_path, ledger_json):
        out = tmp_path / name
        assert main([*args, "-o", str(out)]) == 0, args
        assert capsys.readouterr().out == f"已写入 {out}\n", args
        assert out.stat().st_size > 0
        if out.suffix == ".json":
            json.loads(out.read_text(encoding="utf-8"))
