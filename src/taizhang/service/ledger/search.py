"""Keyword search over the tasks (任务内容、名称、序号), one meaning on every database, answered from an index.

A keyword matches a task when it occurs in the task's title or text (Latin letters without regard to case) or
equals its number. Chinese has no spaces between words, so the indexes are built on characters:

- SQLite: an FTS5 table ``ledger_task_search`` (tokenizer ``trigram``) holds a copy of each title and text
  followed by two line feeds, kept in step by triggers on ``ledger_task``. A keyword of three characters or
  more is an FTS phrase query (its trigrams, consecutive: exactly a substring match). A keyword of one or two
  characters is the start of the trigrams that begin with it (the line feeds make one follow every character
  of the text): those trigrams are read from the index's vocabulary (``ledger_task_search_vocab``, a range),
  and the rows holding any of them are exactly the rows holding the keyword.
- PostgreSQL: trigram GIN indexes (``pg_trgm``) on the title and the text, which LIKE / ILIKE use for keywords
  of three characters or more; for one or two characters, a GIN index on the characters of each task
  (``ledger_task_chars``: title and text joined by a line feed, lower-cased, split into characters): the
  tasks holding every character of the keyword, then LIKE on those.
- An index on the number makes the "or equals its number" part an index lookup on both.

Where the database lacks the feature (SQLite built without FTS5, pg_trgm not installable by the database
user) the same query runs as a scan: slower, same results.
"""

from __future__ import annotations

from django.db import connection as default_connection
from django.db import transaction
from django.db.models import BooleanField, F, Lookup, Q
from django.db.models.expressions import RawSQL

TABLE = "ledger_task_search"
VOCAB = "ledger_task_search_vocab"
NUMBER_INDEX = "ledger_task_number"
MIN_INDEXED = 3  # trigram indexes answer keywords of at least this many characters
MAX_TERMS = 3000  # a one-character keyword starting more trigrams than this is tested row by row instead
_SENTINEL = "char(10) || char(10)"

_SQLITE_INSTALL = [
    f"DROP TRIGGER IF EXISTS {TABLE}_ai",
    f"DROP TRIGGER IF EXISTS {TABLE}_ad",
    f"DROP TRIGGER IF EXISTS {TABLE}_au",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(title, text, tokenize='trigram')",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {VOCAB} USING fts5vocab({TABLE}, row)",
    f"CREATE TRIGGER {TABLE}_ai AFTER INSERT ON ledger_task BEGIN INSERT INTO {TABLE}(rowid, title, text) "
    f"VALUES (new.id, new.title || {_SENTINEL}, new.text || {_SENTINEL}); END",
    f"CREATE TRIGGER {TABLE}_ad AFTER DELETE ON ledger_task BEGIN DELETE FROM {TABLE} WHERE rowid = old.id; END",
    # only when the searched columns change: progress reports update other columns of the task all the time
    f"CREATE TRIGGER {TABLE}_au AFTER UPDATE OF title, text ON ledger_task BEGIN UPDATE {TABLE} "
    f"SET title = new.title || {_SENTINEL}, text = new.text || {_SENTINEL} WHERE rowid = new.id; END",
    # (re)built from the tasks: an install is also the upgrade of an index made by an earlier version
    f"DELETE FROM {TABLE}",
    f"INSERT INTO {TABLE}(rowid, title, text) SELECT id, title || {_SENTINEL}, text || {_SENTINEL} FROM ledger_task",
    f"CREATE INDEX IF NOT EXISTS {NUMBER_INDEX} ON ledger_task (number)",
]
_SQLITE_REMOVE = [
    f"DROP TRIGGER IF EXISTS {TABLE}_ai",
    f"DROP TRIGGER IF EXISTS {TABLE}_ad",
    f"DROP TRIGGER IF EXISTS {TABLE}_au",
    f"DROP TABLE IF EXISTS {VOCAB}",
    f"DROP TABLE IF EXISTS {TABLE}",
    f"DROP INDEX IF EXISTS {NUMBER_INDEX}",
]
_CHARS_EXPR = "string_to_array(lower({t}title::text || E'\\n' || {t}text), NULL)"
_PG_CHARS = [
    # the characters of each task: a built-in, cheap to compute wherever a row has to be tested
    f"CREATE INDEX IF NOT EXISTS ledger_task_chars ON ledger_task USING gin (({_CHARS_EXPR.format(t='')}))",
]
_PG_TRGM = [
    "CREATE INDEX IF NOT EXISTS ledger_task_title_trgm ON ledger_task USING gin (title gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS ledger_task_text_trgm ON ledger_task USING gin (text gin_trgm_ops)",
]
_PG_REMOVE = [
    "DROP INDEX IF EXISTS ledger_task_title_trgm",
    "DROP INDEX IF EXISTS ledger_task_text_trgm",
    "DROP INDEX IF EXISTS ledger_task_chars",
    f"DROP INDEX IF EXISTS {NUMBER_INDEX}",
]


def install(connection) -> list[str]:
    """Create (or bring up to date) the search indexes on ``connection``, a migration step; returns what could
    not be installed."""
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
            for sql in _PG_CHARS:
                cur.execute(sql)
            try:
                with transaction.atomic(using=connection.alias):
                    cur.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                    for sql in _PG_TRGM:
                        cur.execute(sql)
            except Exception as exc:  # extension not available or not allowed for this database user
                missing.append(f"PostgreSQL pg_trgm: {exc}")
    _fts_present.clear()
    return missing


def remove(connection) -> None:
    with connection.cursor() as cur:
        for sql in {"sqlite": _SQLITE_REMOVE, "postgresql": _PG_REMOVE}.get(connection.vendor, []):
            cur.execute(sql)
    _fts_present.clear()


_fts_present: dict[str, bool] = {}


def _has_fts(connection) -> bool:
    key = f"{connection.alias}:{connection.settings_dict.get('NAME')}"
    if key not in _fts_present:
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN (%s, %s)",
                        [TABLE, VOCAB])
            _fts_present[key] = cur.fetchone()[0] == 2
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
    if connection.vendor == "sqlite" and _has_fts(connection):
        # three characters or more: the keyword as a phrase of trigrams; fewer: any trigram that starts with it
        terms = [q] if len(q) >= MIN_INDEXED else _trigrams_starting_with(connection, q.lower())
        if terms is not None:
            if not terms:
                return by_number
            match = " OR ".join(_phrase(t) for t in terms)
            return Q(pk__in=RawSQL(f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s", [match])) | by_number
    if connection.vendor == "postgresql":
        # LIKE / ILIKE themselves: Django's icontains is UPPER(..) LIKE UPPER(..), which no trigram index
        # answers; ILIKE only when the keyword has letters with a case (case folding every row costs a scan)
        op = ILike if q.lower() != q.upper() else Like
        pat = _like_pattern(q)
        like = Q(op(F("title"), pat)) | Q(op(F("text"), pat))
        if len(q) >= MIN_INDEXED:
            return like | by_number
        # One or two characters: the tasks holding each of its characters (the characters index), and of those
        # the ones where the keyword occurs (LIKE); both cheap to test on a row when another index leads.
        # (chars or number) and (like or number): the first half is what the index answers exactly, the second a
        # cheap test of the rows it gives; the same as (chars and like) or number.
        chars = RawSQL(_CHARS_EXPR.format(t='"ledger_task".') + " @> %s::text[]", [sorted(set(q.lower()))],
                       output_field=BooleanField())
        return (Q(chars) | by_number) & (like | by_number)
    # no index for this keyword here: tested row by row, after the other filters have narrowed the rows
    return Q(title__icontains=q) | Q(text__icontains=q) | by_number


def _phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _trigrams_starting_with(connection, prefix: str) -> list[str] | None:
    """The indexed trigrams that start with ``prefix`` (a range of the index's vocabulary); None when there are
    too many to ask for in one query."""
    with connection.cursor() as cur:
        cur.execute(f"SELECT term FROM {VOCAB} WHERE term >= %s AND term < %s LIMIT %s",
                    [prefix, prefix + "\U0010ffff", MAX_TERMS + 1])
        terms = [r[0] for r in cur.fetchall()]
    return None if len(terms) > MAX_TERMS else terms


class Like(Lookup):
    """``lhs LIKE rhs``: the pattern is passed as it is, already escaped."""

    lookup_name = "tz_like"
    prepare_rhs = False
    operator = "LIKE"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} {self.operator} {rhs}", [*lhs_params, *rhs_params]


class ILike(Like):
    """``lhs ILIKE rhs`` (PostgreSQL)."""

    lookup_name = "tz_ilike"
    operator = "ILIKE"
