"""The bundled sample air file: it is what its generator writes, and aqi / evaluate / track-target work on it
right after set-up (the README's commands), across the change of standards on 2026-03-01."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from taizhang.cli.main import main
from taizhang.sample import build_monitoring

SAMPLE = Path(build_monitoring.__file__).resolve().parent / "sample_air.csv"
PLAN = SAMPLE.parent / "sample_plan.docx"


def test_the_shipped_file_is_the_generators(tmp_path):
    assert build_monitoring.build(tmp_path / "again.csv").read_bytes() == SAMPLE.read_bytes()


def test_aqi_on_the_sample(capsys):
    assert main(["aqi", str(SAMPLE), "--city"]) == 0
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert [r["日期"] for r in (rows[0], rows[-1])] == ["2026-01-01", "2026-04-30"] and len(rows) == 120
    assert {r["标准"] for r in rows[:59]} == {"HJ 633-2012"} and {r["标准"] for r in rows[59:]} == {"HJ 633-2026"}
    assert all(r["AQI"] for r in rows)  # the city has a station with data every day
    assert main(["aqi", str(SAMPLE), "--station", "城西站", "--from", "2026-02-09", "--to", "2026-02-12"]) == 0
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert [bool(r["AQI"]) for r in rows] == [True, False, False, True]  # the outage of 10–11 February
    assert rows[1]["说明"].startswith("无效日：")


def test_evaluate_and_track_on_the_sample(tmp_path, capsys):
    assert main(["evaluate", str(SAMPLE), "--year", "2026", "--city"]) == 0
    ev = json.loads(capsys.readouterr().out)["evaluations"][0]
    assert [p["aqi"] for p in ev["standards"]] == ["HJ 633-2012", "HJ 633-2026"]
    assert ev["period"]["days"] == 120 and ev["pollutants"]["PM2.5"]["limit"] == 30
    assert any(i["date"] == "2026-03-18" and i["item"] == "PM2.5_24h" for i in
               json.loads(_stdout(capsys, ["evaluate", str(SAMPLE), "--year", "2026", "--station", "开发区站"]))
               ["evaluations"][0]["invalid"])
    ledger = tmp_path / "台账.json"
    assert main(["extract", str(PLAN), "--format", "json", "-o", str(ledger)]) == 0
    capsys.readouterr()
    assert main(["track-target", str(ledger), "--air", str(SAMPLE), "--through", "2026-04-30"]) == 0
    out = capsys.readouterr().out
    assert "PM2.5" in out and "年内至今" in out and "依据：2026-01-01至2026-02-28：HJ 633-2012" in out


def _stdout(capsys, argv) -> str:
    capsys.readouterr()
    assert main(argv) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("fmt", ["xlsx", "json"])
def test_outputs_name_the_standard(tmp_path, capsys, fmt):
    out = tmp_path / f"aqi.{fmt}"
    assert main(["aqi", str(SAMPLE), "--city", "-o", str(out)]) == 0
    assert capsys.readouterr().out == f"已写入 {out}\n"
    if fmt == "json":
        rows = json.loads(out.read_text(encoding="utf-8"))
        assert rows[0]["standard"] == "HJ 633-2012" and rows[-1]["standard"] == "HJ 633-2026"
    else:
        import openpyxl

        ws = openpyxl.load_workbook(out).active
        header = [c.value for c in ws[1]]
        col = header.index("标准")
        values = [r[col] for r in ws.iter_rows(min_row=2, values_only=True)]
        assert values[0] == "HJ 633-2012" and values[-1] == "HJ 633-2026"
