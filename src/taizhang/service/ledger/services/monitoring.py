"""Monitoring data of a jurisdiction, uploaded once by the office and kept (see
:mod:`taizhang.service.ledger.monitoring` for how the target view reads it)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from taizhang import limits

from .. import audit
from .. import monitoring as stored_monitoring
from .. import permissions as perm
from ..errors import DuplicateDocument, ServiceError
from ..models import Jurisdiction, MonitoringDataset
from .files import Upload, stored_files


def add_monitoring_dataset(file: Any, user, *, jurisdiction: Jurisdiction, kind: str = "air",
                           note: str = "") -> MonitoringDataset:
    """Store a monitoring file (hourly air data or water samples, CSV/.xlsx) for ``jurisdiction``: the
    original file, what the domain reader made of it, the period, stations and row count. All-or-nothing:
    a bad file raises :class:`ServiceError` with its name and line and nothing is stored; the same file
    (same SHA-256) uploaded again raises :class:`DuplicateDocument`. The reader's warnings (ignored
    columns) are on the returned dataset as ``warnings``."""
    perm.require_to("upload_monitoring", user)
    upload = Upload.of(file, limits.MONITORING_BYTES)
    note = (note or "").strip()
    if len(note) > 200:
        raise ServiceError("备注不能超过200字")
    _check_duplicate_dataset(upload)
    parsed = stored_monitoring.parse(upload.name, upload.content, kind)
    with stored_files() as stored:
        try:
            with transaction.atomic():
                _check_duplicate_dataset(upload)
                ds = MonitoringDataset.objects.create(
                    jurisdiction=jurisdiction, kind=kind, original=stored.save("monitoring", upload),
                    original_name=upload.name[:300], sha256=upload.sha256, size=len(upload.content),
                    parsed=stored.save("monitoring", Upload(f"parsed{parsed.suffix}", parsed.content)),
                    layout=parsed.layout, period_start=parsed.period_start, period_end=parsed.period_end,
                    years=parsed.years, stations=parsed.stations, items=parsed.items, records=parsed.records,
                    note=note, uploaded_by=user)
                audit.record("monitoring.upload", ds, actor=user, data={
                    "name": upload.name, "sha256": upload.sha256, "kind": kind, "jurisdiction": jurisdiction.name,
                    "period": [parsed.period_start, parsed.period_end], "stations": parsed.stations,
                    "records": parsed.records, "note": note})
        except IntegrityError as exc:
            _check_duplicate_dataset(upload)
            raise ServiceError(f"保存失败：{exc}", path=upload.name) from exc
    ds.warnings = parsed.warnings
    return ds


def _check_duplicate_dataset(upload: Upload) -> None:
    existing = MonitoringDataset.objects.filter(sha256=upload.sha256).select_related(
        "jurisdiction", "uploaded_by").first()
    if existing:
        raise DuplicateDocument(
            f"该监测数据文件已上传过：{existing.jurisdiction.name}{existing.get_kind_display()}"
            f"“{existing.original_name}”（数据集编号 {existing.pk}，{existing.uploaded_by.get_username()} 于 "
            f"{timezone.localtime(existing.uploaded_at):%Y-%m-%d %H:%M} 上传），未重复保存",
            existing=existing, path=upload.name)
