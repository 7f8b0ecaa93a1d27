"""API routes (namespace ``api``): /api/documents/, tasks/, reports/, evidence/, targets/, organisations/,
deadline-changes/, token/ (obtain a token with username + password), schema/ (OpenAPI 3),
docs/ (Swagger UI over the schema, assets served locally)."""

from csp.constants import SELF
from csp.decorators import csp_update
from django.urls import path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import views
from .schema import IdConverter
from .token import ObtainToken

register_converter(IdConverter, "id")


class Router(DefaultRouter):
    """Path converters, not regular expressions: every object id in a path is an :class:`.schema.IdConverter`;
    no ``.json`` suffix routes (JSON is the only format)."""

    include_format_suffixes = False

    def __init__(self):
        super().__init__(use_regex_path=False)

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        kwarg = getattr(viewset, "lookup_url_kwarg", None) or getattr(viewset, "lookup_field", "pk")
        return f"<id:{lookup_prefix}{kwarg}>"


router = Router()
router.include_root_view = False
router.register("documents", views.DocumentViewSet, basename="document")
router.register("tasks", views.TaskViewSet, basename="task")
router.register("reports", views.ProgressReportViewSet, basename="report")
router.register("evidence", views.EvidenceViewSet, basename="evidence")
router.register("targets", views.TargetViewSet, basename="target")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("deadline-changes", views.DeadlineChangeViewSet, basename="deadline-change")

# Swagger UI with its start-up script served as a file of its own (?script), not inline, so that the site's
# Content-Security-Policy holds on this page too; only its icons (data: images in its stylesheet) are added.
swagger_ui = csp_update({"img-src": [SELF, "data:"]})(SpectacularSwaggerSplitView.as_view(
    url_name="api:schema", template_name="api/swagger_ui.html", permission_classes=[], authentication_classes=[]))

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(permission_classes=[], authentication_classes=[]), name="schema"),
    path("docs/", swagger_ui, name="docs"),
    path("token/", ObtainToken.as_view(), name="token"),
    *router.urls,
]
