"""The database itself refuses UPDATE and DELETE of audit events (PostgreSQL: plpgsql trigger, also on
TRUNCATE; SQLite: BEFORE UPDATE/DELETE triggers raising ABORT)."""

from django.db import migrations


def install(apps, schema_editor):
    from taizhang.service.ledger import dbtriggers

    dbtriggers.install(schema_editor.connection)


def remove(apps, schema_editor):
    from taizhang.service.ledger import dbtriggers

    dbtriggers.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
