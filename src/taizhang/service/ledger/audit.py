"""The audit trail: an append-only, hash-chained log of every change.

Each :class:`AuditEvent` stores who, when, what (action, object) and why/before/after (``data``), and
``hash = sha256(canonical JSON of its fields + prev_hash)``. Updates and deletes are refused by the model,
by its queryset, and by database triggers (:mod:`.dbtriggers`, installed by a migration).
Appends are serialised (an advisory lock on PostgreSQL; SQLite transactions are IMMEDIATE), so
concurrent events still form one chain. :func:`verify_chain` recomputes it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

GENESIS = "0" * 64
_PG_LOCK_KEY = 0x7A686C67  # arbitrary constant: "the audit chain head"


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

    def compute_hash(self) -> str:
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


def record(action: str, obj: Any = None, *, actor=None, data: dict | None = None, task=None,
           object_type: str | None = None, object_id: Any = None) -> AuditEvent:
    """Append one event to the chain (inside the caller's transaction)."""
    with transaction.atomic():
        _lock_chain()
        head = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
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
        event.hash = event.compute_hash()
        event._appending = True
        event.save(force_insert=True)
        event._appending = False
    return event


def record_many(events: list[dict], *, actor=None) -> int:
    """Append many events at once (inside the caller's transaction): each a dict of :func:`record`'s keyword
    arguments (``action``, ``obj``, ``data``, ``task``, ``object_type``, ``object_id``), chained in the given
    order under one lock and written in one statement per thousand — publishing a plan of 500 tasks records
    500 events in milliseconds, not seconds. Returns how many were appended."""
    if not events:
        return 0
    with transaction.atomic():
        _lock_chain()
        head = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
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
            event.hash = prev = event.compute_hash()
            rows.append(event)
        # the guarded manager refuses bulk_create to everyone else; appending is this module's job
        models.QuerySet(AuditEvent).bulk_create(rows, batch_size=1000)
    return len(rows)


@dataclass
class ChainReport:
    ok: bool
    count: int
    first_bad_seq: int | None = None
    reason: str = ""


def verify_chain(using: str = "default") -> ChainReport:
    """Recompute every hash in order; report the first event that breaks the chain."""
    prev = GENESIS
    expected_seq = 1
    count = 0
    for event in AuditEvent.objects.using(using).order_by("seq").iterator(chunk_size=2000):
        count += 1
        if event.seq != expected_seq:
            return ChainReport(False, count, expected_seq, f"缺少序号 {expected_seq}（下一条为 {event.seq}）")
        if event.prev_hash != prev:
            return ChainReport(False, count, event.seq, "prev_hash 与上一条记录不符")
        if event.compute_hash() != event.hash:
            return ChainReport(False, count, event.seq, "内容与哈希不符（记录被篡改）")
        prev = event.hash
        expected_seq += 1
    return ChainReport(True, count)
