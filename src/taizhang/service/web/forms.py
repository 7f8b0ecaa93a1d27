"""The screens' input forms: what each action reads from a POST, typed and checked once.

The forms turn the request into the arguments of a service call; the domain's rules (a report period, a
percent, who may act in which state) stay in the services, which give their own messages. Dates are parsed by
:func:`taizhang.service.ledger.values.parse_date`, as in the services and the API. :func:`cleaned` turns an
invalid form into a :class:`ServiceError` with the first message — after refusing (403) a user the service
would refuse anyway, so a refused user is told so whatever was sent.
"""

from __future__ import annotations

from django import forms

from taizhang.service.ledger import permissions as perms
from taizhang.service.ledger.errors import ServiceError
from taizhang.service.ledger.models import Document, MonitoringDataset, Organisation, Task
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

    def changes(self) -> dict:
        """The fields sent, as typed (the service keeps those that differ from the task)."""
        cd = self.cleaned_data
        out = {f: cd[f] for f in REVIEW_TEXT_FIELDS if f in self.data}
        out.update({f: cd[f] for f in REVIEW_FLAGS if f"has_{f}" in self.data})
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


class ThroughForm(forms.Form):
    """The target view's cut-off day (``?through=YYYY-MM-DD``)."""

    through = DateField(required=False)
