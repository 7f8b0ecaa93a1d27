"""JSON shapes of the API (read side). Writes go through the services, not through serializers."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from taizhang.service.ledger import models


class OrganisationSerializer(serializers.ModelSerializer):
    aliases = serializers.SlugRelatedField(many=True, read_only=True, slug_field="alias")

    class Meta:
        model = models.Organisation
        fields = ["id", "name", "kind", "jurisdiction", "aliases"]


class AssignmentSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="unit_name", read_only=True)
    span = serializers.SerializerMethodField()

    class Meta:
        model = models.Assignment
        # organisation: None until the plan is published and its units are filed; organisation_name: the unit's
        # name either way
        fields = ["organisation", "organisation_name", "role", "raw", "span"]

    def get_span(self, obj) -> list[int] | None:
        return [obj.span_start, obj.span_end] if obj.span_start is not None else None


class DeadlineSerializer(serializers.ModelSerializer):
    span = serializers.SerializerMethodField()

    class Meta:
        model = models.Deadline
        fields = ["id", "type", "date", "text", "span", "active"]

    def get_span(self, obj) -> list[int] | None:
        return [obj.span_start, obj.span_end] if obj.span_start is not None else None


class TargetSerializer(serializers.ModelSerializer):
    span = serializers.SerializerMethodField()

    class Meta:
        model = models.Target
        fields = ["id", "document", "key", "indicator", "comparator", "value", "unit", "year", "baseline_year",
                  "stretch_value", "text", "span", "task", "jurisdiction"]

    def get_span(self, obj) -> list[int] | None:
        return [obj.span_start, obj.span_end] if obj.span_start is not None else None


class TaskSerializer(serializers.ModelSerializer):
    span = serializers.SerializerMethodField()
    light = serializers.SerializerMethodField()
    units = AssignmentSerializer(source="assignments", many=True, read_only=True)
    deadlines = serializers.SerializerMethodField()

    class Meta:
        model = models.Task
        fields = ["id", "document", "parent", "key", "number", "kind", "title", "text", "section", "span", "state",
                  "immediate", "ongoing", "status_reported", "goal", "measures", "version", "due_date",
                  "start_date", "last_percent", "last_period", "light", "units", "deadlines", "created_at",
                  "updated_at", "closed_at"]

    def get_span(self, obj) -> list[int] | None:
        return [obj.span_start, obj.span_end] if obj.span_start is not None else None

    def get_light(self, obj) -> str | None:
        from taizhang.service.ledger import lights

        if hasattr(obj, "light"):
            return obj.light or None
        return lights.task_light(obj)

    def get_deadlines(self, obj) -> list[dict]:
        return DeadlineSerializer([d for d in obj.deadlines.all() if d.active], many=True).data


class TaskDetailSerializer(TaskSerializer):
    """One task, with what the requesting user may do to it now (the task page's buttons)."""

    actions = serializers.SerializerMethodField()

    class Meta(TaskSerializer.Meta):
        fields = [*TaskSerializer.Meta.fields, "actions"]

    def get_actions(self, obj) -> dict[str, bool]:
        from taizhang.service.ledger import permissions

        return permissions.allowed_actions(self.context["request"].user, obj)


class EvidenceSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = models.EvidenceFile
        fields = ["id", "original_name", "sha256", "size", "content_type", "url"]

    def get_url(self, obj) -> str:
        return reverse("api:evidence-detail", args=[obj.pk])


class ProgressReportSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True, default=None,
                                              allow_null=True)
    submitted_by = serializers.CharField(source="submitted_by.username", read_only=True)
    files = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = models.ProgressReport
        fields = ["id", "task", "organisation", "organisation_name", "period", "text", "percent", "submitted_by",
                  "submitted_at", "is_completion_claim", "files"]


class DocumentSerializer(serializers.ModelSerializer):
    task_count = serializers.IntegerField(read_only=True, default=None, allow_null=True)

    class Meta:
        model = models.Document
        fields = ["id", "title", "doc_number", "issuer", "issue_date", "region", "jurisdiction", "original_name",
                  "sha256", "size", "format", "state", "imported_at", "published_at", "parent", "task_count"]


class DocumentDetailSerializer(DocumentSerializer):
    warnings = serializers.SerializerMethodField()

    class Meta(DocumentSerializer.Meta):
        fields = [*DocumentSerializer.Meta.fields, "text", "warnings"]

    def get_warnings(self, obj) -> list[dict]:
        return list((obj.ledger_json or {}).get("warnings") or [])


class DeadlineChangeSerializer(serializers.ModelSerializer):
    requested_by = serializers.CharField(source="requested_by.username", read_only=True)
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, default=None, allow_null=True)

    class Meta:
        model = models.DeadlineChangeRequest
        fields = ["id", "task", "new_date", "reason", "requested_by", "requested_at", "state", "decided_by",
                  "decided_at", "decision_note"]


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.AuditEvent
        fields = ["seq", "at", "actor_name", "action", "object_type", "object_id", "data", "hash"]
