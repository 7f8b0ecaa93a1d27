"""The ledger's data model (the words are explained in docs/dev/glossary.md).

State changes go through :mod:`taizhang.service.ledger.services` only; every change there writes an
:class:`AuditEvent`, which can never be updated or deleted (refused here and by database triggers).

Each closed vocabulary is one ``TextChoices`` class, on its model (unit roles, user roles …) or in
:mod:`.vocabulary` (task states, lights, and the task lifecycle table :data:`TASK_LIFECYCLE`); those of the
ledger format are built from :mod:`taizhang.ledger`'s vocabularies. Code and templates read labels from these
classes only.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from taizhang import ledger

from .audit import AuditEvent, AuditQuerySet  # noqa: F401  (re-exported model)
from .values import PERIOD_PATTERN
from .vocabulary import TASK_LIFECYCLE, Light, Step, TaskState, choices_of, label_of  # noqa: F401  (re-exported)


class Jurisdiction(models.Model):
    class Level(models.TextChoices):
        """The levels :func:`taizhang.resolve.region_level` tells apart, and ``other``."""

        PROVINCE = "province", "省"
        CITY = "city", "市"
        DISTRICT = "district", "区"
        COUNTY = "county", "县"
        TOWN = "town", "镇（街道）"
        OTHER = "other", "其他"

    name = models.CharField("名称", max_length=100)
    level = models.CharField("层级", max_length=20, choices=Level.choices, default=Level.OTHER)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name="上级")

    class Meta:
        verbose_name = verbose_name_plural = "行政区"
        constraints = [models.UniqueConstraint(fields=["name", "parent"], name="jurisdiction_unique_name")]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    class Kind(models.TextChoices):
        DEPARTMENT = "department", "部门"
        GOVERNMENT = "government", "人民政府"
        TERRITORIAL = "territorial", "属地（镇街、园区）"
        GENERIC = "generic", "泛指（各镇、相关单位）"
        OTHER = "other", "其他"

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="organisations",
                                     verbose_name="行政区")
    name = models.CharField("名称", max_length=200)
    kind = models.CharField("类别", max_length=20, choices=Kind.choices, default=Kind.DEPARTMENT)
    email = models.EmailField("通知邮箱", blank=True)
    # False for collective names (各镇、相关部门…): they stay on tasks but are never a user's own unit.
    assignable = models.BooleanField("可作为用户所属单位", default=True,
                                     help_text="集合称谓（各镇、相关部门等）不是具体单位，不能作为用户的所属单位")

    class Meta:
        verbose_name = verbose_name_plural = "单位"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "name"], name="organisation_unique_name")]

    def __str__(self) -> str:
        return self.name


class OrganisationAlias(models.Model):
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="aliases")
    alias = models.CharField("别名", max_length=200)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="aliases")

    class Meta:
        verbose_name = verbose_name_plural = "单位别名"
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "alias"], name="alias_unique_in_jurisdiction")]

    def __str__(self) -> str:
        return f"{self.alias} → {self.organisation.name}"


class OrganisationRename(models.Model):
    """An institutional-reform rename: tasks of ``old_name`` now belong to ``organisation``."""

    old_name = models.CharField("原名称", max_length=200)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="renames")
    year = models.PositiveIntegerField("改革年份", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "机构改革更名"

    def __str__(self) -> str:
        return f"{self.old_name} → {self.organisation.name}"


class Document(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "待审核"
        PUBLISHED = "published", "已发布"

    title = models.CharField("标题", max_length=500, blank=True)
    doc_number = models.CharField("文号", max_length=100, blank=True)
    issuer = models.CharField("发文单位", max_length=200, blank=True)
    issue_date = models.DateField("印发日期", null=True, blank=True)
    region = models.CharField("地区", max_length=100, blank=True)
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="documents",
                                     verbose_name="行政区")
    original = models.FileField("原件", upload_to="originals/", max_length=300)
    original_name = models.CharField("原文件名", max_length=300)
    sha256 = models.CharField("SHA-256", max_length=64, unique=True)
    size = models.BigIntegerField("字节数", default=0)
    text = models.TextField("纯文本")
    format = models.CharField("格式", max_length=10)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name="所落实的上级文件")
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="导入人")
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.DRAFT)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    ledger_json = models.JSONField("抽取结果（原始）", default=dict)

    class Meta:
        verbose_name = verbose_name_plural = "文件"
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return self.title or self.original_name


class Target(models.Model):
    Comparator = choices_of(ledger.Comparator, "Comparator")

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="targets")
    key = models.CharField("编号", max_length=20, blank=True)
    indicator = models.CharField("指标", max_length=200)
    comparator = models.CharField("比较", max_length=20, choices=Comparator.choices)
    value = models.FloatField("目标值")
    unit = models.CharField("单位", max_length=50, blank=True)
    year = models.PositiveIntegerField("年份", null=True, blank=True)
    baseline_year = models.PositiveIntegerField("基准年", null=True, blank=True)
    stretch_value = models.FloatField("力争值", null=True, blank=True)
    text = models.TextField("原文")
    span_start = models.PositiveIntegerField(null=True, blank=True)
    span_end = models.PositiveIntegerField(null=True, blank=True)
    jurisdiction = models.ForeignKey(Jurisdiction, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="targets")
    task = models.ForeignKey("Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="targets")

    class Meta:
        verbose_name = verbose_name_plural = "目标指标"
        ordering = ["document_id", "span_start", "id"]

    def __str__(self) -> str:
        return f"{self.indicator} {self.comparator} {self.value:g}{self.unit}"


class Task(models.Model):
    State = TaskState

    Kind = choices_of(ledger.TaskKind, "Kind")

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="tasks")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")
    key = models.CharField("抽取编号", max_length=20, blank=True)
    position = models.PositiveIntegerField("顺序", default=0)
    number = models.CharField("序号", max_length=50, blank=True)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.MEASURE)
    title = models.CharField("名称", max_length=500, blank=True)
    text = models.TextField("原文")
    section = models.CharField("所属章节", max_length=500, blank=True)
    span_start = models.PositiveIntegerField(null=True, blank=True)
    span_end = models.PositiveIntegerField(null=True, blank=True)
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.DRAFT, db_index=True)
    immediate = models.BooleanField("立行立改", default=False)
    ongoing = models.BooleanField("长期坚持", default=False)
    no_lead_reason = models.CharField("无需牵头单位的理由", max_length=500, blank=True)
    status_reported = models.CharField("方案所载进展", max_length=20, blank=True)
    goal = models.TextField("整改目标", blank=True)
    measures = models.JSONField("整改措施", default=list, blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Denormalised schedule, maintained by the services, so that lights are plain comparisons in SQL.
    due_date = models.DateField("完成时限", null=True, blank=True, db_index=True)
    start_date = models.DateField("起始日期", null=True, blank=True)
    last_percent = models.PositiveSmallIntegerField("最近报送进度", null=True, blank=True)
    last_period = models.CharField("最近报送期", max_length=7, blank=True)
    last_reported_at = models.DateTimeField(null=True, blank=True)
    behind_after = models.DateField("滞后起始日", null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "任务"
        ordering = ["document_id", "position", "id"]
        indexes = [
            models.Index(fields=["state", "due_date"], name="task_state_due"),
            # The dashboard's counts by state and light read every column of a light from this index alone
            # (an index-only scan, never the wide rows with the task texts).
            models.Index(fields=["state", "due_date", "behind_after", "ongoing", "start_date", "last_period", "id"],
                         name="task_light_cover"),
            models.Index(fields=["state", "closed_at"], name="task_state_closed"),  # closures per month
            models.Index(fields=["document", "position", "id"], name="task_doc_position"),  # the ledger's order
        ]

    def __str__(self) -> str:
        label = self.title or self.text[:40]
        return f"{self.number} {label}".strip()

    def units(self, role: str | None = None):
        qs = self.assignments.select_related("organisation")
        return qs.filter(role=role) if role else qs

    def allows(self, action: str) -> bool:
        """Whether the task's state allows ``action`` (a key of :data:`TASK_LIFECYCLE`), whoever asks."""
        return self.state in TASK_LIFECYCLE[action].sources


class Assignment(models.Model):
    Role = choices_of(ledger.UnitRole, "Role")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    # The unit as the plan names it (the resolver's canonical name, or what the reviewer typed): a draft's units
    # stay names, and become organisations when the plan is published (services.organisations.file_units), so
    # an imported draft never adds organisations to the office's lists. A reviewer may also pick an
    # organisation on file for a draft task; ``organisation`` is None only until the unit is filed.
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="assignments")
    name = models.CharField("单位名称", max_length=200, blank=True)
    renamed_from = models.CharField("机构改革前名称", max_length=200, blank=True)
    generic = models.BooleanField("泛指（各镇、相关单位）", default=False)
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    raw = models.CharField("原文写法", max_length=200, blank=True)
    span_start = models.PositiveIntegerField(null=True, blank=True)
    span_end = models.PositiveIntegerField(null=True, blank=True)
    # Copies of the task's schedule, written only by database triggers (see denorm.py): the dashboard counts a
    # unit's red and yellow tasks from the assignment rows alone. Python never sets them; values held by an
    # instance may be stale, the database's are not.
    task_state = models.CharField(max_length=20, blank=True, default="", editable=False)
    task_due_date = models.DateField(null=True, blank=True, editable=False)
    task_behind_after = models.DateField(null=True, blank=True, editable=False)
    task_ongoing = models.BooleanField(default=False, editable=False)
    task_start_date = models.DateField(null=True, blank=True, editable=False)
    task_last_period = models.CharField(max_length=7, blank=True, default="", editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "责任分工"
        constraints = [models.UniqueConstraint(fields=["task", "organisation", "role"], name="assignment_unique"),
                       models.UniqueConstraint(fields=["task", "role", "name"], name="assignment_unique_unfiled",
                                               condition=models.Q(organisation__isnull=True))]
        # A unit's tasks (the ledger's unit filter) read from the first index alone; lookups by task use the
        # unique constraint's index (task, organisation, role). The dashboard: red tasks per lead unit from the
        # second (a range on role, state, deadline), a unit's totals and yellow from the third.
        indexes = [
            models.Index(fields=["organisation", "role", "task"], name="assignment_org_role_task"),
            models.Index(fields=["role", "task_state", "task_due_date", "organisation"], name="assignment_role_light"),
            models.Index(fields=["organisation", "role", "task_state", "task_due_date", "task_behind_after",
                                 "task_ongoing", "task_start_date", "task_last_period"], name="assignment_org_light"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}：{self.unit_name}"

    @property
    def unit_name(self) -> str:
        """The organisation's name once filed, the plan's name for the unit before."""
        return self.organisation.name if self.organisation_id else self.name


class Deadline(models.Model):
    Type = choices_of(ledger.DeadlineType, "Type")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="deadlines")
    type = models.CharField("类型", max_length=10, choices=Type.choices, default=Type.BY)
    date = models.DateField("日期", null=True, blank=True)
    text = models.CharField("原文", max_length=200, blank=True)
    span_start = models.PositiveIntegerField(null=True, blank=True)
    span_end = models.PositiveIntegerField(null=True, blank=True)
    active = models.BooleanField("有效", default=True)
    superseded_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "时限"
        ordering = ["task_id", "date", "id"]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.date or self.text}"


class DeadlineChangeRequest(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已批准"
        REJECTED = "rejected", "已驳回"

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="deadline_requests")
    deadline = models.ForeignKey(Deadline, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    new_date = models.DateField("申请调整为")
    reason = models.TextField("理由")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.PENDING, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField("审批意见", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "时限调整申请"
        ordering = ["-requested_at", "-id"]


PERIOD_VALIDATOR = RegexValidator(PERIOD_PATTERN, "报送期应为 YYYY-MM")


class ProgressReport(models.Model):
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="reports")
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="reports")
    period = models.CharField("报送期", max_length=7, validators=[PERIOD_VALIDATOR])
    text = models.TextField("进展情况")
    percent = models.PositiveSmallIntegerField("完成进度（%）", validators=[MinValueValidator(0), MaxValueValidator(100)])
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    is_completion_claim = models.BooleanField("申请销号", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "进展报送"
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["task", "submitted_at"], name="report_task_at"),
                   # the dashboard's reporting rate: one month's reports by unit and task, from the index alone
                   models.Index(fields=["period", "organisation", "task"], name="report_period_org_task")]


class ReportMonthCount(models.Model):
    """How many progress reports each period (YYYY-MM) has: the dashboard's monthly trend without counting a
    million reports. Maintained in the same transaction as every new report by the services; a stored
    aggregate of immutable facts (reports are never edited or deleted), rebuilt from the reports by
    ``manage.py rebuild_report_counts`` (e.g. after rows were written outside the services)."""

    period = models.CharField("报送期", max_length=7, unique=True, validators=[PERIOD_VALIDATOR])
    reports = models.PositiveIntegerField("报送数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "月度报送数"
        ordering = ["period"]

    def __str__(self) -> str:
        return f"{self.period}: {self.reports}"

    @classmethod
    def add(cls, period: str, n: int = 1) -> None:
        """Count ``n`` more reports of ``period`` (safe under concurrent submissions: an atomic increment)."""
        from django.db.models import F

        if not cls.objects.filter(period=period).update(reports=F("reports") + n):
            obj, created = cls.objects.get_or_create(period=period, defaults={"reports": n})
            if not created:
                cls.objects.filter(period=period).update(reports=F("reports") + n)

    @classmethod
    def rebuild(cls) -> int:
        """Recompute every period's count from the reports; returns the number of periods."""
        from django.db import transaction
        from django.db.models import Count

        with transaction.atomic():
            cls.objects.all().delete()
            rows = (ProgressReport.objects.order_by().values("period").annotate(n=Count("*"))
                    .values_list("period", "n"))
            cls.objects.bulk_create([cls(period=p, reports=n) for p, n in rows])
            return cls.objects.count()


class EvidenceFile(models.Model):
    report = models.ForeignKey(ProgressReport, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(upload_to="evidence/", max_length=300)
    original_name = models.CharField("文件名", max_length=300)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.BigIntegerField(default=0)
    content_type = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "佐证材料"


class Verification(models.Model):
    class Result(models.TextChoices):
        CLOSED = "closed", "核查通过，销号"
        REJECTED = "rejected", "核查不通过，退回"

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="verifications")
    report = models.ForeignKey(ProgressReport, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    result = models.CharField("结论", max_length=20, choices=Result.choices)
    note = models.TextField("核查意见")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "核查销号"
        ordering = ["-at", "-id"]


class UserProfile(models.Model):
    class Role(models.TextChoices):
        """What a user does (:mod:`.permissions` says what each may do); ``short_label``: the page header's."""

        ADMIN = "admin", "指挥部办公室管理员"
        REVIEWER = "reviewer", "审核员"
        LIAISON = "liaison", "责任单位联络员"
        LEADER = "leader", "领导"
        INSPECTOR = "inspector", "核查人员"

        @property
        def short_label(self) -> str:
            return {"admin": "管理员", "liaison": "联络员"}.get(self.value, self.label)

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="users", verbose_name="所属单位",
                                     limit_choices_to={"assignable": True})
    phone = models.CharField("联系电话", max_length=30, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "用户角色"

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class Setting(models.Model):
    """Runtime configuration editable by the office (e.g. ``warning_days``)."""

    key = models.CharField(max_length=100, unique=True)
    value = models.CharField(max_length=500)

    class Meta:
        verbose_name = verbose_name_plural = "系统设置"

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class MonitoringDataset(models.Model):
    """Monitoring data of a jurisdiction, uploaded once by the office and kept: hourly air concentrations or
    surface-water samples. Every target of every plan of the jurisdiction is tracked against the stored
    datasets (:mod:`.monitoring`). The original file is kept as uploaded; ``parsed`` holds what the domain
    reader made of it (numpy arrays for air, the samples as JSON for water), so that tracking never parses
    the file again. A dataset is never changed: a correction is a new upload (later values win)."""

    class Kind(models.TextChoices):
        AIR = "air", "空气质量小时数据"
        WATER = "water", "地表水水质监测数据"

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="monitoring_datasets",
                                     verbose_name="行政区")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    original = models.FileField("原始文件", upload_to="monitoring/", max_length=300)
    original_name = models.CharField("文件名", max_length=300)
    sha256 = models.CharField("SHA-256", max_length=64, unique=True)
    size = models.BigIntegerField("字节数", default=0)
    parsed = models.FileField("解析结果", upload_to="monitoring/", max_length=300)
    layout = models.CharField("表格格式", max_length=10, blank=True)
    period_start = models.DateField("起始日期")
    period_end = models.DateField("截止日期")
    years = models.JSONField("年份", default=list)
    stations = models.JSONField("站点或断面", default=list)
    items = models.JSONField("污染物或监测项目", default=list)
    records = models.PositiveIntegerField("记录数", default=0)
    note = models.CharField("备注", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="上传人")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "监测数据集"
        ordering = ["jurisdiction_id", "kind", "uploaded_at", "id"]
        indexes = [models.Index(fields=["jurisdiction", "kind", "uploaded_at"], name="monitoring_jur_kind")]

    def __str__(self) -> str:
        return f"{self.jurisdiction.name} {self.get_kind_display()} {self.period_start}–{self.period_end}"
