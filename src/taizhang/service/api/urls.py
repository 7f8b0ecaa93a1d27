"""API routes (namespace ``api``): /api/documents/, tasks/, reports/, evidence/, targets/, organisations/,
deadline-changes/, token/ (obtain a token with username + password), schema/ (OpenAPI 3),
docs/ (Swagger UI over the schema, assets served locally)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.include_root_view = False
router.register("documents", views.DocumentViewSet, basename="document")
router.register("tasks", views.TaskViewSet, basename="task")
router.register("reports", views.ProgressReportViewSet, basename="report")
router.register("evidence", views.EvidenceViewSet, basename="evidence")
router.register("targets", views.TargetViewSet, basename="target")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("deadline-changes", views.DeadlineChangeViewSet, basename="deadline-change")

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(permission_classes=[], authentication_classes=[]), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema", permission_classes=[], authentication_classes=[]),
         name="docs"),
    path("token/", obtain_auth_token, name="token"),
    *router.urls,
]
