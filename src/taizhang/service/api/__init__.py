"""The JSON REST API (Django REST framework), mounted at /api/, with its OpenAPI schema at /api/schema/."""
