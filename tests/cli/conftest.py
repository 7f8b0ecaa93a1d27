"""The service commands' tests use the ledger-service fixtures (tests/service_fixtures.py)."""

from service_fixtures import *  # noqa: F403
