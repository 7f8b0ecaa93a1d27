"""The ledger an extraction produces (``taizhang.ledger/1``, specified in docs/dev/ledger-format.md)."""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

FORMAT = "taizhang.ledger/1"


class Vocabulary(StrEnum):
    """A closed set of codes of the ledger format, each with its Chinese label. A member is its code (a str),
    so it compares equal to the plain strings of a ledger's JSON; ``.label`` is what users read. The service's
    model choices are built from these (``taizhang.service.ledger.models``), so there is one list of each."""

    def __new__(cls, value: str, label: str):
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label
        return obj

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {m.value: m.label for m in cls}


class TaskKind(Vocabulary):
    PROBLEM = "problem", "问题"  # a problem of an inspection-rectification plan (问题清单)
    MEASURE = "measure", "措施"
    SUBTASK = "subtask", "子任务"
    TABLE_ROW = "table_row", "表格任务"  # a row of a task-breakdown table
    PROJECT = "project", "项目"


class Comparator(Vocabulary):
    """How a target's value is to be met: ``label`` for a table cell (≤ 32), ``phrase`` in running text."""

    def __new__(cls, value: str, label: str, phrase: str):
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label
        obj.phrase = phrase
        return obj

    AT_MOST = "<=", "≤", "不高于"
    AT_LEAST = ">=", "≥", "不低于"
    REDUCE_BY = "reduce_by", "下降", "比基准年下降"  # percent below the baseline year's value
    INCREASE_BY = "increase_by", "提高", "比基准年提高"


class UnitRole(Vocabulary):
    """The part a responsible unit plays in a task; ``ledger_key`` is the task's list of such units in the
    ledger JSON."""

    def __new__(cls, value: str, label: str, ledger_key: str):
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label
        obj.ledger_key = ledger_key
        return obj

    LEAD = "lead", "牵头", "lead_units"
    SUPPORT = "support", "配合", "support_units"
    TERRITORIAL = "territorial", "落实", "implementing_units"  # the towns or parks that carry the task out


class DeadlineType(Vocabulary):
    BY = "by", "完成时限"  # done by this date
    FROM = "from", "起始"  # starts on this date


class ReportedStatus(Vocabulary):
    """A status the plan itself reports for a task (rectification plans list progress made so far)."""

    COMPLETED = "completed", "已完成"
    IN_PROGRESS = "in_progress", "推进中"




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
class ExtractionWarning:
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
    warnings: list[ExtractionWarning] = field(default_factory=list)

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
