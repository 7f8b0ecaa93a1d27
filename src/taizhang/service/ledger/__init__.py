"""The ``ledger`` Django app: the data model, its audit trail, and every workflow transition (services)."""
