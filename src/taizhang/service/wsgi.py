"""WSGI entry point of the ledger service (``taizhang serve`` runs it under waitress)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.service.settings")
application = get_wsgi_application()

# a restore interrupted before the service started is finished or undone before the first request
from taizhang.service.ledger.backup import recover  # noqa: E402

recover()
