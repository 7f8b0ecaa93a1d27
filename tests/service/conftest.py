"""The ledger-service tests' fixtures: see tests/service_fixtures.py."""

from service_fixtures import *  # noqa: F403
