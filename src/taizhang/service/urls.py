"""Root URLs: the admin site, the JSON API under /api/, and the server-rendered UI at /; the error pages."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("taizhang.service.api.urls")),
    path("", include("taizhang.service.web.urls")),
]

handler400 = "taizhang.service.web.views.errors.bad_request"
handler403 = "taizhang.service.web.views.errors.permission_denied"
handler404 = "taizhang.service.web.views.errors.page_not_found"
handler500 = "taizhang.service.web.views.errors.server_error"
