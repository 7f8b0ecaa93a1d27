"""Permission expectations of the UI routes (namespace ``web``), maintained with the UI.

tests/service/test_permission_crawl.py crawls every URL pattern and fails on any route without an expectation.
Format, per URL name::

    "web:task-detail": {
        "GET": {"admin", "reviewer", "liaison_a", "liaison_b", "leader", "inspector"},  # allowed users
        "POST": {"admin", "liaison_a"},                                                   # optional
        "kwargs": {"pk": "task"},  # optional: which fixture object fills each URL kwarg
    },

Users: anonymous, admin, reviewer, liaison_a (unit A: lead of the task), liaison_b (unit B: not on it),
leader, inspector. Everyone not listed must be refused (401/403, or a redirect to the login page).
Fixture objects for kwargs: task (active, unit A leads it), claimed_task, closed_task, draft_task, document
(published), draft_document, report, evidence, target, organisation, deadline_change, jurisdiction, user,
audit_event, monitoring_dataset. Kwargs named task_id / document_id / report_id / evidence_id / target_id /
organisation_id / request_id are filled automatically.
"""

EVERYONE = {"anonymous", "admin", "reviewer", "liaison_a", "liaison_b", "leader", "inspector"}
STAFF = EVERYONE - {"anonymous"}  # every logged-in role sees the ledger
REVIEWERS = {"admin", "reviewer"}
VERIFIERS = {"admin", "inspector"}
REPORTERS = {"admin", "liaison_a"}  # admin, or the liaison of a unit of the task
DRAFT_TASK = {"doc_pk": "draft_document", "pk": "draft_task"}

UI_ROUTE_EXPECTATIONS: dict[str, dict] = {
    # login / logout
    "web:login": {"GET": EVERYONE, "POST": EVERYONE},
    "web:logout": {"POST": EVERYONE},
    "web:password_change": {"GET": STAFF, "POST": STAFF},  # one's own password
    # read-only screens of the ledger
    "web:dashboard": {"GET": STAFF},
    "web:rankings": {"GET": STAFF},
    "web:ledger": {"GET": STAFF},
    "web:ledger_export": {"GET": STAFF},
    "web:task_detail": {"GET": STAFF, "kwargs": {"pk": "task"}},
    "web:evidence_download": {"GET": STAFF - {"liaison_b"}, "kwargs": {"pk": "evidence"}},  # not other units
    "web:documents": {"GET": STAFF},
    "web:document_detail": {"GET": STAFF, "kwargs": {"pk": "document"}},
    "web:document_original": {"GET": STAFF, "kwargs": {"pk": "document"}},
    "web:document_targets": {"GET": STAFF, "kwargs": {"pk": "document"}},
    "web:monitoring_original": {"GET": STAFF, "kwargs": {"pk": "monitoring_dataset"}},
    # unit workspace and verification queue
    "web:workspace": {"GET": {"admin", "liaison_a", "liaison_b"}},
    "web:verify_queue": {"GET": VERIFIERS},
    "web:deadline_queue": {"GET": {"admin"}},
    # task actions (POST only)
    "web:task_report": {"POST": REPORTERS, "kwargs": {"pk": "task"}},
    "web:task_claim": {"POST": REPORTERS, "kwargs": {"pk": "task"}},
    "web:task_verify": {"POST": VERIFIERS, "kwargs": {"pk": "claimed_task"}},
    "web:task_reopen": {"POST": VERIFIERS, "kwargs": {"pk": "closed_task"}},
    "web:deadline_request": {"POST": REPORTERS | {"reviewer"}, "kwargs": {"pk": "task"}},
    "web:deadline_decide": {"POST": {"admin"}, "kwargs": {"pk": "deadline_change"}},
    # import and review
    "web:document_upload": {"GET": REVIEWERS, "POST": REVIEWERS},
    "web:monitoring_upload": {"POST": REVIEWERS, "kwargs": {"pk": "document"}},  # stored monitoring data
    "web:document_publish": {"GET": REVIEWERS, "POST": REVIEWERS, "kwargs": {"pk": "draft_document"}},  # checks
    "web:target_actual": {"POST": REVIEWERS, "kwargs": {"pk": "document", "target_pk": "target"}},  # by hand
    "web:organisation_create": {"POST": REVIEWERS, "kwargs": {"doc_pk": "draft_document"}},
    "web:review_edit": {"POST": REVIEWERS, "kwargs": DRAFT_TASK},
    "web:review_units": {"POST": REVIEWERS, "kwargs": DRAFT_TASK},
    "web:review_split": {"POST": REVIEWERS, "kwargs": DRAFT_TASK},
    "web:review_merge": {"POST": REVIEWERS, "kwargs": DRAFT_TASK},
    "web:review_delete": {"POST": REVIEWERS, "kwargs": DRAFT_TASK},
    # the office's user and unit management
    "web:office_users": {"GET": {"admin"}},
    "web:office_user_create": {"GET": {"admin"}, "POST": {"admin"}},
    "web:office_user_edit": {"GET": {"admin"}, "POST": {"admin"}, "kwargs": {"pk": "user"}},
    "web:office_user_password": {"POST": {"admin"}, "kwargs": {"pk": "user"}},
    "web:office_user_active": {"POST": {"admin"}, "kwargs": {"pk": "user"}},
    "web:office_user_unlock": {"POST": {"admin"}, "kwargs": {"pk": "user"}},
    "web:office_units": {"GET": {"admin"}},
    "web:office_unit_merge": {"GET": {"admin"}, "POST": {"admin"}},
    "web:office_unit_assignable": {"POST": {"admin"}, "kwargs": {"pk": "organisation"}},
    # public disclosure: no login
    "web:public": {"GET": EVERYONE},
    "web:public_document": {"GET": EVERYONE, "kwargs": {"pk": "document"}},
}
