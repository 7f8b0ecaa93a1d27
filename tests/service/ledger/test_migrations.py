"""The ledger's migrations: one for every model change."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command


def test_the_migrations_match_the_models(db):
    """No model change without its migration (makemigrations --check exits non-zero when one is missing)."""
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
