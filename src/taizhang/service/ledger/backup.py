"""Backup and restore.

A backup is one .zip: the database (Django fixtures, engine-neutral) as ``db.json``, every stored file under
``media/``, and ``manifest.json`` with the sha256 of each member, the audit chain's anchor (event count, last
hash) and a MAC of the whole manifest with the audit key. It is written 0600 wherever it goes: it holds password
hashes and API tokens.

Restore is all-or-nothing, also when the process is killed at any moment (``kill -9``, power loss):

1. **Check** (nothing written): the manifest's MAC with this installation's audit key; every name (only
   ``db.json``, ``manifest.json`` and ``media/…`` relative paths: no ``..``, no absolute path, no backslash,
   no NUL, no symlink member, no duplicate); the members and the manifest list the same files; the archive's
   size and member count within :mod:`taizhang.limits` (``TAIZHANG_MAX_BACKUP_*``) and the free disk space.
2. **Journal**: ``restore-journal.json`` in the data folder names the restore (a random id) and its staging
   folder ``.restore-<id>/`` (0700, beside ``media/``, so a rename can switch them).
3. **Stage**: the files are unpacked there (0600) and their sha256 checked as they are written.
4. **Database**, in one transaction: flush, load, verify the chain with the key and against the manifest's
   anchor, then append a ``backup.restore`` audit event carrying the restore id. Its commit is *the* commit
   point of the whole restore.
5. **Switch**: ``media/`` is renamed into the staging folder, the staged media renamed to ``media/``; the anchor
   file is rewritten; the staging folder and then the journal are removed.

Recovery (:func:`recover`, run by every service command and by the web application at start, and by the next
restore) reads the journal: if the database's last ``backup.restore`` event carries the journal's id, the
database commit happened and the switch is completed (each step of 5 is redone only if it has not happened);
otherwise the database is the old one and the staging folder is deleted. Either way the journal goes last.
A restore holds an exclusive lock on the data folder meanwhile, so recovery never touches a restore in progress.
The whole design, and what happens on another installation: docs/dev/storage.md.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import io
import json
import os
import re
import shutil
import signal
import sys
import uuid
import zipfile
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from taizhang import limits
from taizhang.errors import ReadError, TaizhangError
from taizhang.fileio import open_private, private_dir, write_private

from . import audit, dbtriggers

FORMAT = "taizhang.backup/2"
#: Backups of older versions: no anchor, no MAC, an unkeyed chain (restored, then closed by an audit.rekey event).
OLD_FORMATS = ("taizhang.backup/1",)
#: Not in a backup: Django's derived tables, sessions, and the login state. API token digests and login
#: failures belong to the moment, not to the ledger: a restore must not bring back a token revoked since the
#: backup, nor an old lockout; after a restore every client logs in again.
EXCLUDE = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "knox", "axes"]
JOURNAL = "restore-journal.json"
STAGE_PREFIX = ".restore-"
RESTORE_EVENT = "backup.restore"
#: Test hook: the restore stops itself (SIGSTOP) at the named step, so a test can kill -9 it exactly there.
STOP_ENV = "TAIZHANG_TEST_RESTORE_STOP_AT"
_CHUNK = 1 << 20
_SHA = re.compile(r"[0-9a-f]{64}")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _manifest_mac(manifest: dict, key: bytes) -> str:
    body = {k: v for k, v in manifest.items() if k != "mac"}
    return audit._mac(key, audit.canonical_json(body))


def _step(name: str) -> None:
    if os.environ.get(STOP_ENV) == name:
        print(f"restore stopped at {name}", file=sys.stderr, flush=True)
        os.kill(os.getpid(), signal.SIGSTOP)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ---- backup ----------------------------------------------------------------------------------------------------
def backup(out: str | Path) -> dict:
    """Write the database and every stored file to ``out`` (0600, written to a temporary name and renamed)."""
    out = Path(out)
    media = Path(settings.MEDIA_ROOT)
    key = audit.audit_key()
    buf = io.StringIO()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        call_command("dumpdata", natural_foreign=True, exclude=EXCLUDE, stdout=buf, verbosity=0)
        chain = audit.verify_chain(key=key)
        events, head = audit.current_head()
    db = buf.getvalue().encode("utf-8")
    manifest = {"format": FORMAT, "created": timezone.now().isoformat(), "engine": connection.vendor,
                "audit_events": events, "audit_ok": chain.ok, "audit_anchor": audit.make_anchor(events, head, key),
                "files": {"db.json": _sha(db)}}
    home = Path(settings.TAIZHANG_HOME).resolve()
    if out.parent.resolve().is_relative_to(home):  # folders made in the data folder are private too
        private_dir(out.parent)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{uuid.uuid4().hex}.part")
    try:
        with open_private(tmp) as fh:
            with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf:
                zf.writestr("db.json", db)
                if media.exists():
                    for p in sorted(media.rglob("*")):
                        if p.is_file() and not p.is_symlink():
                            name = "media/" + p.relative_to(media).as_posix()
                            digest = hashlib.sha256()
                            with open(p, "rb") as src, zf.open(name, "w", force_zip64=True) as dst:
                                while chunk := src.read(_CHUNK):
                                    digest.update(chunk)
                                    dst.write(chunk)
                            manifest["files"][name] = digest.hexdigest()
                manifest["mac"] = _manifest_mac(manifest, key)
                zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return manifest


# ---- checks of an archive (before anything is written) -----------------------------------------------------------
def _safe_name(name: object) -> PurePosixPath | None:
    """``name`` as a relative path that stays inside its folder, or None."""
    if not isinstance(name, str) or not name or len(name) > 1024:
        return None
    if "\x00" in name or "\\" in name or name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return None
    parts = name.split("/")
    if any(p in ("", ".", "..") for p in parts):
        return None
    return PurePosixPath(*parts)


def _is_member_name(name: str) -> bool:
    path = _safe_name(name)
    if path is None:
        return False
    return name in ("db.json", "manifest.json") or (path.parts[0] == "media" and len(path.parts) > 1)


def _open_archive(src: Path):
    from taizhang.read.safezip import SafeZip

    try:
        return SafeZip(src, str(src), "备份文件（zip）", members=limits.BACKUP_MEMBERS,
                       unpacked=limits.BACKUP_UNPACKED_BYTES, office=False)
    except ReadError as exc:
        raise TaizhangError(f"不是有效的备份文件：{exc.message}", path=str(src)) from None


def _check_archive(z, src: Path, key: bytes, *, need_space: bool = True) -> dict:
    """The manifest, once every name, the member list, the MAC and the sizes have been checked."""
    infos = z.zf.infolist()
    names = [i.filename for i in infos]
    for info in infos:
        if not _is_member_name(info.filename):
            raise TaizhangError(f"备份中的文件名“{info.filename!r}”不安全或不应出现（只允许 db.json、manifest.json"
                                f" 和 media/ 下的相对路径），已拒绝恢复", path=str(src))
        mode = (info.external_attr >> 16) & 0o170000
        if mode == 0o120000 or info.is_dir():
            raise TaizhangError(f"备份中的“{info.filename}”是符号链接或文件夹，备份只含普通文件，已拒绝恢复",
                                path=str(src))
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})[:5]
        raise TaizhangError(f"备份中有重名的文件：{'、'.join(dup)}，已拒绝恢复", path=str(src))
    if "manifest.json" not in names:
        raise TaizhangError("备份文件缺少 manifest.json", path=str(src))
    try:
        manifest = json.loads(z.read("manifest.json"))
    except ReadError as exc:
        raise TaizhangError(f"备份文件已损坏：{exc.message}", path=str(src)) from None
    except ValueError:
        raise TaizhangError("备份文件的 manifest.json 不是有效的 JSON", path=str(src)) from None
    if not isinstance(manifest, dict):
        raise TaizhangError("备份文件的 manifest.json 格式不对", path=str(src))
    fmt = manifest.get("format")
    if fmt != FORMAT and fmt not in OLD_FORMATS:
        raise TaizhangError(f"不支持的备份格式：{fmt}", path=str(src))
    files = manifest.get("files")
    if not isinstance(files, dict) or "db.json" not in files:
        raise TaizhangError("备份文件的 manifest.json 缺少文件清单", path=str(src))
    for name, sha in files.items():
        if name == "manifest.json" or not _is_member_name(name):
            raise TaizhangError(f"备份清单中的文件名“{name!r}”不安全或不应出现，已拒绝恢复", path=str(src))
        if not isinstance(sha, str) or not _SHA.fullmatch(sha):
            raise TaizhangError(f"备份清单中 {name} 的 sha256 格式不对", path=str(src))
    if fmt == FORMAT:
        mac = manifest.get("mac")
        if not isinstance(mac, str) or not hmac.compare_digest(mac, _manifest_mac(manifest, key)):
            raise TaizhangError(
                "备份文件的校验码与本机的审计密钥不符：备份被改动过，或来自另一台安装（审计密钥不同）。"
                "若来自另一台安装，请把原安装数据目录中的 audit_key 文件复制到本机数据目录"
                "（或把其内容设为环境变量 TAIZHANG_AUDIT_KEY）后再恢复", path=str(src))
    unlisted = sorted(set(names) - set(files) - {"manifest.json"})
    missing = sorted(set(files) - set(names))
    if unlisted:
        raise TaizhangError(f"备份中有清单未列出的文件（{len(unlisted)} 个，如 {unlisted[0]}），已拒绝恢复",
                            path=str(src))
    if missing:
        raise TaizhangError(f"清单列出的文件在备份中缺失（{len(missing)} 个，如 {missing[0]}），已拒绝恢复",
                            path=str(src))
    need = sum(i.file_size for i in infos)
    free = shutil.disk_usage(_home()).free
    if need_space and need + 64 * limits.MiB > free:
        raise TaizhangError(f"磁盘空间不足：恢复需要约 {need / limits.MiB:,.0f} MB，数据目录所在磁盘只剩 "
                            f"{free / limits.MiB:,.0f} MB", path=str(src))
    return manifest


def anchor_of_backup(src: str | Path) -> dict:
    """The audit anchor in a backup's manifest, once the manifest's MAC is checked with this installation's key
    (``taizhang audit-verify --backup``: an off-machine backup tells whether the chain was rewritten since)."""
    src = Path(src)
    if not src.is_file():
        raise TaizhangError("备份文件不存在", path=str(src))
    with _open_archive(src) as z:
        manifest = _check_archive(z, src, audit.audit_key(), need_space=False)
    anchor = manifest.get("audit_anchor")
    if manifest["format"] != FORMAT or not isinstance(anchor, dict):
        raise TaizhangError("这份备份是旧版本的格式，没有审计链锚点", path=str(src))
    return anchor


# ---- restore ---------------------------------------------------------------------------------------------------
def _home() -> Path:
    """The data folder (TAIZHANG_HOME): the media folder's parent, where staging and the journal go."""
    return Path(settings.MEDIA_ROOT).parent


@contextlib.contextmanager
def _home_lock(home: Path, *, wait: bool = True):
    """An exclusive lock on the data folder (released by the kernel when the process dies); yields whether it was
    taken (``wait=False`` does not wait for it)."""
    import fcntl

    fd = os.open(home, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def _write_journal(home: Path, data: dict) -> None:
    write_private(home / JOURNAL, json.dumps(data, ensure_ascii=False).encode("utf-8"), fsync=True)
    _fsync_dir(home)


def _stage(z, manifest: dict, stage: Path, src: Path) -> None:
    """Unpack every listed member into the staging folder, checking its sha256 as it is written."""
    media = private_dir(stage / "media")
    for name, sha in manifest["files"].items():
        rel = _safe_name(name)
        target = stage / "db.json" if name == "db.json" else media.joinpath(*rel.parts[1:])
        if not target.resolve().is_relative_to(stage.resolve()):  # belt and braces: _safe_name already refused
            raise TaizhangError(f"备份中的文件名“{name}”指向恢复目录之外，已拒绝恢复", path=str(src))
        private_dir(target.parent)
        digest = hashlib.sha256()
        try:
            with z.open(name) as member, open_private(target) as out:
                while chunk := member.read(_CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
        except ReadError as exc:
            raise TaizhangError(f"备份文件已损坏：{exc.message}", path=str(src)) from None
        if digest.hexdigest() != sha:
            raise TaizhangError(f"备份文件中的 {name} 已损坏（sha256 不符）", path=str(src))


def restore(src: str | Path) -> dict:
    """Replace the database and the stored files with the archive's: all or nothing (see the module's docstring).
    Raises :class:`TaizhangError` (nothing changed) when the archive is refused."""
    src = Path(src)
    home = private_dir(_home())
    media = Path(settings.MEDIA_ROOT)
    if media.is_symlink() or os.path.ismount(media):
        raise TaizhangError(f"上传文件夹 {media} 是符号链接或单独挂载的磁盘，恢复无法整体切换它；请把整个数据目录"
                            "（TAIZHANG_HOME）放到该磁盘上，再恢复", path=str(src))
    with _home_lock(home):
        _recover_locked(home)
        key = audit.audit_key()
        with _open_archive(src) as z:
            manifest = _check_archive(z, src, key)
            rid = uuid.uuid4().hex
            stage = home / f"{STAGE_PREFIX}{rid}"
            journal = {"id": rid, "stage": stage.name, "source": str(src),
                       "started": timezone.now().isoformat(timespec="seconds")}
            _write_journal(home, journal)
            try:
                stage.mkdir(0o700)
                _step("journal")
                _stage(z, manifest, stage, src)
            except BaseException:
                _rollback(home, journal)
                raise
        _step("staged")
        try:
            _load(stage, manifest, src, rid, key)
        except BaseException:
            # normally the transaction was rolled back; if the commit's outcome is unknown, recovery decides
            _recover_locked(home)
            raise
        _step("committed")
        _roll_forward(home, journal)
    return manifest


def _load(stage: Path, manifest: dict, src: Path, rid: str, key: bytes) -> None:
    with transaction.atomic():
        # Database maintenance: the whole database is replaced, so the audit table's guard is lifted for
        # the flush and put back before the restored chain is verified and committed.
        dbtriggers.remove(connection)
        call_command("flush", interactive=False, verbosity=0)
        call_command("loaddata", str(stage / "db.json"), verbosity=0)
        dbtriggers.install(connection)
        chain = audit.verify_chain(key=key)
        unkeyed = chain.plain and chain.plain == chain.count  # an older version's chain, not yet closed
        if not chain.ok and not (unkeyed and manifest["format"] in OLD_FORMATS):
            where = f"第 {chain.first_bad_seq} 条起" if chain.first_bad_seq else ""
            raise TaizhangError(f"备份中的审计记录校验不通过：{where}{chain.reason}", path=str(src))
        anchor = manifest.get("audit_anchor")
        if manifest["format"] == FORMAT:
            if not isinstance(anchor, dict):
                raise TaizhangError("备份清单缺少审计链锚点", path=str(src))
            if (anchor.get("events"), anchor.get("head")) != (chain.count, chain.head):
                raise TaizhangError(f"备份中的审计记录与清单中的锚点不符（锚点 {anchor.get('events')} 条，"
                                    f"实有 {chain.count} 条）", path=str(src))
        manifest["missing_files"] = _missing_files(stage / "media")
        if chain.plain:  # an older version's backup: its plain chain is closed by a keyed rekey event
            audit.rekey_legacy(restoring=True)
        _step("loaded")
        audit.record(RESTORE_EVENT, object_type="backup", data={
            "restore_id": rid, "file": src.name, "created": manifest.get("created"),
            "format": manifest["format"], "events": chain.count,
            "files": len(manifest["files"]) - 1})


def _missing_files(media: Path) -> list[str]:
    """Stored files the restored database names that the archive did not bring (the source had lost them)."""
    from django.apps import apps
    from django.db.models import FileField

    missing = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, FileField):
                for name in model._default_manager.exclude(**{field.name: ""}).values_list(field.name, flat=True):
                    if name and not media.joinpath(*PurePosixPath(name).parts).is_file():
                        missing.append(name)
    return sorted(set(missing))


def _committed(rid: str) -> bool:
    """Whether the restore ``rid`` committed its database transaction (its event is the last restore event)."""
    from .models import AuditEvent

    if AuditEvent._meta.db_table not in connection.introspection.table_names():
        return False
    data = (AuditEvent.objects.filter(action=RESTORE_EVENT).order_by("-seq").values_list("data", flat=True)
            .first())
    return isinstance(data, dict) and data.get("restore_id") == rid


def _stage_of(home: Path, journal: dict) -> Path:
    name = str(journal.get("stage", ""))
    if not name.startswith(STAGE_PREFIX) or "/" in name or "\\" in name or name in (".", ".."):
        raise TaizhangError(f"恢复日志 {home / JOURNAL} 内容不对，请人工检查", path=str(home / JOURNAL))
    return home / name


def _roll_forward(home: Path, journal: dict) -> None:
    """Complete a restore whose database commit happened: switch the media folder, re-anchor, clean up.
    Every step checks whether it is already done, so this can be repeated after an interruption."""
    stage = _stage_of(home, journal)
    media = Path(settings.MEDIA_ROOT)
    new, old = stage / "media", stage / "old-media"
    if new.exists():
        if os.path.lexists(media):
            if os.path.lexists(old):  # something wrote a new media folder meanwhile: keep it aside, too
                os.replace(media, stage / f"old-media-{uuid.uuid4().hex[:8]}")
            else:
                os.replace(media, old)
            _fsync_dir(home)
        _step("moved-old")
        os.replace(new, media)
        _fsync_dir(home)
        _step("switched")
    audit.write_anchor(force=True)
    shutil.rmtree(stage, ignore_errors=True)
    _step("cleaned")
    (home / JOURNAL).unlink(missing_ok=True)
    _fsync_dir(home)


def _rollback(home: Path, journal: dict) -> None:
    """Undo a restore whose database commit did not happen: the media folder was never touched."""
    shutil.rmtree(_stage_of(home, journal), ignore_errors=True)
    (home / JOURNAL).unlink(missing_ok=True)
    _fsync_dir(home)


def _recover_locked(home: Path) -> str | None:
    result = None
    path = home / JOURNAL
    if path.exists():
        try:
            journal = json.loads(path.read_bytes())
            rid = journal["id"]
        except (OSError, ValueError, KeyError, TypeError):
            raise TaizhangError(f"恢复日志 {path} 已损坏，请人工检查", path=str(path)) from None
        if _committed(rid):
            _roll_forward(home, journal)
            result = "forward"
        else:
            _rollback(home, journal)
            result = "back"
    # what no journal names any more: staging folders of a finished restore, and the database dumps
    # (.restore-*.json) older versions left behind
    for p in home.glob(f"{STAGE_PREFIX}*"):
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)
    return result


def recover() -> str | None:
    """Finish (``"forward"``) or undo (``"back"``) a restore that was interrupted; None when there was none, or
    when a restore is running right now (its lock is held)."""
    home = _home()
    if not (home / JOURNAL).exists() and not any(home.glob(f"{STAGE_PREFIX}*")):
        return None
    with _home_lock(home, wait=False) as locked:
        if not locked:
            return None
        return _recover_locked(home)
