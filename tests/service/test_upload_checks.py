"""Uploads in the service: the size bounds of taizhang.limits on documents, evidence and monitoring files (a
Chinese form error / JSON 413, nothing stored, a far larger file cut off while it arrives); a refused import
names the user's file, never a server path; evidence typed from its bytes, refused outside the allow-list,
and served with that type, nosniff, and as an attachment unless it is a picture or a PDF."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from service_builders import as_user, month
from taizhang.service.ledger import services
from taizhang.service.ledger.models import Document, EvidenceFile, MonitoringDataset, ProgressReport

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def word_file() -> bytes:
    d = docx.Document()
    d.add_paragraph("锅炉淘汰验收意见")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def stored_files(folder: str = "evidence") -> list[Path]:
    """Files stored under one folder of the media root (the plan of the fixtures is under originals/)."""
    root = Path(settings.MEDIA_ROOT) / folder
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def web_report(client, task, *files):
    return client.post(reverse("web:task_report", args=[task.pk]),
                       {"period": month(), "percent": "40", "text": "已完成", "files": list(files)}, follow=True)


def api_report(user, task, *files):
    client = Client()
    client.force_login(user)
    return client.post("/api/reports/", {"task": task.pk, "period": month(), "text": "已完成", "percent": "40",
                                         "files": list(files)})


# ---- sizes ------------------------------------------------------------------------------------------------

def test_evidence_over_its_bound_is_a_form_error_and_nothing_is_stored(client, people, task1, monkeypatch):
    monkeypatch.setenv("TAIZHANG_MAX_EVIDENCE_BYTES", "2000")
    resp = web_report(as_user(client, people["liaison_a"]), task1,
                      SimpleUploadedFile("现场照片.jpg", JPEG + b"\x00" * 3000, "image/jpeg"))
    html = resp.content.decode()
    assert "现场照片.jpg" in html and "文件过大" in html and "TAIZHANG_MAX_EVIDENCE_BYTES" in html
    assert not ProgressReport.objects.exists() and not EvidenceFile.objects.exists() and not stored_files()
    # just under the bound is taken
    web_report(client, task1, SimpleUploadedFile("现场照片.jpg", JPEG + b"\x00" * 1500, "image/jpeg"))
    assert EvidenceFile.objects.count() == 1


def test_evidence_over_its_bound_on_the_api_is_413(people, task1, monkeypatch):
    monkeypatch.setenv("TAIZHANG_MAX_EVIDENCE_BYTES", "2000")
    resp = api_report(people["liaison_a"], task1, SimpleUploadedFile("现场照片.jpg", JPEG + b"\x00" * 3000))
    assert resp.status_code == 413
    assert "文件过大" in resp.json()["detail"] and "TAIZHANG_MAX_EVIDENCE_BYTES" in resp.json()["detail"]
    assert not ProgressReport.objects.exists() and not stored_files()


def test_a_plan_over_its_bound_is_refused_on_the_web_and_the_api(client, people, plan_text, monkeypatch):
    monkeypatch.setenv("TAIZHANG_MAX_DOCUMENT_BYTES", "100")
    data = plan_text.encode()
    assert len(data) > 100
    resp = as_user(client, people["reviewer"]).post(reverse("web:document_upload"),
                                                    {"file": SimpleUploadedFile("方案.txt", data)}, follow=True)
    html = resp.content.decode()
    assert "方案.txt" in html and "文件过大" in html and "TAIZHANG_MAX_DOCUMENT_BYTES" in html
    api = Client()
    api.force_login(people["reviewer"])
    resp = api.post("/api/documents/", {"file": SimpleUploadedFile("方案.txt", data)})
    assert resp.status_code == 413 and "TAIZHANG_MAX_DOCUMENT_BYTES" in resp.json()["detail"]
    assert not Document.objects.exists() and not stored_files("originals")


def test_monitoring_over_its_bound_is_a_form_error(client, people, published, monkeypatch):
    monkeypatch.setenv("TAIZHANG_MAX_MONITORING_BYTES", "50")
    csv = "站点,时间,PM2.5\n县城站,2026-01-01 00:00,30\n县城站,2026-01-01 01:00,31\n".encode()
    resp = as_user(client, people["reviewer"]).post(
        reverse("web:monitoring_upload", args=[published.pk]),
        {"kind": "air", "file": SimpleUploadedFile("空气.csv", csv)}, follow=True)
    html = resp.content.decode()
    assert "空气.csv" in html and "TAIZHANG_MAX_MONITORING_BYTES" in html
    assert not MonitoringDataset.objects.exists() and not stored_files("monitoring")


def test_a_file_far_over_every_bound_is_cut_off_as_it_arrives(people, task1, monkeypatch):
    for name in ("DOCUMENT", "EVIDENCE", "MONITORING"):
        monkeypatch.setenv(f"TAIZHANG_MAX_{name}_BYTES", str(64 * 1024))
    from django.core.files import uploadhandler

    kept = []  # what the handlers that keep a file (memory, temporary file) were given
    for cls in (uploadhandler.MemoryFileUploadHandler, uploadhandler.TemporaryFileUploadHandler):
        original = cls.receive_data_chunk

        def counting(self, raw_data, start, original=original):
            kept.append(len(raw_data))
            return original(self, raw_data, start)

        monkeypatch.setattr(cls, "receive_data_chunk", counting)
    big = SimpleUploadedFile("录像.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * (3 * 1024 * 1024))
    resp = api_report(people["liaison_a"], task1, big)
    assert resp.status_code == 413 and "录像.mp4" in resp.json()["detail"] and "以上" in resp.json()["detail"]
    assert sum(kept) <= 64 * 1024  # of 3 MB, no more than the bound was ever held
    assert not ProgressReport.objects.exists() and not stored_files()


# ---- the import's error names the user's file ----------------------------------------------------------------

def test_a_refused_import_names_the_users_file_not_a_server_path(client, people):
    resp = as_user(client, people["reviewer"]).post(
        reverse("web:document_upload"), {"file": SimpleUploadedFile("青禾县方案.docx", b"not a word file at all")},
        follow=True)
    html = resp.content.decode()
    assert "导入失败" in html and "青禾县方案.docx" in html
    assert "/tmp" not in html and "taizhang-import" not in html and "upload.docx" not in html
    assert not Document.objects.exists()


# ---- evidence types ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, data, sent, stored, inline", [
    ("照片.png", PNG, "text/html", "image/png", True),
    ("照片.jpg", JPEG, "application/octet-stream", "image/jpeg", True),
    ("验收报告.pdf", PDF, "text/plain", "application/pdf", True),
    ("验收意见.docx", None, "application/zip", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
     False),
    ("旧文档.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "", "application/msword", False),
    ("说明.txt", "已拆除锅炉12台，详见照片。".encode("gb18030"), "text/html", "text/plain", False),
], ids=["png-sent-as-html", "jpeg", "pdf", "docx", "doc", "gbk-text"])
def test_evidence_is_typed_from_its_bytes_and_served_so(client, people, task1, name, data, sent, stored, inline):
    data = word_file() if data is None else data
    web_report(as_user(client, people["liaison_a"]), task1, SimpleUploadedFile(name, data, sent))
    ev = EvidenceFile.objects.get()
    assert ev.content_type == stored
    for resp in (client.get(reverse("web:evidence_download", args=[ev.pk])), client.get(f"/api/evidence/{ev.pk}/")):
        assert resp.status_code == 200 and b"".join(resp.streaming_content) == data
        assert resp["Content-Type"] == stored and resp["X-Content-Type-Options"] == "nosniff"
        assert resp["Content-Disposition"].startswith("inline" if inline else "attachment")


@pytest.mark.parametrize("name, data, what", [
    ("照片.jpg", b"<html><script>document.location='//x'</script></html>", "网页"),
    ("照片.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "网页"),
    ("整改.exe", b"MZ\x90\x00\x03" + b"\x00" * 200, "可执行程序"),
    ("数据.bin", bytes(range(256)) * 4, "无法识别"),
], ids=["html-named-jpg", "svg", "exe", "binary"])
def test_evidence_outside_the_allow_list_is_refused(client, people, task1, name, data, what):
    resp = web_report(as_user(client, people["liaison_a"]), task1, SimpleUploadedFile(name, data, "image/jpeg"))
    html = resp.content.decode()
    assert f"佐证材料“{name}”的文件类型不能上传" in html and what in html and "可以上传：图片" in html
    assert not ProgressReport.objects.exists() and not stored_files()
    api = api_report(people["liaison_a"], task1, SimpleUploadedFile(name, data, "image/jpeg"))
    assert api.status_code == 400 and "文件类型不能上传" in api.json()["detail"]


def test_an_older_row_with_the_browsers_type_is_served_with_the_sniffed_one(client, people, task1):
    services.submit_progress(task1, people["liaison_a"], period=month(), text="x", percent=10,
                             files=[services.Upload("照片.png", PNG, "text/html")])
    EvidenceFile.objects.update(content_type="text/html")  # as recorded before the type was sniffed
    ev = EvidenceFile.objects.get()
    resp = as_user(client, people["leader"]).get(reverse("web:evidence_download", args=[ev.pk]))
    assert resp["Content-Type"] == "image/png" and resp["X-Content-Type-Options"] == "nosniff"
