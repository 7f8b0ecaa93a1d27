"""Forms of the office's 用户与单位 pages: a user's account, a merge of units.

They read and type what was sent; the rules (a liaison needs a unit, a collective name is no user's unit, a
username is taken once) are the services' (:mod:`taizhang.service.ledger.services.users` and ``.units``),
which give their own messages.
"""

from __future__ import annotations

from django import forms

from taizhang.service.ledger.models import Jurisdiction, Organisation, UserProfile

ROLE_CHOICES = [("", "请选择角色"), *UserProfile.Role.choices]


class UnitChoiceField(forms.ModelChoiceField):
    """A unit a user can belong to; the region is named when the list spans several."""

    def __init__(self, **kwargs):
        qs = (Organisation.objects.filter(assignable=True).select_related("jurisdiction")
              .only("id", "name", "jurisdiction__name").order_by("jurisdiction__name", "name"))
        super().__init__(queryset=qs, empty_label="（不属于具体单位）", **kwargs)
        self.several_regions = Jurisdiction.objects.filter(organisations__assignable=True).distinct().count() > 1

    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.jurisdiction.name}）" if self.several_regions else obj.name


class UserForm(forms.Form):
    """A user's name, role (required), unit and contacts; ``username`` on creation only."""

    username = forms.CharField(label="用户名", max_length=150, help_text="登录时使用，字母、数字或 . @ + - _，创建后不能修改")
    name = forms.CharField(label="姓名", max_length=150, required=False)
    role = forms.ChoiceField(label="角色", choices=ROLE_CHOICES, error_messages={"required": "请选择角色"})
    organisation = UnitChoiceField(label="所属单位", required=False,
                                   help_text="责任单位联络员必须指定；集合称谓（如“各乡镇人民政府”）不在列表中")
    phone = forms.CharField(label="联系电话", max_length=30, required=False)
    email = forms.EmailField(label="电子邮箱", required=False, help_text="用于接收逾期、临期提醒",
                             error_messages={"invalid": "电子邮箱格式不对"})

    def __init__(self, *args, creating: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not creating:
            del self.fields["username"]
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


class MergeForm(forms.Form):
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
