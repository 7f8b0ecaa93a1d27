"""The screens' input forms: what each action reads from a POST, typed and checked once.

The forms turn the request into the arguments of a service call; the domain's rules (a report period, a
percent, who may act in which state) stay in the services, which give their own messages. Dates are parsed by
:func:`taizhang.service.ledger.values.parse_date`, as in the services and the API. :func:`cleaned` turns an
invalid form into a :class:`ServiceError` with the first message — after refusing (403) a user the service
would refuse anyway, so a refused user is told so whatever was sent.
"""

from __future__ import annotations

from datetime import date

from django import forms

from taizhang.service.ledger import permissions as perms
from taizhang.service.ledger.errors import ServiceError
from taizhang.service.ledger.models import (
    Document,
    Jurisdiction,
    MonitoringDataset,
    Organisation,
    Task,
    UserProfile,
)
from taizhang.service.ledger.values import optional_date

PLAN_SUFFIXES = (".docx", ".pdf", ".txt")
REVIEW_TEXT_FIELDS = ("number", "title", "goal", "kind", "text")
REVIEW_FLAGS = ("immediate", "ongoing")


class DateField(forms.Field):
    """A ``YYYY-MM-DD`` date (empty: none), parsed by the project's one date parser."""

    def to_python(self, value):
        try:
            return optional_date(value)
        except ServiceError as exc:
            raise forms.ValidationError(exc.message) from None


class VersionField(forms.IntegerField):
    """The version of a task as the form showed it (see :func:`taizhang.service.ledger.services.edit_task`)."""

    def __init__(self, **kwargs):
        message = "缺少任务版本号，请刷新页面后重新编辑"
        super().__init__(error_messages={"required": message, "invalid": message}, **kwargs)


def cleaned(form: forms.Form, action: str, user, obj=None) -> dict:
    """The form's cleaned data; an invalid form raises :class:`ServiceError` with its first message, unless
    the service would refuse ``user`` the ``action`` anyway (then :class:`NotAllowed`)."""
    if form.is_valid():
        return form.cleaned_data
    perms.require_to(action, user, obj)
    errors = form.errors.as_data()
    raise ServiceError(next(iter(errors.values()))[0].messages[0])


class ReasonForm(forms.Form):
    """An action that takes a free-text reason (a note, a why): empty is the service's to refuse."""

    why = forms.CharField(required=False, strip=False)


class ReviewForm(ReasonForm):
    """A review action on one task card: the task's version as shown, and an optional why."""

    version = VersionField(required=False)


class ReviewEditForm(ReviewForm):
    """Corrections of a task card. Only the fields the card sent count (a card of a published task has no
    deadline field); the flags' checkboxes come with a ``has_<flag>`` marker, since an unticked box sends
    nothing."""

    number = forms.CharField(required=False)
    title = forms.CharField(required=False)
    goal = forms.CharField(required=False)
    kind = forms.ChoiceField(required=False, choices=Task.Kind.choices)
    text = forms.CharField(required=False)
    immediate = forms.BooleanField(required=False)
    ongoing = forms.BooleanField(required=False)
    due_date = DateField(required=False)
    no_lead = forms.BooleanField(required=False)
    no_lead_reason = forms.CharField(required=False, max_length=500)

    def clean(self):
        cd = super().clean()
        if "has_no_lead" in self.data and cd.get("no_lead") and not (cd.get("no_lead_reason") or "").strip():
            raise forms.ValidationError("标为“无需牵头单位”须说明理由")
        return cd

    def changes(self) -> dict:
        """The fields sent, as typed (the service keeps those that differ from the task). "无需牵头单位" is
        its reason: unticked, the reason is cleared."""
        cd = self.cleaned_data
        out = {f: cd[f] for f in REVIEW_TEXT_FIELDS if f in self.data}
        out.update({f: cd[f] for f in REVIEW_FLAGS if f"has_{f}" in self.data})
        if "has_no_lead" in self.data:
            out["no_lead_reason"] = cd["no_lead_reason"].strip() if cd["no_lead"] else ""
        return out

    def due(self):
        """The deadline sent (a date, or None to clear it), or :data:`...services.review.UNCHANGED`."""
        from taizhang.service.ledger.services.review import UNCHANGED

        return self.cleaned_data["due_date"] if "due_date" in self.data else UNCHANGED


class UnitsForm(ReviewForm):
    """The units of one role: rows of (the plan's wording ``raw``, the organisation's name ``unit``)."""

    role = forms.CharField(required=False)

    def units(self) -> list[dict]:
        names, raws = self.data.getlist("unit"), self.data.getlist("raw")
        out = []
        for i, name in enumerate(names):
            name = name.strip()
            raw = raws[i].strip() if i < len(raws) else ""
            if name:  # an organisation of the list (by name or alias), or a new one
                out.append({"name": name, "raw": raw})
        return out


class SplitForm(ReviewForm):
    at_text = forms.CharField(required=False)


class MergeForm(ReviewForm):
    """The tasks to merge into this one: ``others`` values "id" or "id:version" (the version as the form
    showed it); a ``version_<id>`` field may give the version of a task chosen by id alone."""

    def chosen(self) -> dict[int, int | None]:
        out: dict[int, int | None] = {}
        for value in self.data.getlist("others"):
            ident, _, version = value.partition(":")
            if ident.strip().isdigit():
                pk = int(ident)
                if version.strip().isdigit():
                    out[pk] = int(version)
                else:
                    v = self.data.get(f"version_{pk}", "")
                    out[pk] = int(v) if v.isdigit() else None
        return out


class OrganisationForm(forms.Form):
    name = forms.CharField(required=False)
    kind = forms.ChoiceField(required=False, choices=Organisation.Kind.choices)
    aliases = forms.CharField(required=False)

    def alias_list(self) -> list[str]:
        return [a.strip() for a in self.cleaned_data["aliases"].replace("，", ",").split(",") if a.strip()]


class ProgressForm(forms.Form):
    """A monthly report or a completion claim: the period and percent as typed (the service checks them)."""

    period = forms.CharField(required=False)
    percent = forms.CharField(required=False)
    text = forms.CharField(required=False, strip=False)

    def evidence(self) -> list:
        """The evidence files sent (an empty file input sends a nameless part: left out)."""
        return [f for f in self.files.getlist("files") if f is not None and f.name]


class VerifyForm(forms.Form):
    decision = forms.ChoiceField(choices=[("close", "销号"), ("reject", "退回")],
                                 error_messages={"required": "请选择“销号”或“退回”",
                                                 "invalid_choice": "请选择“销号”或“退回”"})
    note = forms.CharField(required=False, strip=False)


class ReopenForm(forms.Form):
    reason = forms.CharField(required=False, strip=False)


class DeadlineRequestForm(forms.Form):
    new_date = DateField(error_messages={"required": "日期“”格式不对，应为 YYYY-MM-DD"})
    reason = forms.CharField(required=False, strip=False)


class DeadlineDecisionForm(forms.Form):
    decision = forms.CharField(required=False)
    note = forms.CharField(required=False, strip=False)

    @property
    def approve(self) -> bool:
        return self.cleaned_data["decision"] == "approve"


class PlanUploadForm(forms.Form):
    """A plan file to import, and the published document it implements (optional; an unknown one: none)."""

    file = forms.FileField(allow_empty_file=True,  # an empty file is the reader's to explain
                           error_messages={"required": "请选择要导入的方案文件（.docx、.pdf 或 .txt）。"})
    parent = forms.CharField(required=False)

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(PLAN_SUFFIXES):
            raise forms.ValidationError(f"文件“{f.name}”的类型不支持，请上传 .docx、.pdf 或 .txt 文件。")
        return f

    def clean_parent(self):
        pk = self.cleaned_data["parent"]
        if not pk.isdigit():
            return None
        return Document.objects.filter(pk=pk, state=Document.State.PUBLISHED).first()


class MonitoringUploadForm(forms.Form):
    file = forms.FileField(allow_empty_file=True, error_messages={"required": "请选择监测数据文件（.csv 或 .xlsx）。"})
    kind = forms.CharField(required=False)
    note = forms.CharField(required=False, strip=False)

    def clean_kind(self):
        return self.cleaned_data["kind"] or MonitoringDataset.Kind.AIR


STANDARD_CHOICES = [("auto", "按数据日期（2026-03-01起用2026年版）"), ("2012", "全部用2012年版"), ("2026", "全部用2026年版")]


class ThroughForm(forms.Form):
    """The target view's cut-off day (``?through=YYYY-MM-DD``) and standards (``?standard=auto|2012|2026``:
    :mod:`taizhang.standards.editions`)."""

    through = DateField(required=False)
    standard = forms.ChoiceField(choices=STANDARD_CHOICES, required=False, error_messages={
        "invalid_choice": "标准“%(value)s”不对，应为 auto、2012、2026 之一"})


# ---------------------------------------------------------------- the office's 用户与单位 pages
# They read and type what was sent; the rules (a liaison needs a unit, a collective name is no user's unit, a
# username is taken once) are the services' (services.users and services.units), with their own messages.

USER_ROLE_CHOICES = [("", "请选择角色"), *UserProfile.Role.choices]


class UnitChoiceField(forms.ModelChoiceField):
    """A unit a user can belong to; the region is named when the list spans several."""

    several_regions = False  # set per form (UserForm.__init__): no query when the class is defined

    def __init__(self, **kwargs):
        qs = (Organisation.objects.filter(assignable=True).select_related("jurisdiction")
              .only("id", "name", "jurisdiction__name").order_by("jurisdiction__name", "name"))
        super().__init__(queryset=qs, empty_label="（不属于具体单位）", **kwargs)

    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.jurisdiction.name}）" if self.several_regions else obj.name


class UserForm(forms.Form):
    """A user's name, role (required), unit and contacts; ``username`` on creation only."""

    username = forms.CharField(label="用户名", max_length=150, help_text="登录时使用，字母、数字或 . @ + - _，创建后不能修改")
    name = forms.CharField(label="姓名", max_length=150, required=False)
    role = forms.ChoiceField(label="角色", choices=USER_ROLE_CHOICES, error_messages={"required": "请选择角色"})
    organisation = UnitChoiceField(label="所属单位", required=False,
                                   help_text="责任单位联络员必须指定；集合称谓（如“各乡镇人民政府”）不在列表中")
    phone = forms.CharField(label="联系电话", max_length=30, required=False)
    email = forms.EmailField(label="电子邮箱", required=False, help_text="用于接收逾期、临期提醒",
                             error_messages={"invalid": "电子邮箱格式不对"})

    def __init__(self, *args, creating: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not creating:
            del self.fields["username"]
        self.fields["organisation"].several_regions = (
            Jurisdiction.objects.filter(organisations__assignable=True).distinct().count() > 1)
        self.fields["username" if creating else "name"].widget.attrs["autofocus"] = True
        self.fields["phone"].widget.attrs.update({"type": "tel", "autocomplete": "tel"})

    @classmethod
    def for_user(cls, user, data=None):
        profile = getattr(user, "profile", None)
        initial = {"name": user.first_name, "email": user.email,
                   "role": profile.role if profile else "", "phone": profile.phone if profile else "",
                   "organisation": profile.organisation_id if profile else None}
        return cls(data, initial=initial, creating=False)

    def service_args(self) -> dict:
        cd = self.cleaned_data
        return {"name": cd["name"], "role": cd["role"], "organisation": cd["organisation"],
                "phone": cd["phone"], "email": cd["email"]}


class UserFilterForm(forms.Form):
    q = forms.CharField(label="查找", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "用户名、姓名、电话"}))
    role = forms.ChoiceField(label="角色", required=False, choices=[("", "全部角色"), *UserProfile.Role.choices,
                                                                ("none", "未分配角色")])
    inactive = forms.BooleanField(label="含已停用", required=False)


class UnitFilterForm(forms.Form):
    q = forms.CharField(label="查找", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "单位名称或别名"}))
    jurisdiction = forms.ModelChoiceField(label="地区", required=False, empty_label="全部地区",
                                          queryset=Jurisdiction.objects.order_by("name"))
    kind = forms.ChoiceField(label="可否作为用户单位", required=False,
                             choices=[("", "全部"), ("assignable", "具体单位"), ("collective", "集合称谓")])


class UnitMergeForm(forms.Form):
    """The units chosen for a merge and the one kept."""

    ids = forms.ModelMultipleChoiceField(queryset=Organisation.objects.select_related("jurisdiction"),
                                         error_messages={"required": "请勾选要合并的单位（至少两个）"})
    keep = forms.ModelChoiceField(queryset=Organisation.objects.all(), required=False)
    why = forms.CharField(label="说明", required=False, max_length=500)

    def clean(self):
        cd = super().clean()
        units = list(cd.get("ids") or [])
        if len(units) < 2:
            raise forms.ValidationError("请勾选要合并的单位（至少两个）")
        keep = cd.get("keep")
        if keep is not None and keep not in units:
            raise forms.ValidationError("保留的单位须是勾选的单位之一")
        return cd


# ---------------------------------------------------------------- the dashboard's filters


def months_back(today, earliest) -> list[str]:
    """Months (YYYY-MM) from ``today``'s back to ``earliest``'s (at most five years), newest first."""
    y, m, out = today.year, today.month, []
    while (y, m) >= (earliest.year, earliest.month) and len(out) < 60:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out


class DashboardFilterForm(forms.Form):
    """首页's scope: a published plan, a region, and the month of the reporting rate."""

    document = forms.ModelChoiceField(label="方案", required=False, empty_label="全部方案",
                                      queryset=Document.objects.none())
    region = forms.ModelChoiceField(label="地区", required=False, empty_label="全部地区",
                                    queryset=Jurisdiction.objects.none())
    period = forms.ChoiceField(label="报送月份", required=False)

    def __init__(self, data=None, *, today):
        from taizhang.service.ledger import lights

        super().__init__(data)
        published = Document.objects.filter(state=Document.State.PUBLISHED)
        self.fields["document"].queryset = published.only("id", "title", "original_name").order_by("-published_at")
        self.fields["region"].queryset = Jurisdiction.objects.filter(documents__in=published).distinct().order_by("name")
        first = published.order_by("published_at").values_list("published_at", flat=True).first()
        earliest = first.date() if first else today
        self.default_period = lights.last_complete_period(today)
        months = months_back(today, min(earliest, date.fromisoformat(self.default_period + "-01")))
        self.fields["period"].choices = [(m, f"{m[:4]}年{int(m[5:])}月") for m in months]
        self.fields["period"].initial = self.default_period

    def scope(self):
        from .dashboard_stats import Scope

        cd = self.cleaned_data if self.is_valid() else {}
        doc, region = cd.get("document"), cd.get("region")
        return Scope(document_id=doc.pk if doc else None, jurisdiction_id=region.pk if region else None,
                     period=cd.get("period") or None)
