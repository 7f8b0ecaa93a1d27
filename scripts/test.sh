#!/usr/bin/env bash
# Runs the whole test suite: lint, then pytest on the embedded SQLite, then again on PostgreSQL.
# PostgreSQL: DATABASE_URL if set, else postgres://postgres@127.0.0.1:5432/test when reachable.
# With CI=true an unreachable PostgreSQL is a failure, not a skip.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
status=0
"$PY" -m ruff check src tests benchmarks || status=1
echo "== pytest on SQLite"
env -u DATABASE_URL "$PY" -m pytest "$@"; rc=$?; [ $rc -eq 0 ] || status=1
PG_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}
if "$PY" - "$PG_URL" <<'PYEOF'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1].replace("postgres://", "postgresql://", 1), connect_timeout=3).close()
except Exception as exc:
    print(f"PostgreSQL not reachable at {sys.argv[1]}: {exc}", file=sys.stderr); sys.exit(1)
PYEOF
then
  echo "== pytest on PostgreSQL ($PG_URL)"
  DATABASE_URL="$PG_URL" "$PY" -m pytest "$@"; rc=$?; [ $rc -eq 0 ] || status=1
elif [ "${CI:-}" = "true" ]; then
  echo "CI=true and PostgreSQL is not reachable: failing" >&2; status=1
else
  echo "PostgreSQL not reachable: the PostgreSQL pass is skipped (CI requires it)" >&2
fi
exit $status
