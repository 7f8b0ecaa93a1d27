"""Stored monitoring data: uploaded once per jurisdiction (target view, CLI), kept with its original file,
and every target of the jurisdiction's plans tracked against it (target view, API)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from service_builders import YEAR, as_user, build_ledger, media_files
from taizhang.cli.main import main
from taizhang.service.ledger import audit, services
from taizhang.service.ledger.errors import DuplicateDocument, NotAllowed, ServiceError
from taizhang.service.ledger.models import AuditEvent, MonitoringDataset

pytestmark = pytest.mark.django_db


def air_csv(year: int, pm25: float, *, start: dt.date | None = None, end: dt.date | None = None,
            stations=("县城站",)) -> bytes:
    """Hourly air data (wide layout) of invented stations from ``start`` to ``end`` (default: the whole
    ``year``), PM2.5 constant, the other pollutants low and constant."""
    start = start or dt.date(year, 1, 1)
    end = end or dt.date(year, 12, 31)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["站点", "时间", "PM2.5(μg/m3)", "PM10(μg/m3)", "SO2", "NO2", "CO(mg/m3)", "O3"])
    t0 = dt.datetime.combine(start, dt.time())
    for s in stations:
        for h in range(((end - start).days + 1) * 24):
            t = t0 + dt.timedelta(hours=h)
            w.writerow([s, t.strftime("%Y-%m-%d %H:%M"), pm25, 45, 8, 20, 0.5, 60])
    return buf.getvalue().encode("utf-8")



def targets_table(html: str) -> str:
    return html[html.index('id="targets-table"'):html.index("</table>")]


def test_reviewer_uploads_air_data_and_everyone_sees_the_targets_tracked(client, people, published):
    data = air_csv(YEAR, 28, stations=("县城站", "开发区站"))
    url = reverse("web:monitoring_upload", args=[published.pk])
    resp = as_user(client, people["reviewer"]).post(url, {
        "kind": "air", "note": "全年数据", "file": SimpleUploadedFile("桐溪县空气.csv", data, "text/csv")}, follow=True)
    html = resp.content.decode()
    assert "已保存桐溪县空气质量小时数据" in html
    ds = MonitoringDataset.objects.get()
    assert (ds.jurisdiction, ds.kind, ds.original_name, ds.note) == (published.jurisdiction, "air", "桐溪县空气.csv",
                                                                     "全年数据")
    assert ds.period_start == dt.date(YEAR, 1, 1) and ds.period_end == dt.date(YEAR, 12, 31)
    assert ds.years == [YEAR] and ds.stations == ["县城站", "开发区站"] and ds.layout == "wide"
    days = (dt.date(YEAR + 1, 1, 1) - dt.date(YEAR, 1, 1)).days
    assert ds.records == 2 * days * 24 and ds.size == len(data) and ds.uploaded_by == people["reviewer"]
    with services.open_file(ds.original) as fh:
        assert fh.read() == data
    import hashlib

    assert ds.sha256 == hashlib.sha256(data).hexdigest()
    event = AuditEvent.objects.get(action="monitoring.upload")
    assert event.actor == people["reviewer"] and event.data["sha256"] == ds.sha256 and event.data["records"] == ds.records
    assert audit.verify_chain().ok
    # a leader (read-only) sees the same figures and the list of datasets, but no upload form
    html = as_user(client, people["leader"]).get(reverse("web:document_targets", args=[published.pk])).content.decode()
    table = targets_table(html)
    assert table.count("已达标<br>") == 2  # PM2.5 28 ≤ 32; every day good: 100 % ≥ 85 %
    assert "28μg/m3" in table and "余量4μg/m3" in table
    assert f"{YEAR}-01-01 至 {YEAR}-12-31" in table and "2 个站点" in table
    listing = html[html.index('id="monitoring-datasets"'):]
    assert "桐溪县空气.csv" in listing and "reviewer" in listing and "县城站、开发区站" in listing
    assert 'id="monitoring-form"' not in html
    # the original is downloadable by every ledger role
    resp = client.get(reverse("web:monitoring_original", args=[ds.pk]))
    assert resp.status_code == 200 and b"".join(resp.streaming_content) == data


def test_year_to_date_gives_the_value_so_far_and_what_the_rest_of_the_year_must_average(client, people, published):
    services.add_monitoring_dataset(("一季度.csv", air_csv(YEAR, 34, end=dt.date(YEAR, 3, 31))), people["admin"],
                                    jurisdiction=published.jurisdiction)
    html = as_user(client, people["leader"]).get(reverse("web:document_targets", args=[published.pk])).content.decode()
    table = targets_table(html)
    assert "年内至今" in table and "34μg/m3" in table
    days = (dt.date(YEAR + 1, 1, 1) - dt.date(YEAR, 1, 1)).days
    so_far = (dt.date(YEAR, 3, 31) - dt.date(YEAR, 1, 1)).days + 1
    rest = days - so_far
    need = (32.5 * days - 34 * so_far) / rest  # the rounded annual mean stays ≤ 32 below 32.5
    assert f"余下{rest}天日均值须平均低于{need:.1f}" in table
    assert "须改善才能达标" in table  # 34 so far, above the target
    # ?through= cuts the year earlier
    html = client.get(reverse("web:document_targets", args=[published.pk]) + f"?through={YEAR}-01-31").content.decode()
    assert f"{YEAR}-01-01 至 {YEAR}-01-31" in targets_table(html)


def test_monthly_uploads_are_combined_and_a_later_upload_wins(people, published):
    from taizhang.service.ledger.monitoring import track_targets

    adm, jur = people["admin"], published.jurisdiction
    services.add_monitoring_dataset(("上半年.csv", air_csv(YEAR, 28, end=dt.date(YEAR, 6, 30))), adm, jurisdiction=jur)
    services.add_monitoring_dataset(("下半年.csv", air_csv(YEAR, 40, start=dt.date(YEAR, 7, 1))), adm, jurisdiction=jur)
    pm = published.targets.get(key="G1")
    r = track_targets([pm], jur)[0]
    days = (dt.date(YEAR + 1, 1, 1) - dt.date(YEAR, 1, 1)).days
    first = (dt.date(YEAR, 7, 1) - dt.date(YEAR, 1, 1)).days
    expected = round((28 * first + 40 * (days - first)) / days)
    assert r["actual"] == expected and r["status"] == "missed" and r["by"] == expected - 32
    assert len(r["data"]["datasets"]) == 2 and not r["data"]["year_to_date"]
    # a corrected second half: the later upload replaces the same hours
    services.add_monitoring_dataset(("下半年（更正）.csv", air_csv(YEAR, 28, start=dt.date(YEAR, 7, 1))), adm,
                                    jurisdiction=jur)
    r = track_targets([pm], jur)[0]
    assert r["actual"] == 28 and r["status"] == "met" and len(r["data"]["datasets"]) == 3


def test_reduce_by_against_a_baseline_year_and_water_sections(people, import_plan, plan_text):
    ledger = build_ledger()
    ledger["targets"] += [
        {"id": "G3", "indicator": "PM2.5浓度", "comparator": "reduce_by", "value": 20, "unit": "%", "year": YEAR,
         "baseline_year": 2015, "stretch_value": None, "text": "PM2.5浓度比2015年下降20%"},
        {"id": "G4", "indicator": "国考断面水质优良（达到或优于Ⅲ类）比例", "comparator": ">=", "value": 100,
         "unit": "%", "year": YEAR, "baseline_year": None, "stretch_value": None, "text": "国考断面优Ⅲ比例100%"},
    ]
    doc = import_plan(ledger=ledger, text=plan_text)
    from taizhang.service.ledger.monitoring import track_targets

    adm, jur = people["admin"], doc.jurisdiction
    targets = [doc.targets.get(key="G3"), doc.targets.get(key="G4")]
    before = track_targets(targets, jur)
    assert [r["status"] for r in before] == ["no_data", "no_data"]
    assert "尚未上传桐溪县" in before[0]["message"] and "地表水" in before[1]["message"]
    services.add_monitoring_dataset(("2015.csv", air_csv(2015, 40)), adm, jurisdiction=jur, note="基准年2015")
    services.add_monitoring_dataset(("now.csv", air_csv(YEAR, 33)), adm, jurisdiction=jur)
    water = (f"断面,日期,溶解氧,氨氮,总磷\n甲断面,{YEAR}-03-05,7.5,0.3,0.05\n乙断面,{YEAR}-03-06,4.0,1.8,0.35\n"
             "乙断面,2015-03-06,7.0,0.2,0.05\n")
    services.add_monitoring_dataset(("water.csv", water.encode()), adm, jurisdiction=jur, kind="water")
    pm, wq = track_targets(targets, jur)
    assert pm["threshold"] == 32 and pm["actual"] == 33 and pm["status"] == "missed"  # 40 − 20 % = 32
    assert pm["baseline_data"]["year"] == 2015 and pm["data"]["year"] == YEAR
    # 乙 is class V in the target year (DO 4.0 → IV, NH3-N 1.8 → V, TP 0.35 → V); its 2015 sample is not counted
    assert wq["actual"] == 50.0 and wq["basis"]["sections"] == 2 and wq["status"] in ("at_risk", "missed")


def test_the_same_file_again_is_refused_and_nothing_is_added(client, people, published):
    data = air_csv(YEAR, 30, end=dt.date(YEAR, 1, 31))
    services.add_monitoring_dataset(("一月.csv", data), people["admin"], jurisdiction=published.jurisdiction)
    files, events = media_files("monitoring"), AuditEvent.objects.count()
    html = as_user(client, people["reviewer"]).post(reverse("web:monitoring_upload", args=[published.pk]), {
        "kind": "air", "file": SimpleUploadedFile("改了名字.csv", data)}, follow=True).content.decode()
    assert "该监测数据文件已上传过" in html and "一月.csv" in html and "admin" in html
    assert MonitoringDataset.objects.count() == 1 and media_files("monitoring") == files and AuditEvent.objects.count() == events
    with pytest.raises(DuplicateDocument):
        services.add_monitoring_dataset(("x.csv", data), people["reviewer"], jurisdiction=published.jurisdiction)


def test_a_bad_file_names_file_and_line_and_stores_nothing(client, people, published):
    lines = air_csv(YEAR, 30, end=dt.date(YEAR, 1, 2)).decode().splitlines()
    lines[3] = lines[3].replace(",30,", ",三十,")  # the 4th line of the file
    events = AuditEvent.objects.count()
    c = as_user(client, people["admin"])
    url = reverse("web:monitoring_upload", args=[published.pk])
    html = c.post(url, {"kind": "air", "file": SimpleUploadedFile("坏数据.csv", "\n".join(lines).encode())},
                  follow=True).content.decode()
    assert "监测数据有误，未保存" in html and "坏数据.csv:4" in html and "第4行" in html and "三十" in html
    html = c.post(url, {"kind": "water", "file": SimpleUploadedFile("水.csv", "断面,溶解氧\n甲,7\n".encode())},
                  follow=True).content.decode()
    assert "水.csv:2" in html and "没有采样日期" in html
    html = c.post(url, {"kind": "air", "file": SimpleUploadedFile("数据.pdf", b"%PDF-1.4")}, follow=True).content.decode()
    assert "数据.pdf" in html and ".csv 或 .xlsx" in html
    assert "请选择监测数据文件" in c.post(url, {"kind": "air"}, follow=True).content.decode()
    assert MonitoringDataset.objects.count() == 0 and media_files("monitoring") == []
    assert AuditEvent.objects.count() == events


def test_leaders_and_units_cannot_upload(client, people, published):
    data = air_csv(YEAR, 30, end=dt.date(YEAR, 1, 3))
    url = reverse("web:monitoring_upload", args=[published.pk])
    for who in ("leader", "liaison_a", "inspector"):
        resp = as_user(client, people[who]).post(url, {"kind": "air", "file": SimpleUploadedFile("a.csv", data)})
        assert resp.status_code == 403
        html = client.get(reverse("web:document_targets", args=[published.pk])).content.decode()
        assert 'id="monitoring-form"' not in html and "监测数据由指挥部办公室上传" in html
    with pytest.raises(NotAllowed):
        services.add_monitoring_dataset(("a.csv", data), people["leader"], jurisdiction=published.jurisdiction)
    assert MonitoringDataset.objects.count() == 0 and media_files("monitoring") == []
    assert 'id="monitoring-form"' in as_user(client, people["reviewer"]).get(
        reverse("web:document_targets", args=[published.pk])).content.decode()


def test_api_gives_the_same_tracking_as_the_target_view(client, people, published, import_plan, plan_text):
    services.add_monitoring_dataset(("a.csv", air_csv(YEAR, 28)), people["admin"], jurisdiction=published.jurisdiction)
    pm = published.targets.get(key="G1")
    c = as_user(client, people["leader"])
    r = c.get(f"/api/targets/{pm.pk}/tracking/").json()
    assert r["status"] == "met" and r["actual"] == 28 and r["data"]["stations"] == 1
    assert c.get(f"/api/targets/{pm.pk}/tracking/?through={YEAR}-02-29x").status_code == 400
    draft = import_plan(text=plan_text + "（第二批）\n", name="plan2.txt")
    draft_target = draft.targets.get(key="G1")
    assert c.get(f"/api/targets/{draft_target.pk}/tracking/").status_code == 404  # drafts: reviewers only, as in the UI
    assert as_user(client, people["reviewer"]).get(f"/api/targets/{draft_target.pk}/tracking/").json()["actual"] == 28


def test_monitoring_import_command(people, published, tmp_path, capsys):
    path = tmp_path / "桐溪县2015.csv"
    path.write_bytes(air_csv(2015, 40, end=dt.date(2015, 1, 10), stations=("县城站", "东郊站")))
    assert main(["monitoring-import", str(path), "--jurisdiction", "桐溪县", "--user", "reviewer",
                 "--note", "基准年"]) == 0
    out = capsys.readouterr().out
    ds = MonitoringDataset.objects.get()
    assert f"数据集编号 {ds.pk}" in out and "2015-01-01 至 2015-01-10" in out and "县城站、东郊站" in out
    assert ds.uploaded_by == people["reviewer"] and ds.note == "基准年" and ds.records == 2 * 10 * 24
    assert main(["monitoring-import", str(path), "--jurisdiction", "桐溪县"]) == 2
    assert "已上传过" in capsys.readouterr().err
    bad = tmp_path / "bad.csv"
    bad.write_text("站点,时间,PM2.5\n县城站,2015-01-01 00:00,12\n县城站,2015-01-01 24:00,13\n", encoding="utf-8")
    assert main(["monitoring-import", str(bad), "--jurisdiction", "桐溪县"]) == 2
    err = capsys.readouterr().err
    assert "bad.csv:3" in err and "24:00" in err
    assert main(["monitoring-import", str(bad), "--jurisdiction", "不存在县"]) == 2
    assert "行政区“不存在县”不存在" in capsys.readouterr().err
    assert main(["monitoring-import", str(tmp_path / "missing.csv"), "--jurisdiction", "桐溪县"]) == 2
    assert main(["monitoring-import", str(path), "--jurisdiction", "桐溪县", "--user", "leader"]) == 2
    assert main(["monitoring-import", str(bad), "--jurisdiction", "桐溪县", "--kind", "water"]) == 2
    assert MonitoringDataset.objects.count() == 1


def test_service_refuses_an_unknown_kind(people, published):
    with pytest.raises(ServiceError, match="监测数据类型"):
        services.add_monitoring_dataset(("a.csv", b"x"), people["admin"], jurisdiction=published.jurisdiction,
                                        kind="noise")
