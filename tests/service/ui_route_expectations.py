"""Permission expectations of the UI routes (namespace ``web``), maintained with the UI.

tests/service/test_permissions.py crawls every URL pattern and fails on any route without an expectation.
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
audit_event. Kwargs named task_id / document_id / report_id / evidence_id / target_id / organisation_id /
request_id are filled automatically.
"""

UI_ROUTE_EXPECTATIONS: dict[str, dict] = {}
