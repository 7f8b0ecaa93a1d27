"""API views. Reads need a ledger role; every write calls a service, which checks the same permission
functions as the UI (:mod:`taizhang.service.ledger.permissions`)."""

from __future__ import annotations

import json
from datetime import date

from django.db.models import Count, Prefetch, Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from taizhang.service.ledger import lights, search, services
from taizhang.service.ledger import models as m
from taizhang.service.ledger import permissions as perm
from taizhang.service.ledger.errors import ServiceError

from . import serializers as s

PARSERS = [JSONParser, MultiPartParser, FormParser]


def _int(value, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ServiceError(f"{name} 应为整数，收到：{value!r}") from None


def _date(value, name: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ServiceError(f"{name} 应为日期 YYYY-MM-DD，收到：{value!r}") from None


def _files(request) -> list:
    return request.FILES.getlist("files") or request.FILES.getlist("file")


def _download(field, name: str, content_type: str = "") -> FileResponse:
    resp = FileResponse(services.open_file(field), as_attachment=True, filename=name)
    if content_type:
        resp["Content-Type"] = content_type
    return resp


class DocumentViewSet(viewsets.ReadOnlyModelViewSet):
    """Imported plans. POST a file (multipart ``file``, optional ``parent``) to import it as a draft."""

    parser_classes = PARSERS

    def get_queryset(self):
        # exactly what the screens show: drafts to reviewers and admins only
        return services.visible_documents(self.request.user).annotate(
            task_count=Count("tasks", filter=~Q(tasks__state="deleted"))).order_by("-imported_at", "-id")

    def get_serializer_class(self):
        return s.DocumentDetailSerializer if self.action == "retrieve" else s.DocumentSerializer

    def create(self, request):
        perm.require(perm.can_import(request.user), "导入文件")
        upload = request.FILES.get("file")
        if upload is None:
            raise ServiceError("请上传文件（字段 file）")
        parent = None
        if request.data.get("parent"):
            parent = get_object_or_404(m.Document, pk=_int(request.data["parent"], "parent"))
        doc = services.import_document(upload, request.user, parent=parent)
        return Response(s.DocumentDetailSerializer(doc).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        perm.require(perm.can_publish(request.user), "发布台账")  # refused (403) before a draft is looked up
        doc = self.get_object()
        services.publish_document(doc, request.user, why=request.data.get("why", ""))
        return Response(s.DocumentSerializer(doc).data)

    @action(detail=True, methods=["get"])
    def original(self, request, pk=None):
        doc = self.get_object()
        return _download(doc.original, doc.original_name)


class TaskViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Tasks. Filters: document, unit (organisation id), role (lead/support/territorial), light
    (red/yellow/green/done), state, due_from, due_to (YYYY-MM-DD), q (full text), ordering."""

    serializer_class = s.TaskSerializer
    parser_classes = PARSERS
    http_method_names = ["get", "post", "patch", "head", "options"]
    ORDERING = {"due_date", "-due_date", "number", "position", "state", "updated_at", "-updated_at", "id",
                "last_percent", "-last_percent"}

    @extend_schema(parameters=[
        OpenApiParameter("document", int, description="文件 id"),
        OpenApiParameter("unit", int, description="单位（组织机构）id"),
        OpenApiParameter("role", str, enum=m.Assignment.Role.values, description="单位的角色：牵头、配合、落实"),
        OpenApiParameter("light", str, enum=m.Light.values, description="灯色"),
        OpenApiParameter("state", str, enum=m.Task.State.values, description="状态"),
        OpenApiParameter("due_from", OpenApiTypes.DATE, description="完成时限不早于（YYYY-MM-DD）"),
        OpenApiParameter("due_to", OpenApiTypes.DATE, description="完成时限不晚于（YYYY-MM-DD）"),
        OpenApiParameter("q", str, description="关键词：任务名称或内容包含该词（拉丁字母不分大小写），或序号等于该词"),
        OpenApiParameter("ordering", str, enum=sorted(ORDERING), description="排序"),
    ])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_serializer_class(self):
        return s.TaskDetailSerializer if self.action == "retrieve" else s.TaskSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI schema's generation: no request user
            return m.Task.objects.none()
        p = self.request.query_params
        qs = services.visible_tasks(self.request.user)  # as on the screens: no deleted tasks, drafts for reviewers
        if p.get("state"):
            qs = qs.filter(state=p["state"])
        if p.get("document"):
            qs = qs.filter(document_id=_int(p["document"], "document"))
        if p.get("unit"):
            qs = qs.filter(pk__in=m.Assignment.objects.filter(
                Q(organisation_id=_int(p["unit"], "unit")) & (Q(role=p["role"]) if p.get("role") else Q())
            ).values("task_id"))
        if p.get("light"):
            try:
                qs = qs.filter(lights.light_q(p["light"]))
            except ValueError as exc:
                raise ServiceError(str(exc)) from None
        if p.get("due_from"):
            qs = qs.filter(due_date__gte=_date(p["due_from"], "due_from"))
        if p.get("due_to"):
            qs = qs.filter(due_date__lte=_date(p["due_to"], "due_to"))
        if p.get("q"):
            qs = qs.filter(search.keyword_q(p["q"]))  # the same keyword search as the ledger screen
        order = p.get("ordering")
        qs = qs.order_by(order, "id") if order in self.ORDERING else qs.order_by("document_id", "position", "id")
        qs = lights.annotate_lights(qs)
        return qs.prefetch_related(
            Prefetch("assignments", queryset=m.Assignment.objects.select_related("organisation")), "deadlines")

    @extend_schema(description="审核修改任务字段；必须带上读取时的 version，过期则 409。")
    def partial_update(self, request, pk=None):
        task = get_object_or_404(m.Task, pk=pk)
        perm.require(perm.can_review(request.user), "修改任务")
        data = dict(request.data.items())
        version = _int(data.pop("version", None), "version")
        why = data.pop("why", "")
        if "measures" in data and isinstance(data["measures"], str):
            data["measures"] = json.loads(data["measures"])
        services.edit_task(task, request.user, version=version, changes=data, why=why)
        return Response(self.get_serializer(m.Task.objects.get(pk=task.pk)).data)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    def _task(self, pk) -> m.Task:
        return get_object_or_404(m.Task, pk=pk)

    def _done(self, task):
        return Response(self.get_serializer(m.Task.objects.get(pk=task.pk)).data)

    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        task = self._task(pk)
        perm.require(perm.can_claim(request.user, task), "为该任务申请销号")
        services.claim_completion(task, request.user, text=request.data.get("text", ""), files=_files(request),
                                  period=request.data.get("period") or None)
        return self._done(task)

    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        task = self._task(pk)
        services.close_task(task, request.user, note=request.data.get("note", ""))
        return self._done(task)

    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        task = self._task(pk)
        services.reject_claim(task, request.user, note=request.data.get("note", ""))
        return self._done(task)

    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        task = self._task(pk)
        services.reopen_task(task, request.user, reason=request.data.get("reason", ""))
        return self._done(task)

    @action(detail=True, methods=["post"], url_path="deadline-change")
    def deadline_change(self, request, pk=None):
        task = self._task(pk)
        perm.require(perm.can_request_deadline_change(request.user, task), "申请调整该任务的时限")
        req = services.request_deadline_change(task, request.user,
                                               new_date=_date(request.data.get("new_date"), "new_date"),
                                               reason=request.data.get("reason", ""))
        return Response(s.DeadlineChangeSerializer(req).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def split(self, request, pk=None):
        task = self._task(pk)
        perm.require(perm.can_review(request.user), "拆分任务")
        new = services.split_task(task, request.user, version=_int(request.data.get("version"), "version"),
                                  at=_int(request.data.get("at"), "at"), why=request.data.get("why", ""))
        return Response(self.get_serializer(m.Task.objects.get(pk=new.pk)).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        """Body: ``{"versions": {"<id>": version, ...}}`` covering this task and the tasks merged into it."""
        task = self._task(pk)
        perm.require(perm.can_review(request.user), "合并任务")
        versions = request.data.get("versions") or {}
        if isinstance(versions, str):
            versions = json.loads(versions)
        versions = {_int(k, "id"): _int(v, "version") for k, v in versions.items()}
        others = [self._task(i) for i in versions if i != task.pk]
        services.merge_tasks(task, others, request.user, versions=versions, why=request.data.get("why", ""))
        return self._done(task)

    @action(detail=True, methods=["post"])
    def delete(self, request, pk=None):
        task = self._task(pk)
        perm.require(perm.can_review(request.user), "删除任务")
        services.delete_task(task, request.user, version=_int(request.data.get("version"), "version"),
                             why=request.data.get("why", ""))
        return self._done(task)

    @action(detail=True, methods=["post"])
    def units(self, request, pk=None):
        """Body: ``{"version": n, "role": "lead", "units": [{"organisation": id} | {"name": "…", "raw": "…"}]}``."""
        task = self._task(pk)
        perm.require(perm.can_review(request.user), "修改责任单位")
        units = request.data.get("units") or []
        if isinstance(units, str):
            units = json.loads(units)
        services.set_task_units(task, request.user, version=_int(request.data.get("version"), "version"),
                                role=request.data.get("role", ""), units=units, why=request.data.get("why", ""))
        return self._done(task)

    @action(detail=True, methods=["get"])
    def timeline(self, request, pk=None):
        task = self._task(pk)
        events = m.AuditEvent.objects.filter(task=task).order_by("seq")
        return Response(s.AuditEventSerializer(events, many=True).data)


class ProgressReportViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Monthly progress. POST multipart: task, period (YYYY-MM), text, percent, files (repeatable)."""

    serializer_class = s.ProgressReportSerializer
    parser_classes = PARSERS

    def get_queryset(self):
        qs = (m.ProgressReport.objects.filter(task__in=services.visible_tasks(self.request.user))
              .select_related("organisation", "submitted_by").prefetch_related("files"))
        if self.request.query_params.get("task"):
            qs = qs.filter(task_id=_int(self.request.query_params["task"], "task"))
        return qs.order_by("-submitted_at", "-id")

    def create(self, request):
        task = get_object_or_404(m.Task, pk=_int(request.data.get("task"), "task"))
        report = services.submit_progress(task, request.user, period=request.data.get("period", ""),
                                          text=request.data.get("text", ""), percent=request.data.get("percent"),
                                          files=_files(request))
        return Response(self.get_serializer(report).data, status=status.HTTP_201_CREATED)


class EvidenceViewSet(viewsets.GenericViewSet):
    """Download one evidence file (any ledger role)."""

    queryset = m.EvidenceFile.objects.all()
    serializer_class = s.EvidenceSerializer

    def get_queryset(self):
        return m.EvidenceFile.objects.filter(report__task__in=services.visible_tasks(self.request.user))

    def retrieve(self, request, pk=None):
        ev = self.get_object()
        return _download(ev.file, ev.original_name, ev.content_type)


class TargetViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.TargetSerializer

    def get_queryset(self):
        qs = m.Target.objects.filter(document__in=services.visible_documents(self.request.user))
        if self.request.query_params.get("document"):
            qs = qs.filter(document_id=_int(self.request.query_params["document"], "document"))
        return qs

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"])
    def tracking(self, request, pk=None):
        """Where the target stands against the stored monitoring data of its jurisdiction, as on the target
        view (``?through=YYYY-MM-DD``: the year only to that day; ``?standard=auto|2012|2026``: the standards,
        by default those in force on each day). Targets of a draft plan: reviewers only, as in the UI."""
        from taizhang.service.ledger import monitoring
        from taizhang.standards import editions

        target = get_object_or_404(self.get_queryset().select_related("document__jurisdiction"), pk=pk)
        through = _date(request.query_params["through"], "through") if request.query_params.get("through") else None
        standard = request.query_params.get("standard") or "auto"
        if standard not in editions.CHOICES:
            raise ServiceError(f"standard 应为 {'、'.join(editions.CHOICES)} 之一，收到：{standard!r}")
        return Response(monitoring.track_targets([target], target.document.jurisdiction, through=through,
                                                 standard=standard)[0])


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.OrganisationSerializer
    queryset = m.Organisation.objects.prefetch_related("aliases").order_by("name")


class DeadlineChangeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.DeadlineChangeSerializer
    queryset = m.DeadlineChangeRequest.objects.select_related("requested_by", "decided_by")

    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        req = self.get_object()
        services.approve_deadline_change(req, request.user, note=request.data.get("note", ""))
        return Response(self.get_serializer(m.DeadlineChangeRequest.objects.get(pk=req.pk)).data)

    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        req = self.get_object()
        services.reject_deadline_change(req, request.user, note=request.data.get("note", ""))
        return Response(self.get_serializer(m.DeadlineChangeRequest.objects.get(pk=req.pk)).data)
