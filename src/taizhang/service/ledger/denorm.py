"""Each assignment carries a copy of its task's schedule, kept by the database itself.

The dashboard's "overdue by unit" counts the red (and yellow) tasks of every lead unit. Joining 100k tasks to
their assignments for that costs more than the rest of the dashboard together; with the columns that decide a
light copied onto the assignment row (``task_state``, ``task_due_date``, ``task_behind_after``,
``task_ongoing``, ``task_start_date``, ``task_last_period``), it is a range over one index of
``ledger_assignment``.

The copies are written by triggers, never by Python, so that every path that changes a task (services, bulk
updates, the admin site, a restore) keeps them right:

- inserting an assignment, or changing its task, copies the task's columns onto it;
- changing one of those columns of a task copies it onto the task's assignments.

On SQLite a migration that rebuilds ``ledger_assignment`` or ``ledger_task`` drops their triggers with the old
table: such a migration must call :func:`install` again (``tests/service/test_dashboard_copies.py`` checks
the triggers are in place after all migrations).
"""

from __future__ import annotations

COPIED = ("state", "due_date", "behind_after", "ongoing", "start_date", "last_period")
PREFIX = "task_"
_cols = ", ".join(PREFIX + c for c in COPIED)
_src = ", ".join(COPIED)

_SQLITE_INSTALL = [
    "CREATE TRIGGER IF NOT EXISTS ledger_assignment_copy_ai AFTER INSERT ON ledger_assignment BEGIN "
    f"UPDATE ledger_assignment SET ({_cols}) = (SELECT {_src} FROM ledger_task WHERE id = new.task_id) "
    "WHERE id = new.id; END",
    # a save() of an assignment writes every column, task_id included: the copies are put right again
    "CREATE TRIGGER IF NOT EXISTS ledger_assignment_copy_au AFTER UPDATE OF task_id ON ledger_assignment BEGIN "
    f"UPDATE ledger_assignment SET ({_cols}) = (SELECT {_src} FROM ledger_task WHERE id = new.task_id) "
    "WHERE id = new.id; END",
    f"CREATE TRIGGER IF NOT EXISTS ledger_task_copy_au AFTER UPDATE OF {_src} ON ledger_task BEGIN "
    f"UPDATE ledger_assignment SET ({_cols}) = ({', '.join('new.' + c for c in COPIED)}) "
    "WHERE task_id = new.id; END",
]
_SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS ledger_assignment_copy_ai",
    "DROP TRIGGER IF EXISTS ledger_assignment_copy_au",
    "DROP TRIGGER IF EXISTS ledger_task_copy_au",
]
_PG_INSTALL = [
    "CREATE OR REPLACE FUNCTION ledger_assignment_copy() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"SELECT {_src} INTO {', '.join('NEW.' + PREFIX + c for c in COPIED)} FROM ledger_task WHERE id = NEW.task_id; "
    "RETURN NEW; END; $$",
    "CREATE OR REPLACE TRIGGER ledger_assignment_copy BEFORE INSERT OR UPDATE OF task_id ON ledger_assignment "
    "FOR EACH ROW EXECUTE FUNCTION ledger_assignment_copy()",
    "CREATE OR REPLACE FUNCTION ledger_task_copy() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"UPDATE ledger_assignment SET ({_cols}) = ({', '.join('NEW.' + c for c in COPIED)}) "
    "WHERE task_id = NEW.id; RETURN NULL; END; $$",
    "CREATE OR REPLACE TRIGGER ledger_task_copy AFTER UPDATE ON ledger_task FOR EACH ROW WHEN ("
    + " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in COPIED)
    + ") EXECUTE FUNCTION ledger_task_copy()",
]
_PG_REMOVE = [
    "DROP TRIGGER IF EXISTS ledger_assignment_copy ON ledger_assignment",
    "DROP TRIGGER IF EXISTS ledger_task_copy ON ledger_task",
]
_REFRESH = (f"UPDATE ledger_assignment SET ({_cols}) = "
            f"(SELECT {_src} FROM ledger_task WHERE ledger_task.id = ledger_assignment.task_id)")


def install(connection, refresh: bool = True) -> None:
    """Create the triggers and (by default) bring every copy up to date."""
    statements = {"sqlite": _SQLITE_INSTALL, "postgresql": _PG_INSTALL}.get(connection.vendor, [])
    with connection.cursor() as cur:
        for sql in statements:
            cur.execute(sql)
        if refresh:
            cur.execute(_REFRESH)


def remove(connection) -> None:
    with connection.cursor() as cur:
        for sql in {"sqlite": _SQLITE_REMOVE, "postgresql": _PG_REMOVE}.get(connection.vendor, []):
            cur.execute(sql)


def stale_assignments(connection) -> list[int]:
    """Ids of assignments whose copies differ from their task (empty when the triggers do their job)."""
    differs = " OR ".join(
        f"NOT (a.{PREFIX}{c} = t.{c} OR (a.{PREFIX}{c} IS NULL AND t.{c} IS NULL))" for c in COPIED)
    with connection.cursor() as cur:
        cur.execute(f"SELECT a.id FROM ledger_assignment a JOIN ledger_task t ON t.id = a.task_id "
                    f"WHERE {differs} ORDER BY a.id")
        return [r[0] for r in cur.fetchall()]
