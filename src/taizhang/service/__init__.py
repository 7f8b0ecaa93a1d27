"""The ledger service: a Django project (settings, urls, wsgi) with the ``ledger`` app and the JSON API.

``setup()`` configures Django with :mod:`taizhang.service.settings` for command-line use.
"""

from __future__ import annotations

import os


def setup() -> None:
    """Configure Django for the service (idempotent); used by the ``taizhang`` commands."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.service.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
