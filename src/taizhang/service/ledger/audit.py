"""The audit trail: an append-only, keyed hash chain of every change.

Each :class:`AuditEvent` stores who, when, what (action, object) and why/before/after (``data``), and
``hash = HMAC-SHA256(key, canonical JSON of its fields + prev_hash)``. The key is kept outside the database
(``TAIZHANG_AUDIT_KEY``, else the file ``$TAIZHANG_HOME/audit_key``, generated once, 0600), so someone who can
only change the database cannot recompute the chain after editing a row. Updates and deletes are refused by the
model, by its queryset, and by database triggers (:mod:`.dbtriggers`, installed by a migration).
Appends are serialised (an advisory lock on PostgreSQL; SQLite transactions are IMMEDIATE), so
concurrent events still form one chain. :func:`verify_chain` recomputes it.

**Anchors.** A chain alone cannot show that its newest events were cut off. After every committed transaction
that appended events, the anchor file (``$TAIZHANG_HOME/audit_anchor.json``: event count, last hash, and a MAC of
both) is rewritten under a file lock, never backwards (:func:`write_anchor`). Every backup's manifest and every
issued ledger export carry the anchor too (:func:`anchor_line`); :func:`check_anchor` compares the database
with any of them.

**Chains of older versions** were plain SHA-256. Such a chain is kept as it is and closed by one keyed
``audit.rekey`` event (:func:`rekey_legacy`, run by every service command after migrating and by the first new
event): the keyed event's hash covers the last plain hash, so the plain prefix is protected from then on.
A valid chain is therefore: plain events (only before the first keyed one), then, if there were any, an
``audit.rekey`` event, then keyed events only.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from taizhang.errors import TaizhangError
from taizhang.fileio import PRIVATE_FILE, write_private

GENESIS = "0" * 64
_PG_LOCK_KEY = 0x7A686C67  # arbitrary constant: "the audit chain head"
REKEY = "audit.rekey"
ANCHOR_FORMAT = "taizhang.audit-anchor/1"
MIN_KEY_CHARS = 32
log = logging.getLogger(__name__)


# ---- the key -------------------------------------------------------------------------------------------------
def audit_key() -> bytes:
    """The chain's HMAC key: ``TAIZHANG_AUDIT_KEY`` if set, else the key file (generated once, 0600)."""
    env = os.environ.get("TAIZHANG_AUDIT_KEY", "").strip()
    if env:
        if len(env) < MIN_KEY_CHARS:
            raise TaizhangError(f"TAIZHANG_AUDIT_KEY 太短（至少 {MIN_KEY_CHARS} 个字符）")
        return env.encode("utf-8")
    path = Path(settings.TAIZHANG_AUDIT_KEY_FILE)
    if not path.exists():
        # written whole under a temporary name, then linked into place: a process starting at the same moment
        # finds either no key file or the complete one (link fails if another process linked first)
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
        try:
            write_private(tmp, (secrets.token_hex(32) + "\n").encode(), fsync=True)
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass
        finally:
            tmp.unlink(missing_ok=True)
    key = path.read_text(encoding="utf-8").strip()
    if len(key) < MIN_KEY_CHARS:
        raise TaizhangError(f"审计密钥文件 {path} 内容无效（至少 {MIN_KEY_CHARS} 个字符）")
    return key.encode("utf-8")


def _mac(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


class AuditImmutable(Exception):
    """Raised when code tries to change or remove an audit event."""

    def __init__(self, what: str = "审计记录不可修改或删除"):
        super().__init__(what)


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditImmutable()

    def delete(self):
        raise AuditImmutable()

    def _raw_delete(self, using):
        raise AuditImmutable()

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditImmutable()

    def bulk_create(self, *args, **kwargs):
        raise AuditImmutable("审计记录只能通过 audit.record() 追加")


class AuditEvent(models.Model):
    seq = models.BigIntegerField("序号", unique=True)
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
                              db_constraint=False, related_name="+", verbose_name="操作人")
    actor_name = models.CharField("操作人姓名", max_length=150, blank=True)
    action = models.CharField("动作", max_length=50, db_index=True)
    object_type = models.CharField("对象类型", max_length=50)
    object_id = models.CharField("对象编号", max_length=50, blank=True)
    task = models.ForeignKey("ledger.Task", null=True, blank=True, on_delete=models.DO_NOTHING,
                             db_constraint=False, related_name="events")
    data = models.JSONField("内容", default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "审计记录"
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if not getattr(self, "_appending", False):
            raise AuditImmutable()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditImmutable()

    def canonical(self) -> str:
        return canonical_json(
            {
                "seq": self.seq,
                "at": self.at.astimezone(UTC).isoformat(timespec="microseconds"),
                "actor_id": self.actor_id,
                "actor_name": self.actor_name,
                "action": self.action,
                "object_type": self.object_type,
                "object_id": self.object_id,
                "task_id": self.task_id,
                "data": self.data,
                "prev_hash": self.prev_hash,
            }
        )

    def compute_hash(self, key: bytes | None = None) -> str:
        """The event's keyed hash (HMAC-SHA256 with the installation's key, or ``key``)."""
        return _mac(key if key is not None else audit_key(), self.canonical())

    def plain_hash(self) -> str:
        """The unkeyed SHA-256 of older versions' chains."""
        return hashlib.sha256(self.canonical().encode("utf-8")).hexdigest()


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def canonical_json(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
    # SQLite: the service transactions are BEGIN IMMEDIATE, so only one writer runs at a time.


def _head(key: bytes) -> dict | None:
    """The chain's head as ``{"seq", "hash"}`` (under the chain lock); a plain (older version's) head is closed
    by an ``audit.rekey`` event first, which then is the head."""
    head = AuditEvent.objects.order_by("-seq").first()
    if head is None:
        return None
    if _legacy_head(head, key):
        head = _append_rekey(head, key)
    return {"seq": head.seq, "hash": head.hash}


def _legacy_head(head: AuditEvent, key: bytes) -> bool:
    """Whether ``head`` ends an older version's plain chain that may be closed by a rekey event: its hash is the
    plain one, and there is no anchor file (anchors came with keyed chains: a plain head on an installation with
    an anchor is a rewritten chain, which must stay visible, not be sealed)."""
    return head.hash != head.compute_hash(key) and head.hash == head.plain_hash() and read_anchor() is None


def _append_rekey(head: AuditEvent, key: bytes) -> AuditEvent:
    now = timezone.now()
    event = AuditEvent(seq=head.seq + 1, at=now.replace(microsecond=now.microsecond // 1000 * 1000), actor=None,
                       actor_name="系统", action=REKEY, object_type="audit", object_id="",
                       data={"plain_events": head.seq, "plain_head": head.hash}, prev_hash=head.hash)
    event.hash = event.compute_hash(key)
    event._appending = True
    event.save(force_insert=True)
    event._appending = False
    return event


def rekey_legacy(*, restoring: bool = False) -> bool:
    """Close an older version's plain SHA-256 chain with one keyed ``audit.rekey`` event (once; see the module's
    docstring). Returns whether it did. ``restoring``: the chain was just loaded from an older version's backup
    (checked against its manifest), so this installation's anchor file says nothing about it."""
    key = audit_key()
    with transaction.atomic():
        _lock_chain()
        head = AuditEvent.objects.order_by("-seq").first()
        if head is None or head.hash == head.compute_hash(key) or head.hash != head.plain_hash():
            return False
        if not restoring and read_anchor() is not None:
            return False
        _append_rekey(head, key)
        transaction.on_commit(_anchor_after_commit, robust=True)
    return True


def record(action: str, obj: Any = None, *, actor=None, data: dict | None = None, task=None,
           object_type: str | None = None, object_id: Any = None) -> AuditEvent:
    """Append one event to the chain (inside the caller's transaction)."""
    key = audit_key()
    with transaction.atomic():
        _lock_chain()
        head = _head(key)
        now = timezone.now()
        event = AuditEvent(
            seq=(head["seq"] + 1) if head else 1,
            # milliseconds: what Django's JSON serialisation (backup/restore) keeps, so hashes survive it
            at=now.replace(microsecond=now.microsecond // 1000 * 1000),
            actor=actor if (actor is not None and actor.is_authenticated) else None,
            actor_name=(actor.get_username() if actor is not None and actor.is_authenticated else "系统"),
            action=action,
            object_type=object_type or (obj._meta.model_name if obj is not None else ""),
            object_id=str(object_id if object_id is not None else (obj.pk if obj is not None else "")),
            task=task,
            data=_jsonable(data or {}),
            prev_hash=head["hash"] if head else GENESIS,
        )
        event.hash = event.compute_hash(key)
        event._appending = True
        event.save(force_insert=True)
        event._appending = False
        transaction.on_commit(_anchor_after_commit, robust=True)
    return event


def record_many(events: list[dict], *, actor=None) -> int:
    """Append many events at once (inside the caller's transaction): each a dict of :func:`record`'s keyword
    arguments (``action``, ``obj``, ``data``, ``task``, ``object_type``, ``object_id``), chained in the given
    order under one lock and written in one statement per thousand — publishing a plan of 500 tasks records
    500 events in milliseconds, not seconds. Returns how many were appended."""
    if not events:
        return 0
    key = audit_key()
    with transaction.atomic():
        _lock_chain()
        head = _head(key)
        seq, prev = (head["seq"], head["hash"]) if head else (0, GENESIS)
        now = timezone.now()
        at = now.replace(microsecond=now.microsecond // 1000 * 1000)
        who = actor if (actor is not None and actor.is_authenticated) else None
        rows = []
        for e in events:
            obj = e.get("obj")
            seq += 1
            event = AuditEvent(
                seq=seq, at=at, actor=who, actor_name=who.get_username() if who is not None else "系统",
                action=e["action"],
                object_type=e.get("object_type") or (obj._meta.model_name if obj is not None else ""),
                object_id=str(e["object_id"] if e.get("object_id") is not None else (obj.pk if obj is not None
                                                                                      else "")),
                task=e.get("task"), data=_jsonable(e.get("data") or {}), prev_hash=prev)
            event.hash = prev = event.compute_hash(key)
            rows.append(event)
        # the guarded manager refuses bulk_create to everyone else; appending is this module's job
        models.QuerySet(AuditEvent).bulk_create(rows, batch_size=1000)
        transaction.on_commit(_anchor_after_commit, robust=True)
    return len(rows)


@dataclass
class ChainReport:
    ok: bool
    count: int
    first_bad_seq: int | None = None
    reason: str = ""
    head: str = GENESIS  # the last hash (of the valid chain)
    plain: int = 0  # events of an older version's unkeyed prefix


def verify_chain(using: str = "default", key: bytes | None = None) -> ChainReport:
    """Recompute every hash in order with the key; report the first event that breaks the chain."""
    key = key if key is not None else audit_key()
    prev = GENESIS
    expected_seq = 1
    count = plain = 0
    keyed = False
    for event in AuditEvent.objects.using(using).order_by("seq").iterator(chunk_size=2000):
        count += 1
        if event.seq != expected_seq:
            return ChainReport(False, count, expected_seq, f"缺少序号 {expected_seq}（下一条为 {event.seq}）")
        if event.prev_hash != prev:
            return ChainReport(False, count, event.seq, "prev_hash 与上一条记录不符")
        if event.compute_hash(key) == event.hash:
            if not keyed and plain and event.action != REKEY:
                return ChainReport(False, count, event.seq, "旧格式（未加密钥）的记录之后缺少“重新加密钥”记录")
            keyed = True
        elif not keyed and event.hash == event.plain_hash():
            plain += 1
        elif not keyed:
            return ChainReport(False, count, event.seq, "内容与哈希不符（审计密钥不对，或记录被篡改）")
        else:
            return ChainReport(False, count, event.seq, "内容与哈希不符（记录被篡改）")
        prev = event.hash
        expected_seq += 1
    if plain and not keyed:  # (plain == count tells this case from the others)
        return ChainReport(False, count, None, "审计链仍是旧格式（未加密钥）：运行 taizhang audit-verify --rekey "
                                               "（或启动服务）完成一次性转换", prev, plain)
    return ChainReport(True, count, head=prev, plain=plain)


# ---- anchors -------------------------------------------------------------------------------------------------
def anchor_mac(key: bytes, events: int, head: str) -> str:
    return _mac(key, f"{ANCHOR_FORMAT}\n{events}\n{head}")


def make_anchor(events: int, head: str, key: bytes | None = None) -> dict:
    """An anchor of a chain of ``events`` events ending in ``head``, MAC'd with the key."""
    key = key if key is not None else audit_key()
    return {"format": ANCHOR_FORMAT, "events": events, "head": head,
            "at": timezone.now().isoformat(timespec="seconds"), "mac": anchor_mac(key, events, head)}


def anchor_line(events: int, head: str) -> str:
    """The anchor as printed in an issued report."""
    return f"审计链：共 {events} 条，末条摘要 {head[:16]}"


def current_head(using: str = "default") -> tuple[int, str]:
    head = AuditEvent.objects.using(using).order_by("-seq").values("seq", "hash").first()
    return (head["seq"], head["hash"]) if head else (0, GENESIS)


def anchor_path() -> Path:
    return Path(settings.TAIZHANG_AUDIT_ANCHOR)


def read_anchor(path: Path | None = None) -> dict | None:
    """The anchor file's content; None when there is none; a dict with only ``error`` when it is unreadable."""
    path = path or anchor_path()
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        return {"error": f"锚点文件无法读取（{type(exc).__name__}）"}
    if not isinstance(data, dict) or not isinstance(data.get("events"), int) or not isinstance(data.get("head"), str):
        return {"error": "锚点文件格式不对"}
    return data


def write_anchor(*, force: bool = False, using: str = "default") -> dict | None:
    """Write the database's chain head to the anchor file (atomically, 0600, under a file lock).

    The anchor never goes backwards: when the file already names more events than the database has, it is left
    as it is (that is what :func:`check_anchor` reports as a cut tail) — unless ``force`` (a restore, which
    replaces the chain on purpose)."""
    import fcntl

    path = anchor_path()
    lock = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, PRIVATE_FILE)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        events, head = current_head(using)
        old = read_anchor(path)
        if not force and old and "error" not in old and old["events"] >= events:
            return None
        anchor = make_anchor(events, head)
        write_private(path, json.dumps(anchor, ensure_ascii=False).encode("utf-8"), fsync=True)
        return anchor
    finally:
        os.close(lock)


def _anchor_after_commit() -> None:
    try:
        write_anchor()
    except Exception:  # the events are committed; a missing anchor update is reported by audit-verify
        log.exception("审计锚点文件写入失败")


@dataclass
class AnchorReport:
    ok: bool
    reason: str = ""


def check_anchor(anchor: dict, key: bytes | None = None, using: str = "default", *,
                 need_mac: bool = True) -> AnchorReport:
    """Compare the database's chain with an anchor: its MAC (with the key), and that the event it names is there
    with the same hash. ``head`` may be a prefix of at least 16 hex digits (an anchor copied from a report, which
    has no MAC: ``need_mac=False``)."""
    key = key if key is not None else audit_key()
    events, head = anchor.get("events"), str(anchor.get("head", "")).lower()
    if not isinstance(events, int) or events < 0 or len(head) < 16:
        return AnchorReport(False, "锚点格式不对")
    if need_mac and not hmac.compare_digest(str(anchor.get("mac", "")), anchor_mac(key, events, head)):
        return AnchorReport(False, "锚点的校验码与审计密钥不符（锚点被改动，或审计密钥不对）")
    count, _ = current_head(using)
    if count < events:
        return AnchorReport(False, f"末尾的记录被删除：锚点记有 {events} 条，数据库只有 {count} 条")
    if events == 0:
        return AnchorReport(True)
    row = AuditEvent.objects.using(using).filter(seq=events).values_list("hash", flat=True).first()
    if row is None or not row.startswith(head):
        return AnchorReport(False, f"第 {events} 条记录与锚点不符（审计链被改写）")
    return AnchorReport(True)
