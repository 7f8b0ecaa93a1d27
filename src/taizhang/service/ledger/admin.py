"""Django admin for the office: reference data (jurisdictions, organisations, aliases, renames, users'
roles, settings) is editable; ledger data is view-only here because it changes through the services only,
and the audit trail is never editable."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, User

from . import models

admin.site.site_header = admin.site.site_title = "台账系统管理"
admin.site.index_title = "系统数据管理（仅限超级管理员；日常的用户与单位管理请在台账系统的“用户与单位”页面办理）"


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ("name", "level", "parent")
    search_fields = ("name",)


class AliasInline(admin.TabularInline):
    model = models.OrganisationAlias
    extra = 0


class RenameInline(admin.TabularInline):
    model = models.OrganisationRename
    extra = 0


@admin.register(models.Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "jurisdiction", "assignable")
    list_filter = ("kind", "assignable", "jurisdiction")
    search_fields = ("name", "aliases__alias")
    inlines = [AliasInline, RenameInline]


@admin.register(models.Setting)
class SettingAdmin(admin.ModelAdmin):
    list_display = ("key", "value")


class ProfileInline(admin.StackedInline):
    """The user's role and unit: required (a user without a role can do nothing in the service)."""

    model = models.UserProfile
    can_delete = False
    min_num = max_num = 1
    validate_min = True
    verbose_name = verbose_name_plural = "角色与所属单位"


admin.site.unregister(User)
admin.site.unregister(Group)  # roles are UserProfile.role, not groups


@admin.register(User)
class TaizhangUserAdmin(UserAdmin):
    """Roles are ``UserProfile.role`` (the inline), not Django's groups and permissions: those are left out."""

    inlines = [ProfileInline]
    add_form_template = "admin_site/user_add_form.html"
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("first_name", "last_name", "email")}),
        ("账号状态", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("重要日期", {"fields": ("last_login", "date_joined")}),
    )
    list_filter = ("is_active", "is_superuser", "profile__role")


@admin.register(models.Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ("title", "original_name", "state", "imported_at")
    exclude = ("text", "ledger_json")


@admin.register(models.Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ("number", "title", "state", "due_date", "document")
    list_filter = ("state", "kind")
    search_fields = ("title", "text")


@admin.register(models.ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin):
    list_display = ("task", "organisation", "period", "percent", "submitted_at")


@admin.register(models.AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("seq", "at", "actor_name", "action", "object_type", "object_id")
    list_filter = ("action",)


@admin.register(models.MonitoringDataset)
class MonitoringDatasetAdmin(ReadOnlyAdmin):
    list_display = ("jurisdiction", "kind", "original_name", "period_start", "period_end", "records", "uploaded_by",
                    "uploaded_at")
    list_filter = ("kind", "jurisdiction")
    search_fields = ("original_name", "note")
