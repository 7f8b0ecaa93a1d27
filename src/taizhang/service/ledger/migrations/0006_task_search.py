"""Keyword search index for the tasks (see taizhang.service.ledger.search): SQLite FTS5 trigram table kept in
step by triggers, PostgreSQL pg_trgm GIN indexes, and an index on the task number.

On SQLite a later migration that rebuilds ``ledger_task`` (most ALTERs do) drops its triggers with the old
table: such a migration must call ``search.install`` again (tests/service/test_search.py checks it)."""

import sys

from django.db import migrations


def install(apps, schema_editor):
    from taizhang.service.ledger import search

    for problem in search.install(schema_editor.connection):
        print(f"\n  关键词检索索引未建立，检索将逐行扫描：{problem}", file=sys.stderr)


def remove(apps, schema_editor):
    from taizhang.service.ledger import search

    search.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0005_monitoring_dataset")]
    operations = [migrations.RunPython(install, remove)]
