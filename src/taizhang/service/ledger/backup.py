"""Backup and restore: one .zip with the database (Django fixtures, engine-neutral), every media file, and a
manifest with the sha256 of each member. Restore checks every hash and the audit chain before committing."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from taizhang.errors import TaizhangError

from . import audit, dbtriggers

FORMAT = "taizhang.backup/1"
EXCLUDE = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def backup(out: str | Path) -> dict:
    out = Path(out)
    media = Path(settings.MEDIA_ROOT)
    buf = io.StringIO()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        call_command("dumpdata", natural_foreign=True, exclude=EXCLUDE, stdout=buf,
                     verbosity=0)
        chain = audit.verify_chain()
    db = buf.getvalue().encode("utf-8")
    manifest = {"format": FORMAT, "created": timezone.now().isoformat(), "engine": connection.vendor,
                "audit_events": chain.count, "files": {"db.json": _sha(db)}}
    tmp = out.with_name(out.name + ".part")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("db.json", db)
        if media.exists():
            for p in sorted(media.rglob("*")):
                if p.is_file():
                    data = p.read_bytes()
                    name = "media/" + p.relative_to(media).as_posix()
                    zf.writestr(name, data)
                    manifest["files"][name] = _sha(data)
        zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    tmp.replace(out)
    return manifest


def restore(src: str | Path) -> dict:
    """Replace the database and media with the archive's. All-or-nothing for the database."""
    src = Path(src)
    try:
        zf = zipfile.ZipFile(src)
    except (OSError, zipfile.BadZipFile) as exc:
        raise TaizhangError(f"不是有效的备份文件：{exc}", path=str(src)) from None
    with zf:
        try:
            manifest = json.loads(zf.read("manifest.json"))
        except KeyError:
            raise TaizhangError("备份文件缺少 manifest.json", path=str(src)) from None
        if manifest.get("format") != FORMAT:
            raise TaizhangError(f"不支持的备份格式：{manifest.get('format')}", path=str(src))
        contents = {}
        for name, sha in manifest["files"].items():
            data = zf.read(name)
            if _sha(data) != sha:
                raise TaizhangError(f"备份文件中的 {name} 已损坏（sha256 不符）", path=str(src))
            contents[name] = data
    fixture = Path(settings.MEDIA_ROOT).parent / f".restore-{timezone.now():%Y%m%d%H%M%S%f}.json"
    fixture.parent.mkdir(parents=True, exist_ok=True)
    fixture.write_bytes(contents["db.json"])
    try:
        with transaction.atomic():
            # Database maintenance: the whole database is replaced, so the audit table's guard is lifted for
            # the flush and put back before the restored chain is verified and committed.
            dbtriggers.remove(connection)
            call_command("flush", interactive=False, verbosity=0)
            call_command("loaddata", str(fixture), verbosity=0)
            dbtriggers.install(connection)
            chain = audit.verify_chain()
            if not chain.ok:
                raise TaizhangError(f"备份中的审计记录哈希链断裂（第 {chain.first_bad_seq} 条）", path=str(src))
    finally:
        fixture.unlink(missing_ok=True)
    media = Path(settings.MEDIA_ROOT)
    for name, data in contents.items():
        if name.startswith("media/"):
            target = media / name[len("media/"):]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    return manifest
