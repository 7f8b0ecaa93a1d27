"""Keyword search over the tasks (任务内容、名称、序号), one meaning on every database, answered from an index.

A keyword matches a task when it occurs in the task's title or text (Latin letters without regard to case) or
equals its number. Chinese has no spaces between words, so the index is built on character trigrams:

- SQLite: an FTS5 table ``ledger_task_search`` (tokenizer ``trigram``) holds a copy of the titles and texts,
  kept in step by triggers on ``ledger_task``. A keyword of three characters or more is an FTS phrase query
  (its trigrams, consecutive: exactly a substring match). A shorter keyword is tested row by row (LIKE) after
  the other filters: a trigram index cannot answer it, and a LIKE scan through the FTS table is slower still.
- PostgreSQL: trigram GIN indexes (``pg_trgm``) on the title and the text, which ILIKE uses for keywords of
  three characters or more; shorter ones are a sequential scan, chosen by the planner.
- An index on the number makes the "or equals its number" part an index lookup on both.

Where the database lacks the feature (SQLite built without FTS5, pg_trgm not installable by the database
user) the same query runs as a scan: slower, same results.
"""

from __future__ import annotations

from django.db import connection as default_connection
from django.db import transaction
from django.db.models import F, Lookup, Q
from django.db.models.expressions import RawSQL

TABLE = "ledger_task_search"
NUMBER_INDEX = "ledger_task_number"
MIN_INDEXED = 3  # trigram indexes answer keywords of at least this many characters

_SQLITE_INSTALL = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(title, text, tokenize='trigram')",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_ai AFTER INSERT ON ledger_task BEGIN "
    f"INSERT INTO {TABLE}(rowid, title, text) VALUES (new.id, new.title, new.text); END",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_ad AFTER DELETE ON ledger_task BEGIN "
    f"DELETE FROM {TABLE} WHERE rowid = old.id; END",
    # only when the searched columns change: progress reports update other columns of the task all the time
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_au AFTER UPDATE OF title, text ON ledger_task BEGIN "
    f"UPDATE {TABLE} SET title = new.title, text = new.text WHERE rowid = new.id; END",
    f"INSERT INTO {TABLE}(rowid, title, text) SELECT id, title, text FROM ledger_task "
    f"WHERE id NOT IN (SELECT rowid FROM {TABLE})",
    f"CREATE INDEX IF NOT EXISTS {NUMBER_INDEX} ON ledger_task (number)",
]
_SQLITE_REMOVE = [
    f"DROP TRIGGER IF EXISTS {TABLE}_ai",
    f"DROP TRIGGER IF EXISTS {TABLE}_ad",
    f"DROP TRIGGER IF EXISTS {TABLE}_au",
    f"DROP TABLE IF EXISTS {TABLE}",
    f"DROP INDEX IF EXISTS {NUMBER_INDEX}",
]
_PG_TRGM = [
    "CREATE INDEX IF NOT EXISTS ledger_task_title_trgm ON ledger_task USING gin (title gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS ledger_task_text_trgm ON ledger_task USING gin (text gin_trgm_ops)",
]
_PG_REMOVE = [
    "DROP INDEX IF EXISTS ledger_task_title_trgm",
    "DROP INDEX IF EXISTS ledger_task_text_trgm",
    f"DROP INDEX IF EXISTS {NUMBER_INDEX}",
]


def install(connection) -> list[str]:
    """Create the search index on ``connection`` (a migration step); returns what could not be installed."""
    missing: list[str] = []
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            try:
                with transaction.atomic(using=connection.alias):
                    for sql in _SQLITE_INSTALL:
                        cur.execute(sql)
            except Exception as exc:  # SQLite without FTS5 (or its trigram tokenizer, before 3.34)
                missing.append(f"SQLite FTS5 trigram: {exc}")
                cur.execute(f"CREATE INDEX IF NOT EXISTS {NUMBER_INDEX} ON ledger_task (number)")
        elif connection.vendor == "postgresql":
            cur.execute(f"CREATE INDEX IF NOT EXISTS {NUMBER_INDEX} ON ledger_task (number)")
            try:
                with transaction.atomic(using=connection.alias):
                    cur.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                    for sql in _PG_TRGM:
                        cur.execute(sql)
            except Exception as exc:  # extension not available or not allowed for this database user
                missing.append(f"PostgreSQL pg_trgm: {exc}")
    return missing


def remove(connection) -> None:
    with connection.cursor() as cur:
        for sql in {"sqlite": _SQLITE_REMOVE, "postgresql": _PG_REMOVE}.get(connection.vendor, []):
            cur.execute(sql)


_fts_present: dict[str, bool] = {}


def _has_fts(connection) -> bool:
    key = f"{connection.alias}:{connection.settings_dict.get('NAME')}"
    if key not in _fts_present:
        with connection.cursor() as cur:
            cur.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [TABLE])
            _fts_present[key] = cur.fetchone() is not None
    return _fts_present[key]


def _like_pattern(q: str) -> str:
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def keyword_q(q: str, connection=None) -> Q:
    """The filter for tasks matching the keyword ``q`` (see the module's text); ``Q()`` for an empty one."""
    connection = connection or default_connection
    q = (q or "").strip()
    if not q:
        return Q()
    by_number = Q(number=q)
    if connection.vendor == "sqlite" and len(q) >= MIN_INDEXED and _has_fts(connection):
        phrase = '"' + q.replace('"', '""') + '"'
        return Q(pk__in=RawSQL(f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s", [phrase])) | by_number
    if connection.vendor == "postgresql":
        # LIKE / ILIKE themselves: Django's icontains is UPPER(..) LIKE UPPER(..), which no trigram index
        # answers; ILIKE only when the keyword has letters with a case (case folding every row costs a scan)
        pat = _like_pattern(q)
        op = ILike if q.lower() != q.upper() else Like
        return Q(op(F("title"), pat)) | Q(op(F("text"), pat)) | by_number
    # shorter keywords (or no index): tested row by row, after the other filters have narrowed the rows
    return Q(title__icontains=q) | Q(text__icontains=q) | by_number


class Like(Lookup):
    """``lhs LIKE rhs``: the pattern is passed as it is, already escaped."""

    lookup_name = "plain_like"
    prepare_rhs = False
    operator = "LIKE"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} {self.operator} {rhs}", [*lhs_params, *rhs_params]


class ILike(Like):
    """``lhs ILIKE rhs`` (PostgreSQL)."""

    lookup_name = "ilike"
    operator = "ILIKE"
