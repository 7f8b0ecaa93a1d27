"""The ledger an extraction produces (``taizhang.ledger/1``, see ../shared/ledger-format.md)."""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any

FORMAT = "taizhang.ledger/1"
TASK_KINDS = ("problem", "measure", "subtask", "table_row", "project")
COMPARATORS = ("<=", ">=", "reduce_by", "increase_by")


@dataclass
class Unit:
    raw: str  # surface form as written
    name: str  # canonical organisation name within the document's jurisdiction
    span: list[int] | None = None
    renamed_from: str | None = None  # the pre-reform name when a reform rename was applied
    generic: bool = False  # a generic territorial role (各镇（街道）)


@dataclass
class Deadline:
    text: str
    date: str | None  # ISO date
    type: str = "by"  # by | from
    span: list[int] | None = None


@dataclass
class Target:
    id: str
    indicator: str
    comparator: str
    value: float | int
    unit: str | None
    year: int | None
    baseline_year: int | None
    stretch_value: float | int | None
    text: str
    span: list[int]
    task_id: str | None = None


@dataclass
class Task:
    id: str
    parent_id: str | None
    number: str | None
    kind: str
    title: str
    text: str
    span: list[int]
    lead_units: list[Unit] = field(default_factory=list)
    support_units: list[Unit] = field(default_factory=list)
    implementing_units: list[Unit] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    immediate: bool = False
    ongoing: bool = False
    status: str | None = None
    goal: str | None = None
    measures: list[str] = field(default_factory=list)
    measures_count: int | None = None
    section: str | None = None  # the outline path of headings above the task, for display


@dataclass
class Warning:
    message: str
    span: list[int]


@dataclass
class DocumentMeta:
    title: str | None = None
    doc_number: str | None = None
    issuer: str | None = None
    issue_date: str | None = None
    region: str | None = None
    source: dict[str, Any] = field(default_factory=dict)


@dataclass
class Ledger:
    document: DocumentMeta
    targets: list[Target] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = {"format": FORMAT, **asdict(self)}
        return _nfc(d)


def _nfc(obj: Any) -> Any:
    if isinstance(obj, str):
        return unicodedata.normalize("NFC", obj)
    if isinstance(obj, dict):
        return {k: _nfc(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_nfc(v) for v in obj]
    return obj
