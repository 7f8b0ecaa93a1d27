"""The target view and the API choose the standards as the command line does (``?standard=``), and say which
ones they used."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.urls import reverse

from service_builders import YEAR
from taizhang.service.ledger import services


def _air(pm25: float, days: int = 60) -> bytes:
    """PM2.5 70 μg/m³ every hour from 1 January of the plan's year (after 2026-03-01: the 2026 texts): AQI 110
    (not good) by HJ 633-2026, 94 (good) by HJ 633-2012."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["站点", "时间", "PM2.5(μg/m3)", "PM10(μg/m3)", "SO2", "NO2", "CO(mg/m3)", "O3"])
    t0 = dt.datetime(YEAR, 1, 1)
    for h in range(days * 24):
        w.writerow(["县城站", (t0 + dt.timedelta(hours=h)).strftime("%Y-%m-%d %H:%M"), pm25, 45, 8, 20, 0.5, 60])
    return buf.getvalue().encode("utf-8")


def test_target_view_and_api_by_standard(client, people, published):
    assert YEAR >= 2027  # the plan's year is after the change of standards
    services.add_monitoring_dataset(("a.csv", _air(70)), people["admin"], jurisdiction=published.jurisdiction)
    client.force_login(people["leader"])
    url = reverse("web:document_targets", args=[published.pk])
    page = client.get(url).content.decode()
    assert "依据：HJ 633-2026；GB 3095-2026过渡阶段二级浓度限值；HJ 663-2013方法（HJ 663-2026全文未得，沿用）" in page
    assert '<option value="auto" selected>' in page
    page12 = client.get(url, {"standard": "2012"}).content.decode()
    assert "依据：HJ 633-2012；GB 3095-2012二级浓度限值；HJ 663-2013" in page12
    assert '<option value="2012" selected>' in page12
    bad = client.get(url, {"standard": "2018"}, follow=True).content.decode()
    assert "标准“2018”不对" in bad and "依据：HJ 633-2026" in bad
    good = published.targets.get(key="G2")  # good-days ratio ≥ 85 %
    api = f"/api/targets/{good.pk}/tracking/"
    assert client.get(api).json()["actual"] == 0.0  # every day AQI 110 by the 2026 texts
    r12 = client.get(api, {"standard": "2012"}).json()
    assert r12["actual"] == 100.0 and r12["standard"].startswith("HJ 633-2012")
    assert client.get(api, {"standard": "2018"}).status_code == 400
    pm = client.get(f"/api/targets/{published.targets.get(key='G1').pk}/tracking/").json()
    assert pm["standard_limit"]["limit"] == 30 and pm["standard_limit"]["compliant"] is False
