"""API views. Reads need a ledger role; every write reads its input through :mod:`.inputs` and calls a
service, which checks the permission (:mod:`taizhang.service.ledger.permissions`), as for the UI."""

from __future__ import annotations

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
from taizhang.service.ledger.services.files import download
from taizhang.standards import editions

from . import inputs as i
from . import serializers as s
from .inputs import inputs

PARSERS = [JSONParser, MultiPartParser, FormParser]
# the media types of a stored plan's original (.docx, .pdf, .txt) and of an evidence file (any type)
ORIGINAL_TYPES = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/pdf",
                  "text/plain", "application/octet-stream")


def _binary(*media_types: str) -> dict:
    return {(200, t): OpenApiTypes.BINARY for t in media_types}


TASK_ID = OpenApiParameter("task", int, description="任务 id")
DOCUMENT_ID = OpenApiParameter("document", int, description="文件 id")


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

    @extend_schema(request={"multipart/form-data": i.DocumentImport}, responses={201: s.DocumentDetailSerializer})
    def create(self, request):
        data = inputs(i.DocumentImport, request.data, action="import", user=request.user)
        parent = None
        if data.get("parent") is not None:
            perm.require_to("import", request.user)  # refused (403) before a document is looked up
            parent = get_object_or_404(m.Document, pk=data["parent"])
        doc = services.import_document(data["file"], request.user, parent=parent)
        return Response(s.DocumentDetailSerializer(doc).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=i.Why, responses={200: s.DocumentSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        why = inputs(i.Why, request.data, action="publish", user=request.user)["why"]
        perm.require_to("publish", request.user)  # refused (403) before a draft is looked up
        doc = self.get_object()
        services.publish_document(doc, request.user, why=why)
        return Response(s.DocumentSerializer(doc).data)

    @extend_schema(responses=_binary(*ORIGINAL_TYPES))
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
        p = inputs(i.TaskFilter, self.request.query_params)
        qs = services.visible_tasks(self.request.user)  # as on the screens: no deleted tasks, drafts for reviewers
        if p["state"]:
            qs = qs.filter(state=p["state"])
        if "document" in p:
            qs = qs.filter(document_id=p["document"])
        if "unit" in p:
            qs = qs.filter(pk__in=m.Assignment.objects.filter(
                Q(organisation_id=p["unit"]) & (Q(role=p["role"]) if p["role"] else Q())
            ).values("task_id"))
        if p["light"]:
            try:
                qs = qs.filter(lights.light_q(p["light"]))
            except ValueError as exc:
                raise ServiceError(str(exc)) from None
        if "due_from" in p:
            qs = qs.filter(due_date__gte=p["due_from"])
        if "due_to" in p:
            qs = qs.filter(due_date__lte=p["due_to"])
        if p["q"]:
            qs = qs.filter(search.keyword_q(p["q"]))  # the same keyword search as the ledger screen
        order = p["ordering"]
        qs = qs.order_by(order, "id") if order in self.ORDERING else qs.order_by("document_id", "position", "id")
        qs = lights.annotate_lights(qs)
        return qs.prefetch_related(
            Prefetch("assignments", queryset=m.Assignment.objects.select_related("organisation")), "deadlines")

    @extend_schema(description="审核修改任务字段；必须带上读取时的 version，过期则 409。", request=i.TaskEdit,
                   responses={200: s.TaskSerializer})
    def partial_update(self, request, pk=None):
        task = self._review_target(pk, "edit")
        given = inputs(i.TaskEdit, request.data, action="edit", user=request.user)
        # the checked values of the fields sent; a field that may not be edited goes to the service as sent
        changes = {k: given.get(k, v) for k, v in request.data.items() if k not in ("version", "why")}
        services.edit_task(task, request.user, version=given["version"], changes=changes, why=given["why"])
        return Response(self.get_serializer(m.Task.objects.get(pk=task.pk)).data)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    def _task(self, pk) -> m.Task:
        """The task ``pk`` if the user may see it (as on the screens: never a deleted one, a draft only for
        reviewers), else 404: every action on a task looks it up here."""
        return get_object_or_404(services.visible_tasks(self.request.user), pk=pk)

    def _review_target(self, pk, action: str) -> m.Task:
        """A review action's task: a user who may not review is refused (403) before the task is looked up, as
        on the review screens; a reviewer then gets 404 for a task no one may see (a deleted one)."""
        perm.require_to(action, self.request.user)
        return self._task(pk)

    def _done(self, task):
        return Response(self.get_serializer(m.Task.objects.get(pk=task.pk)).data)

    @extend_schema(request={"multipart/form-data": i.with_files(i.Claim, "ClaimForm")},
                   responses={200: s.TaskSerializer})
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        task = self._task(pk)
        data = inputs(i.Claim, request.data, action="claim", user=request.user, obj=task)
        services.claim_completion(task, request.user, text=data["text"], files=_files(request),
                                  period=data["period"] or None)
        return self._done(task)

    @extend_schema(request=i.Note, responses={200: s.TaskSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        task = self._task(pk)
        services.close_task(task, request.user,
                            note=inputs(i.Note, request.data, action="close", user=request.user, obj=task)["note"])
        return self._done(task)

    @extend_schema(request=i.Note, responses={200: s.TaskSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        task = self._task(pk)
        services.reject_claim(task, request.user,
                              note=inputs(i.Note, request.data, action="reject", user=request.user, obj=task)["note"])
        return self._done(task)

    @extend_schema(request=i.Reason, responses={200: s.TaskSerializer})
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        task = self._task(pk)
        reason = inputs(i.Reason, request.data, action="reopen", user=request.user, obj=task)["reason"]
        services.reopen_task(task, request.user, reason=reason)
        return self._done(task)

    @extend_schema(request=i.NewDeadline, responses={201: s.DeadlineChangeSerializer})
    @action(detail=True, methods=["post"], url_path="deadline-change")
    def deadline_change(self, request, pk=None):
        task = self._task(pk)
        data = inputs(i.NewDeadline, request.data, action="request_deadline", user=request.user, obj=task)
        req = services.request_deadline_change(task, request.user, new_date=data["new_date"], reason=data["reason"])
        return Response(s.DeadlineChangeSerializer(req).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=i.Split, responses={201: s.TaskSerializer})
    @action(detail=True, methods=["post"])
    def split(self, request, pk=None):
        task = self._review_target(pk, "split")
        data = inputs(i.Split, request.data, action="split", user=request.user)
        new = services.split_task(task, request.user, version=data["version"], at=data["at"], why=data["why"])
        return Response(self.get_serializer(m.Task.objects.get(pk=new.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=i.Merge, responses={200: s.TaskSerializer})
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        """Body: ``{"versions": {"<id>": version, ...}}`` covering this task and the tasks merged into it."""
        task = self._review_target(pk, "merge")
        data = inputs(i.Merge, request.data, action="merge", user=request.user)
        versions = data["versions"]
        others = [self._task(t) for t in versions if t != task.pk]
        services.merge_tasks(task, others, request.user, versions=versions, why=data["why"])
        return self._done(task)

    @extend_schema(request=i.Versioned, responses={200: s.TaskSerializer})
    @action(detail=True, methods=["post"])
    def delete(self, request, pk=None):
        task = self._review_target(pk, "delete")
        data = inputs(i.Versioned, request.data, action="delete", user=request.user)
        services.delete_task(task, request.user, version=data["version"], why=data["why"])
        return self._done(task)

    @extend_schema(request=i.Units, responses={200: s.TaskSerializer})
    @action(detail=True, methods=["post"])
    def units(self, request, pk=None):
        """Body: ``{"version": n, "role": "lead", "units": [{"organisation": id} | {"name": "…", "raw": "…"}]}``."""
        task = self._review_target(pk, "set_units")
        data = inputs(i.Units, request.data, action="set_units", user=request.user)
        services.set_task_units(task, request.user, version=data["version"], role=data["role"],
                                units=data["units"] or [], why=data["why"])
        return self._done(task)

    @extend_schema(responses={200: s.AuditEventSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None)  # the whole history, as one list
    def timeline(self, request, pk=None):
        """The task's history, oldest first; a unit with no part in the task gets it without the reports'
        content (their texts and files, a claim's explanation, why a claim was returned)."""
        task = self._task(pk)
        readable = perm.can_read_reports(request.user, task)
        events = s.AuditEventSerializer(m.AuditEvent.objects.filter(task=task).order_by("seq"), many=True).data
        for e in events:
            e["data"] = services.event_data_for(e["action"], e["data"], readable)
        return Response(events)


def _readable(task: m.Task, user) -> None:
    """Refuse (403) a liaison whose unit has no part in the task its report or evidence file belongs to."""
    perm.require_to("read_reports", user, task)


class ProgressReportViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Monthly progress. POST multipart: task, period (YYYY-MM), text, percent, files (repeatable). The list
    holds the reports of the tasks the user's unit has a part in (the office and leaders: all); one report of
    another unit's task, or ``?task=`` of such a task, is refused (403)."""

    serializer_class = s.ProgressReportSerializer
    parser_classes = PARSERS

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return m.ProgressReport.objects.none()
        user = self.request.user
        tasks = services.report_readable_tasks(user) if self.action == "list" else services.visible_tasks(user)
        qs = (m.ProgressReport.objects.filter(task__in=tasks)
              .select_related("task", "organisation", "submitted_by").prefetch_related("files"))
        by = inputs(i.ByTask, self.request.query_params)
        if "task" in by:
            asked = services.visible_tasks(user).filter(pk=by["task"]).first()
            if asked is not None:
                _readable(asked, user)
            qs = qs.filter(task_id=by["task"])
        return qs.order_by("-submitted_at", "-id")

    def retrieve(self, request, pk=None):
        report = self.get_object()
        _readable(report.task, request.user)
        return Response(self.get_serializer(report).data)

    @extend_schema(parameters=[TASK_ID])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request={"multipart/form-data": i.with_files(i.Report, "ReportForm"),
                            "application/json": i.Report},
                   responses={201: s.ProgressReportSerializer})
    def create(self, request):
        data = inputs(i.Report, request.data)
        task = get_object_or_404(services.visible_tasks(request.user), pk=data["task"])
        report = services.submit_progress(task, request.user, period=data["period"], text=data["text"],
                                          percent=data["percent"], files=_files(request))
        return Response(self.get_serializer(report).data, status=status.HTTP_201_CREATED)


class EvidenceViewSet(viewsets.GenericViewSet):
    """Download one evidence file: the office, leaders, and the units of its task (others: 403)."""

    queryset = m.EvidenceFile.objects.all()
    serializer_class = s.EvidenceSerializer

    def get_queryset(self):
        return m.EvidenceFile.objects.filter(report__task__in=services.visible_tasks(self.request.user)
                                             ).select_related("report__task")

    @extend_schema(responses=_binary("*/*"))
    def retrieve(self, request, pk=None):
        ev = self.get_object()
        _readable(ev.report.task, request.user)
        return download(ev.file, ev.original_name)  # the type sniffed from the bytes; inline for images/PDF


class TargetViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.TargetSerializer

    def get_queryset(self):
        qs = m.Target.objects.filter(document__in=services.visible_documents(self.request.user))
        by = inputs(i.ByDocument, self.request.query_params)
        if "document" in by:
            qs = qs.filter(document_id=by["document"])
        return qs

    @extend_schema(parameters=[DOCUMENT_ID])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, parameters=[
        OpenApiParameter("through", OpenApiTypes.DATE, description="只计到该日（YYYY-MM-DD）"),
        OpenApiParameter("standard", str, enum=[*editions.CHOICES], description="评价所用标准的版本")])
    @action(detail=True, methods=["get"])
    def tracking(self, request, pk=None):
        """Where the target stands against the stored monitoring data of its jurisdiction, as on the target
        view (``?through=YYYY-MM-DD``: the year only to that day; ``?standard=auto|2012|2026``: the standards,
        by default those in force on each day). Targets of a draft plan: reviewers only, as in the UI."""
        from taizhang.service.ledger import monitoring

        target = get_object_or_404(self.get_queryset().select_related("document__jurisdiction"), pk=pk)
        asked = inputs(i.Through, request.query_params)
        return Response(monitoring.track_targets([target], target.document.jurisdiction, through=asked.get("through"),
                                                 standard=asked.get("standard") or "auto")[0])


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.OrganisationSerializer
    queryset = m.Organisation.objects.prefetch_related("aliases").order_by("name")


class DeadlineChangeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.DeadlineChangeSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return m.DeadlineChangeRequest.objects.none()
        return m.DeadlineChangeRequest.objects.filter(task__in=services.visible_tasks(self.request.user)
                                                      ).select_related("requested_by", "decided_by")

    @extend_schema(request=i.Note, responses={200: s.DeadlineChangeSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        req = self.get_object()
        note = inputs(i.Note, request.data, action="decide_deadline", user=request.user)["note"]
        services.approve_deadline_change(req, request.user, note=note)
        return Response(self.get_serializer(m.DeadlineChangeRequest.objects.get(pk=req.pk)).data)

    @extend_schema(request=i.Note, responses={200: s.DeadlineChangeSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        req = self.get_object()
        note = inputs(i.Note, request.data, action="decide_deadline", user=request.user)["note"]
        services.reject_deadline_change(req, request.user, note=note)
        return Response(self.get_serializer(m.DeadlineChangeRequest.objects.get(pk=req.pk)).data)
