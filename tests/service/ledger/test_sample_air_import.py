"""``taizhang monitoring-import`` of the bundled sample air file (the README's command)."""

from __future__ import annotations

from pathlib import Path

from taizhang.cli.main import main
from taizhang.sample import build_monitoring
from taizhang.service.ledger.models import MonitoringDataset

SAMPLE = Path(build_monitoring.__file__).resolve().parent / "sample_air.csv"


def test_monitoring_import_of_the_sample(people, published, capsys):
    assert main(["monitoring-import", str(SAMPLE), "--jurisdiction", "桐溪县"]) == 0
    ds = MonitoringDataset.objects.get()
    assert str(ds.period_start) == "2026-01-01" and str(ds.period_end) == "2026-04-30"
    assert ds.stations == ["城东站", "城西站", "开发区站"] and ds.records == 3 * 120 * 24 - 48
    assert "城东站、城西站、开发区站" in capsys.readouterr().out
