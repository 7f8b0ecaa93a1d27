"""Input serializers of the API: what each write (and each list's filters) reads from a request.

Values are parsed by :mod:`taizhang.service.ledger.values`, the parsers the services and the screens use, so
a bad value gets the same message everywhere. :func:`inputs` answers an invalid input with 400 and its first
message (the ``{"detail": …}`` shape of every API error) — after refusing (403) a user the service would
refuse the action anyway, since who may act is the services' to say (:data:`...permissions.REQUIREMENTS`).
The domain's own rules (a period, a percent, a state) stay in the services.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty

from taizhang.service.ledger import permissions as perm
from taizhang.service.ledger import values
from taizhang.service.ledger.errors import ServiceError
from taizhang.service.ledger.models import Task
from taizhang.standards import editions


class Parsed(serializers.Field):
    """A value parsed by one of :mod:`...values`' parsers; a required one that is absent or null is handed to
    the parser too, whose message then says what was expected."""

    def validate_empty_values(self, data):
        if (data is empty or data is None) and self.required:
            return (False, None)
        if data == "" and not self.required:  # an empty form field or query parameter: not given
            data = empty
        return super().validate_empty_values(data)

    def to_internal_value(self, data):
        try:
            return self.parse(data)
        except ServiceError as exc:
            raise serializers.ValidationError(exc.message) from None

    def to_representation(self, value):
        return value


@extend_schema_field({"type": "integer", "minimum": values.INT_MIN, "maximum": values.INT_MAX})
class Integer(Parsed):
    def parse(self, data):
        return values.parse_int(data, self.field_name)


@extend_schema_field(OpenApiTypes.DATE)
class Date(Parsed):
    def parse(self, data):
        return values.parse_date(data, self.field_name)


@extend_schema_field({"type": "integer", "minimum": 0, "maximum": 100})
class Percent(Parsed):
    def parse(self, data):
        return values.parse_percent(data)


@extend_schema_field(OpenApiTypes.ANY)
class Structured(Parsed):
    """A list or an object, sent as JSON or as a JSON text (a multipart form's field)."""

    def parse(self, data):
        return values.parse_json(data, self.field_name)


class FreeText(serializers.CharField):
    """Text as sent; null is no text (an empty or absent one is the service's to refuse)."""

    def validate_empty_values(self, data):
        if data is None:
            return (True, "")
        return super().validate_empty_values(data)


def free_text(**kwargs) -> serializers.CharField:
    """Free text as sent (an empty or absent one is the service's to refuse)."""
    return FreeText(default="", allow_blank=True, allow_null=True, trim_whitespace=False, **kwargs)


def inputs(serializer_class: type[serializers.Serializer], data, *, action: str | None = None, user=None,
           obj=None) -> dict:
    """The request's values for ``serializer_class``; invalid: :class:`NotAllowed` when ``user`` may not take
    ``action`` (on ``obj``) anyway, else :class:`ServiceError` with the first message."""
    s = serializer_class(data=data)
    if s.is_valid():
        return s.validated_data
    if action is not None:
        perm.require_to(action, user, obj)
    first = next(iter(s.errors.values()))
    raise ServiceError(str(first[0] if isinstance(first, list) else first))


class DocumentImport(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True, error_messages={"required": "请上传文件（字段 file）"})
    parent = Integer(required=False, allow_null=True)


class Why(serializers.Serializer):
    why = free_text()


class Versioned(Why):
    version = Integer()


class TaskEdit(Versioned):
    """``version``, ``why``, and the fields to change (:data:`...services.review.EDITABLE_FIELDS`), each checked
    against its column; any other field is the service's to refuse."""

    number = serializers.CharField(required=False, allow_blank=True, max_length=50)
    kind = serializers.ChoiceField(required=False, choices=Task.Kind.choices)
    title = serializers.CharField(required=False, allow_blank=True, max_length=500, trim_whitespace=False)
    text = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    section = serializers.CharField(required=False, allow_blank=True, max_length=500)
    goal = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    immediate = serializers.BooleanField(required=False)
    ongoing = serializers.BooleanField(required=False)
    measures = Structured(required=False)
    span_start = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=2**31 - 1)
    span_end = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=2**31 - 1)
    no_lead_reason = serializers.CharField(required=False, allow_blank=True, max_length=500)

    def validate_measures(self, value):
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            raise serializers.ValidationError(f"measures 应为文字的列表，收到：{value!r}")
        return value


class Split(Versioned):
    at = Integer()


class Merge(Why):
    versions = Structured(default=dict)

    def validate_versions(self, value):
        if not isinstance(value, dict):
            raise serializers.ValidationError(f"versions 应为 {{任务 id: 版本号}}，收到：{value!r}")
        try:
            return {values.parse_int(k, "id"): values.parse_int(v, "version") for k, v in value.items()}
        except ServiceError as exc:
            raise serializers.ValidationError(exc.message) from None


class Units(Versioned):
    role = free_text()
    units = Structured(default=list)


class Claim(serializers.Serializer):
    text = free_text()
    period = free_text()


class Note(serializers.Serializer):
    note = free_text()


class Reason(serializers.Serializer):
    reason = free_text()


class NewDeadline(serializers.Serializer):
    new_date = Date()
    reason = free_text()


class Report(serializers.Serializer):
    task = Integer()
    period = free_text()
    text = free_text()
    percent = Percent()


class TaskFilter(serializers.Serializer):
    document = Integer(required=False)
    unit = Integer(required=False)
    role = free_text()
    light = free_text()
    state = free_text()
    due_from = Date(required=False)
    due_to = Date(required=False)
    q = free_text()
    ordering = free_text()


class ByTask(serializers.Serializer):
    task = Integer(required=False)


class ByDocument(serializers.Serializer):
    document = Integer(required=False)


class Through(serializers.Serializer):
    through = Date(required=False)
    standard = serializers.ChoiceField(choices=editions.CHOICES, required=False, error_messages={
        "invalid_choice": f"standard 应为 {'、'.join(editions.CHOICES)} 之一，收到：{{input}}"})


def with_files(serializer_class: type[serializers.Serializer], name: str) -> type[serializers.Serializer]:
    """``serializer_class`` with repeatable ``files`` (evidence uploads): the request body the schema documents
    for a multipart write; the view reads the files from the request itself."""
    return type(name, (serializer_class,), {
        "files": serializers.ListField(child=serializers.FileField(), required=False,
                                       help_text="佐证材料（可多个）")})
