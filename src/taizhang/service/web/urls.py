"""URLs of the server-rendered screens (namespace ``web``). Every route here has an expectation per user
kind in tests/service/ui_route_expectations.py (the permission crawl fails on a route without one)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from .views import account, dashboard, documents, ledger, office, queues, targets, tasks, work

app_name = "web"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=False), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", account.password_change, name="password_change"),
    path("", dashboard.dashboard, name="dashboard"),
    path("rankings/", dashboard.rankings, name="rankings"),
    path("ledger/", ledger.ledger, name="ledger"),
    path("ledger/export.xlsx", ledger.ledger_export, name="ledger_export"),
    path("tasks/<int:pk>/", tasks.task_detail, name="task_detail"),
    path("tasks/<int:pk>/report/", tasks.task_report, name="task_report"),
    path("tasks/<int:pk>/claim/", tasks.task_claim, name="task_claim"),
    path("tasks/<int:pk>/verify/", tasks.task_verify, name="task_verify"),
    path("tasks/<int:pk>/reopen/", tasks.task_reopen, name="task_reopen"),
    path("tasks/<int:pk>/deadline/", tasks.deadline_request, name="deadline_request"),
    path("deadline-requests/", queues.deadline_queue, name="deadline_queue"),
    path("deadline-requests/<int:pk>/decide/", tasks.deadline_decide, name="deadline_decide"),
    path("evidence/<int:pk>/", tasks.evidence_download, name="evidence_download"),
    path("documents/", documents.documents, name="documents"),
    path("documents/upload/", documents.document_upload, name="document_upload"),
    path("documents/<int:pk>/", documents.document_detail, name="document_detail"),
    path("documents/<int:pk>/publish/", documents.document_publish, name="document_publish"),
    path("documents/<int:pk>/original/", documents.document_original, name="document_original"),
    path("documents/<int:pk>/targets/", targets.document_targets, name="document_targets"),
    path("documents/<int:pk>/targets/monitoring/", targets.monitoring_upload, name="monitoring_upload"),
    path("documents/<int:pk>/targets/<int:target_pk>/actual/", targets.target_actual, name="target_actual"),
    path("monitoring/<int:pk>/original/", targets.monitoring_original, name="monitoring_original"),
    path("documents/<int:doc_pk>/organisations/new/", documents.organisation_create, name="organisation_create"),
    path("documents/<int:doc_pk>/tasks/<int:pk>/edit/", documents.review_edit, name="review_edit"),
    path("documents/<int:doc_pk>/tasks/<int:pk>/units/", documents.review_units, name="review_units"),
    path("documents/<int:doc_pk>/tasks/<int:pk>/split/", documents.review_split, name="review_split"),
    path("documents/<int:doc_pk>/tasks/<int:pk>/merge/", documents.review_merge, name="review_merge"),
    path("documents/<int:doc_pk>/tasks/<int:pk>/delete/", documents.review_delete, name="review_delete"),
    path("my/", work.workspace, name="workspace"),
    path("verify/", work.verify_queue, name="verify_queue"),
    path("office/users/", office.users, name="office_users"),
    path("office/users/new/", office.user_create, name="office_user_create"),
    path("office/users/<int:pk>/", office.user_edit, name="office_user_edit"),
    path("office/users/<int:pk>/password/", office.user_reset_password, name="office_user_password"),
    path("office/users/<int:pk>/active/", office.user_set_active, name="office_user_active"),
    path("office/users/<int:pk>/unlock/", office.user_unlock, name="office_user_unlock"),
    path("office/units/", office.units, name="office_units"),
    path("office/units/merge/", office.unit_merge, name="office_unit_merge"),
    path("office/units/<int:pk>/assignable/", office.unit_assignable, name="office_unit_assignable"),
    path("public/", work.public, name="public"),
    path("public/documents/<int:pk>/", work.public_document, name="public_document"),
]
