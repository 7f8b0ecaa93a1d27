"""Root URLs: the admin site, the JSON API under /api/, and the server-rendered UI at /."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("taizhang.service.api.urls")),
    path("", include("taizhang.service.web.urls")),
]
