"""Keyword search for one- and two-character keywords from an index too (see taizhang.service.ledger.search):
on SQLite the FTS5 copy gains trailing line feeds and a vocabulary table, on PostgreSQL a GIN index on each
task's characters. ``search.install`` rebuilds the SQLite copy from the tasks."""

import sys

from django.db import migrations


def install(apps, schema_editor):
    from taizhang.service.ledger import search

    for problem in search.install(schema_editor.connection):
        print(f"\n  关键词检索索引未建立，检索将逐行扫描：{problem}", file=sys.stderr)


def remove(apps, schema_editor):
    """Back to 0007's index: the trigram table without vocabulary (rebuilt by 0006's install on re-apply)."""
    from taizhang.service.ledger import search

    with schema_editor.connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {search.VOCAB}")
        if schema_editor.connection.vendor == "postgresql":
            cur.execute("DROP INDEX IF EXISTS ledger_task_chars")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0007_assignment_task_copies")]
    operations = [migrations.RunPython(install, remove)]
