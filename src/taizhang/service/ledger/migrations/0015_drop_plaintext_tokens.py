"""API tokens moved from DRF's authtoken (keys stored in plain text, never expiring) to django-rest-knox
(digests, expiry): the old table is dropped with every key in it. Clients ask /api/token/ for a new token."""

from django.db import migrations


def drop_plaintext_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if "authtoken_token" in connection.introspection.table_names():
        schema_editor.execute(f"DROP TABLE {schema_editor.quote_name('authtoken_token')}")


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0014_target_actual'),
    ]

    operations = [
        migrations.RunPython(drop_plaintext_tokens, migrations.RunPython.noop),
    ]
