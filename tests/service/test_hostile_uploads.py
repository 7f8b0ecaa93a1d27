"""Hostile files uploaded through the web: a form error naming the bound, never a 500, nothing stored, and the
server's memory bounded (the bombs are from tests/hostile.py)."""

from __future__ import annotations

import resource
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import hostile as H
from taizhang.service.ledger.models import Document, MonitoringDataset

pytestmark = pytest.mark.django_db


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize("build, fragment", [
    (H.text_bomb_docx, "TAIZHANG_MAX_UNPACKED_BYTES"),
    (lambda p: H.text_bomb_docx(p, 200), "TAIZHANG_MAX_TEXT_CHARS"),
    (H.nested_tables_docx, "嵌套过深"),
    (H.dtd_docx, "DTD"),
], ids=["300MB", "200MB-of-text", "600-deep-tables", "billion-laughs"])
def test_a_bomb_imported_on_the_web_is_a_form_error(client, people, tmp_path, build, fragment):
    bomb = build(tmp_path / "方案.docx")
    client.force_login(people["reviewer"])
    before = _peak_mb()
    resp = client.post(reverse("web:document_upload"),
                       {"file": SimpleUploadedFile("方案.docx", bomb.read_bytes(), "application/octet-stream")})
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "导入失败" in html and fragment in html
    assert Document.objects.count() == 0 and not _stored_files()
    assert _peak_mb() - before < 200  # the 300 MB of text was never unpacked (it took 3 GB before)


def test_a_monitoring_bomb_uploaded_on_the_web_is_a_form_error(client, people, published, tmp_path):
    bomb = H.bomb_xlsx(tmp_path / "空气.xlsx", 300)
    client.force_login(people["reviewer"])
    before = _peak_mb()
    resp = client.post(reverse("web:monitoring_upload", args=[published.pk]),
                       {"kind": "air", "file": SimpleUploadedFile("空气.xlsx", bomb.read_bytes())}, follow=True)
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "监测数据有误，未保存" in html and "TAIZHANG_MAX_UNPACKED_BYTES" in html and "空气.xlsx" in html
    assert MonitoringDataset.objects.count() == 0
    assert not [p for p in _stored_files() if "monitoring" in p.parts]
    assert _peak_mb() - before < 200
