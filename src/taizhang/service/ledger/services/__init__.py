"""Every state change of the ledger. The UI, the API and the commands call these functions only.

Each function checks the user's permission (:mod:`..permissions`), runs in one transaction, and appends
audit events (who, when, what, why, before/after). Errors are :mod:`..errors` exceptions with a Chinese
message: :class:`NotAllowed`, :class:`Conflict` (stale version), :class:`DuplicateDocument`,
:class:`InvalidTransition`, :class:`ServiceError`.

One module per concern; this package re-exports them, so callers write ``services.submit_progress(...)``:

- :mod:`.files` — uploads handed in, stored files (all-or-nothing with :func:`.files.stored_files`);
- :mod:`.organisations` — jurisdictions, organisations, aliases;
- :mod:`.imports` — a plan or an extracted ledger stored as a draft document;
- :mod:`.review` — corrections of a draft before it is published;
- :mod:`.schedule` — the denormalised schedule the lights read;
- :mod:`.publication` — the publish checks, and publishing (交办);
- :mod:`.workflow` — progress, completion claims, verification, reopening;
- :mod:`.deadline_changes` — requests to move a published task's deadline and their decisions;
- :mod:`.monitoring` — monitoring data of a jurisdiction;
- :mod:`.targets` — targets' actual values entered by hand;
- :mod:`.settings` — settings the office changes at run time;
- :mod:`.users` — user accounts (roles, units, passwords, deactivation);
- :mod:`.units` — the unit list's upkeep (merging duplicates, collective names);
- :mod:`.queries` — read-only queries shared by the screens and the API (visibility, history, disclosure).
"""

from ..errors import Conflict, DuplicateDocument, InvalidTransition, NotAllowed, ServiceError
from .deadline_changes import (
    approve_deadline_change,
    decide_deadline_change,
    reject_deadline_change,
    request_deadline_change,
)
from .files import Upload, open_file, stored_files
from .imports import import_document, import_ledger
from .monitoring import add_monitoring_dataset
from .organisations import create_organisation, find_organisation, get_jurisdiction
from .publication import publish_document, publish_problems
from .queries import (
    disclosure,
    event_data_for,
    report_readable_tasks,
    timeline,
    unit_progress,
    visible_documents,
    visible_tasks,
)
from .review import (
    EDITABLE_FIELDS,
    delete_task,
    edit_task,
    merge_by_id,
    merge_tasks,
    revise_task,
    set_task_deadline,
    set_task_units,
    split_task,
    split_task_before,
)
from .schedule import refresh_schedule
from .settings import set_warning_days
from .targets import record_target_actual
from .units import merge_organisations, set_assignable
from .users import create_user, reset_password, set_user_active, unlock_user, update_user
from .workflow import (
    claim_completion,
    close_task,
    reject_claim,
    reopen_task,
    report_periods,
    submit_progress,
)

__all__ = [
    "Conflict", "DuplicateDocument", "EDITABLE_FIELDS", "InvalidTransition", "NotAllowed", "ServiceError", "Upload",
    "add_monitoring_dataset", "approve_deadline_change", "claim_completion", "close_task", "create_organisation",
    "create_user", "decide_deadline_change", "delete_task", "disclosure", "edit_task", "event_data_for",
    "find_organisation",
    "get_jurisdiction", "import_document", "import_ledger", "merge_by_id", "merge_organisations", "merge_tasks",
    "open_file", "publish_document", "publish_problems", "record_target_actual", "refresh_schedule", "reject_claim",
    "reject_deadline_change", "reopen_task", "report_periods", "report_readable_tasks", "request_deadline_change",
    "reset_password",
    "revise_task", "set_assignable", "set_task_deadline", "set_task_units", "set_user_active", "set_warning_days",
    "split_task", "split_task_before", "stored_files", "submit_progress", "timeline", "unit_progress", "unlock_user", "update_user",
    "visible_documents", "visible_tasks",
]
