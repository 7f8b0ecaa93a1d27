"""The ledger service's server-rendered Chinese screens (Django app ``web``)."""
