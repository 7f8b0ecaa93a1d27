"""Django admin for the office: reference data (jurisdictions, organisations, aliases, renames, users'
roles, settings) is editable; ledger data is view-only here because it changes through the services only,
and the audit trail is never editable."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, User

from . import models


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
    list_display = ("name", "kind", "jurisdiction")
    list_filter = ("kind", "jurisdiction")
    search_fields = ("name", "aliases__alias")
    inlines = [AliasInline, RenameInline]


@admin.register(models.Setting)
class SettingAdmin(admin.ModelAdmin):
    list_display = ("key", "value")


class ProfileInline(admin.StackedInline):
    model = models.UserProfile
    can_delete = False


admin.site.unregister(User)
admin.site.unregister(Group)  # roles are UserProfile.role, not groups


@admin.register(User)
class TaizhangUserAdmin(UserAdmin):
    inlines = [ProfileInline]


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
